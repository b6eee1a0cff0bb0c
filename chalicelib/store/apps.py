"""Tenants, their admin keys and their apps."""

from __future__ import annotations

from typing import Any

from ..records import AdminKey, App, Tenant
from .keys import Keys
from .table import Table


def _app_item(app: App) -> dict[str, Any]:
    return {
        **Keys.app(app.tenant, app.id),
        "type": "app",
        "id": app.id,
        "name": app.name,
        "pubKeyHash": app.pub_key_hash,
        "userSecretSalt": app.user_secret_salt,
        "allowAnonymous": app.allow_anonymous,
        "notifyEmails": list(app.notify_emails),
        "webhooks": list(app.webhooks),
        "createdAt": app.created_ms,
        "updatedAt": app.updated_ms,
        "version": app.version,
        "integrations": app.integrations or None,
        "statuses": list(app.statuses) or None,
        "boards": list(app.boards) or None,
        "moderation": app.moderation,
        "branding": app.branding or None,
    }


def _app_record(tenant: str, item: dict[str, Any]) -> App:
    return App(
        tenant=tenant,
        id=item["id"],
        name=item["name"],
        pub_key_hash=item["pubKeyHash"],
        user_secret_salt=item["userSecretSalt"],
        created_ms=item["createdAt"],
        updated_ms=item["updatedAt"],
        allow_anonymous=bool(item.get("allowAnonymous")),
        notify_emails=tuple(item.get("notifyEmails", ())),
        webhooks=tuple(item.get("webhooks", ())),
        version=item.get("version", 1),
        integrations=item.get("integrations") or {},
        statuses=tuple(item.get("statuses") or ()),
        boards=tuple(item.get("boards") or ()),
        moderation=item.get("moderation", "none"),
        branding=item.get("branding") or {},
    )

    # ------------------------------------------------------------ tenants and keys


class Apps(Table):
    """Tenants (and the operator's registry of them), admin keys (hashes only), apps."""

    def create_tenant(self, tenant: Tenant) -> None:
        record = {
            "type": "tenant",
            "id": tenant.id,
            "name": tenant.name,
            "createdAt": tenant.created_ms,
        }
        self.transact(
            [
                self._put_op({**Keys.tenant(tenant.id), **record}, "attribute_not_exists(pk)"),
                self._put_op({**Keys.registry(tenant.id), **record}),
            ]
        )

    def get_tenant(self, tenant: str) -> Tenant | None:
        item = self._get(Keys.tenant(tenant))
        return Tenant(item["id"], item["name"], item["createdAt"]) if item else None

    def list_tenants(self) -> list[Tenant]:
        return [
            Tenant(i["id"], i["name"], i["createdAt"])
            for i in self._query_all("REGISTRY", "TENANT#")
        ]

    def put_admin_key(self, key: AdminKey) -> None:
        self._put(
            {
                **Keys.admin_key(key.tenant, key.key_id),
                "type": "adminKey",
                "keyId": key.key_id,
                "keyHash": key.key_hash,
                "label": key.label,
                "createdAt": key.created_ms,
                "revoked": key.revoked,
            },
            "attribute_not_exists(pk)",
        )

    def get_admin_key(self, tenant: str, key_id: str) -> AdminKey | None:
        item = self._get(Keys.admin_key(tenant, key_id))
        return self._admin_key(tenant, item) if item else None

    def get_admin_key_and_app(
        self, tenant: str, key_id: str, app_id: str
    ) -> tuple[AdminKey | None, App | None]:
        """An admin key and the app its call names, in one BatchGetItem: the key is read on
        every call (a revoked key stops at once), and an app route's list page stays within
        four calls (this, the rate limit, the Query and the page's requests)."""
        key_ref, app_ref = Keys.admin_key(tenant, key_id), Keys.app(tenant, app_id)
        found = {(i["pk"], i["sk"]): i for i in self._batch_get([key_ref, app_ref])}
        key_item = found.get((key_ref["pk"], key_ref["sk"]))
        app_item = found.get((app_ref["pk"], app_ref["sk"]))
        return (
            self._admin_key(tenant, key_item) if key_item else None,
            _app_record(tenant, app_item) if app_item else None,
        )

    @staticmethod
    def _admin_key(tenant: str, item: dict[str, Any]) -> AdminKey:
        return AdminKey(
            tenant,
            item["keyId"],
            item["keyHash"],
            item["createdAt"],
            item.get("label", ""),
            bool(item.get("revoked")),
        )

    def list_admin_keys(self, tenant: str) -> list[AdminKey]:
        return [
            self._admin_key(tenant, i) for i in self._query_all(Keys.admin_keys(tenant), "KEY#")
        ]

    def revoke_admin_key(self, tenant: str, key_id: str) -> None:
        self.transact(
            [
                self._update_op(
                    Keys.admin_key(tenant, key_id),
                    "SET revoked = :t",
                    {":t": True},
                    "attribute_exists(pk)",
                )
            ]
        )

    # ------------------------------------------------------------ apps

    def create_app(self, app: App) -> None:
        self._put(_app_item(app), "attribute_not_exists(pk)")

    def get_app(self, tenant: str, app_id: str) -> App | None:
        item = self._get(Keys.app(tenant, app_id))
        return _app_record(tenant, item) if item else None

    def list_apps(self, tenant: str) -> list[App]:
        return [_app_record(tenant, i) for i in self._query_all(Keys.apps(tenant), "APP#")]

    def replace_app(self, app: App, expected_version: int) -> None:
        """Write the whole app, only if nobody changed it since ``expected_version``."""
        self._conditional_put(
            _app_item(app), "attribute_exists(pk) AND version = :v", {":v": expected_version}
        )
