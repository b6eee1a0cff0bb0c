"""Tenants and admin keys: made by the operator's command line, never over HTTP."""

from __future__ import annotations

import re
from typing import Any

from ..auth import hash_key, new_admin_key
from ..context import Context
from ..errors import ConflictError, NotFoundError, ValidationFailedError
from ..ids import iso
from ..records import AdminKey, Tenant
from ..store import ConditionFailedError

__all__ = ["create_tenant", "list_tenants", "create_key", "revoke_key", "list_keys"]

_TENANT = re.compile(r"^[a-z0-9-]{2,40}$")


def create_tenant(ctx: Context, tenant_id: str, name: str | None = None) -> dict[str, str]:
    """The tenant and its first admin key (shown once)."""
    if not _TENANT.match(tenant_id):
        raise ValidationFailedError.for_field("tenant", "must be 2 to 40 of a-z, 0-9 and -")
    try:
        ctx.store.create_tenant(Tenant(tenant_id, name or tenant_id, ctx.clock()))
    except ConditionFailedError:
        raise ConflictError(f"tenant {tenant_id!r} already exists") from None
    return {"tenant": tenant_id, **create_key(ctx, tenant_id, "first key")}


def list_tenants(ctx: Context) -> list[dict[str, Any]]:
    return [
        {"tenant": t.id, "name": t.name, "createdAt": iso(t.created_ms)}
        for t in ctx.store.list_tenants()
    ]


def create_key(ctx: Context, tenant_id: str, label: str = "") -> dict[str, str]:
    if ctx.store.get_tenant(tenant_id) is None:
        raise NotFoundError(f"no tenant {tenant_id!r}")
    key, key_id = new_admin_key(tenant_id)
    ctx.store.put_admin_key(AdminKey(tenant_id, key_id, hash_key(key), ctx.clock(), label))
    return {"keyId": key_id, "adminKey": key}


def revoke_key(ctx: Context, tenant_id: str, key_id: str) -> None:
    try:
        ctx.store.revoke_admin_key(tenant_id, key_id)
    except ConditionFailedError:
        raise NotFoundError(f"no key {key_id!r} in tenant {tenant_id!r}") from None


def list_keys(ctx: Context, tenant_id: str) -> list[dict[str, Any]]:
    return [
        {"keyId": k.key_id, "label": k.label, "createdAt": iso(k.created_ms), "revoked": k.revoked}
        for k in ctx.store.list_admin_keys(tenant_id)
    ]
