"""The team: members and their roles, one-time sign-in tokens, sessions.

A member is two items written together: ``M#id`` (the record) and ``E#email`` (so one
address is one member). ``META`` counts the owners; every write that adds or takes away an
owner changes it in the same transaction, and taking one away is conditional on another
remaining, so two owners demoting each other at once cannot leave the tenant without one.
"""

from __future__ import annotations

from typing import Any

from ..records import Member, Session
from .codec import _from_ddb, _to_ddb
from .keys import Keys
from .table import ConditionFailedError, Table

__all__ = ["Members", "LastOwnerError"]


class LastOwnerError(Exception):
    """The write would leave the tenant without an owner."""


def _member_item(member: Member) -> dict[str, Any]:
    return {
        **Keys.member(member.tenant, member.id),
        "type": "member",
        "memberId": member.id,
        "email": member.email,
        "role": member.role,
        "createdAt": member.created_ms,
        "invitedBy": member.invited_by,
    }


def _member_record(tenant: str, item: dict[str, Any]) -> Member:
    return Member(
        tenant=tenant,
        id=item["memberId"],
        email=item["email"],
        role=item["role"],
        created_ms=item["createdAt"],
        invited_by=item.get("invitedBy"),
        last_sign_in_ms=item.get("lastSignInAt"),
    )


class Members(Table):
    """Members, sign-in tokens (hashes only) and sessions (hashes only)."""

    def _owner_op(self, tenant: str, delta: int) -> dict[str, Any]:
        if delta > 0:
            return self._update_op(Keys.team_meta(tenant), "ADD owners :d", {":d": delta})
        return self._update_op(
            Keys.team_meta(tenant), "ADD owners :d", {":d": delta, ":one": 1}, "owners > :one"
        )

    def add_member(self, member: Member) -> None:
        """Raises ``ConditionFailedError`` when the address is already a member."""
        ops = [
            self._put_op(
                {**Keys.member_email(member.tenant, member.email), "memberId": member.id},
                "attribute_not_exists(pk)",
            ),
            self._put_op(_member_item(member), "attribute_not_exists(pk)"),
        ]
        if member.role == "owner":
            ops.append(self._owner_op(member.tenant, 1))
        self.transact(ops)

    def get_member(self, tenant: str, member_id: str) -> Member | None:
        item = self._get(Keys.member(tenant, member_id), consistent=True)
        return _member_record(tenant, item) if item else None

    def find_member(self, tenant: str, email: str) -> Member | None:
        found = self._get(Keys.member_email(tenant, email), consistent=True)
        return self.get_member(tenant, found["memberId"]) if found else None

    def list_members(self, tenant: str) -> list[Member]:
        prefix = Keys.member(tenant)["sk"]
        return [_member_record(tenant, i) for i in self._query_all(Keys.team(tenant), prefix)]

    def set_role(self, member: Member, role: str) -> None:
        """Change a member's role if nobody changed it since ``member`` was read."""
        ops = [
            self._update_op(
                Keys.member(member.tenant, member.id),
                "SET #r = :new",
                {":new": role, ":old": member.role},
                "#r = :old",
                {"#r": "role"},
            )
        ]
        losing = member.role == "owner" and role != "owner"
        if (member.role == "owner") != (role == "owner"):
            ops.append(self._owner_op(member.tenant, 1 if role == "owner" else -1))
        self._owner_guarded(ops, losing)

    def remove_member(self, member: Member) -> None:
        ops = [
            self._delete_op(Keys.member(member.tenant, member.id), "attribute_exists(pk)"),
            self._delete_op(Keys.member_email(member.tenant, member.email)),
        ]
        if member.role == "owner":
            ops.append(self._owner_op(member.tenant, -1))
        self._owner_guarded(ops, member.role == "owner")

    def _owner_guarded(self, ops: list[dict[str, Any]], losing_owner: bool) -> None:
        """The transaction; ``LastOwnerError`` when its last item, the owner count, said no."""
        try:
            self.transact(ops)
        except ConditionFailedError as exc:
            if losing_owner and exc.failed_at(len(ops) - 1):
                raise LastOwnerError() from exc
            raise

    def signed_in(self, tenant: str, member_id: str, at_ms: int) -> None:
        self.transact(
            [
                self._update_op(
                    Keys.member(tenant, member_id),
                    "SET lastSignInAt = :at",
                    {":at": at_ms},
                    "attribute_exists(pk)",
                )
            ]
        )

    # ------------------------------------------------------------ sign-in tokens

    def put_signin_token(
        self, tenant: str, token_hash: str, member_id: str, expires_ms: int
    ) -> None:
        self._put(
            {
                **Keys.signin(tenant, token_hash),
                "type": "signinToken",
                "memberId": member_id,
                "expiresMs": expires_ms,
                "expiresAt": expires_ms // 1000 + 60,  # TTL: DynamoDB removes it later
            },
            "attribute_not_exists(pk)",
        )

    def take_signin_token(self, tenant: str, token_hash: str) -> dict[str, Any] | None:
        """Delete the token and return what it held; None if it is not there (never made,
        or used already): one conditional delete, so two uses at once cannot both win."""
        return self._take(Keys.signin(tenant, token_hash))

    def _take(self, key: dict[str, str]) -> dict[str, Any] | None:
        try:
            response = self._call(
                "delete_item",
                TableName=self.table,
                Key=_to_ddb(key),
                ConditionExpression="attribute_exists(pk)",
                ReturnValues="ALL_OLD",
            )
        except ConditionFailedError:
            return None
        return _from_ddb(response["Attributes"])

    # ------------------------------------------------------------ OpenID Connect

    def set_oidc(self, tenant: str, config: dict[str, Any] | None) -> None:
        """The team's identity provider (issuer, client id, redirect URIs), or none."""
        if config is None:
            expression, values = "REMOVE oidc", None
        else:
            expression, values = "SET oidc = :c", {":c": config}
        self.transact([self._update_op(Keys.team_meta(tenant), expression, values)])

    def get_oidc(self, tenant: str) -> dict[str, Any] | None:
        item = self._get(Keys.team_meta(tenant))
        return item.get("oidc") if item else None

    def put_oidc_flow(self, tenant: str, state_hash: str, flow: dict[str, Any]) -> None:
        """One sign-in at the identity provider under way: its nonce, PKCE challenge and
        redirect URI, until ``flow["expiresMs"]``; taken once by the callback."""
        self._put(
            {
                **Keys.oidc_flow(tenant, state_hash),
                "type": "oidcFlow",
                **flow,
                "expiresAt": flow["expiresMs"] // 1000 + 60,
            },
            "attribute_not_exists(pk)",
        )

    def take_oidc_flow(self, tenant: str, state_hash: str) -> dict[str, Any] | None:
        return self._take(Keys.oidc_flow(tenant, state_hash))

    # ------------------------------------------------------------ sessions

    def put_session(self, session: Session) -> None:
        self._put(
            {
                **Keys.session(session.tenant, session.id),
                "type": "session",
                "keyHash": session.token_hash,
                "memberId": session.member_id,
                "expiresMs": session.expires_ms,
                "expiresAt": session.expires_ms // 1000 + 60,
            },
            "attribute_not_exists(pk)",
        )

    def get_session(self, tenant: str, session_id: str) -> Session | None:
        item = self._get(Keys.session(tenant, session_id), consistent=True)
        if not item:
            return None
        return Session(tenant, session_id, item["keyHash"], item["memberId"], item["expiresMs"])

    def delete_session(self, tenant: str, session_id: str) -> None:
        self.transact([self._delete_op(Keys.session(tenant, session_id))])
