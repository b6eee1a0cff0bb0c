"""A user's standing in an app: a ban, and how many of their posts the team approved or
rejected. Every end-user write checks the ban inside its own transaction, so a ban costs
no extra call and leaves no read-then-write race: a vote on the voted-set item its
transaction updates anyway (a copy of the ban is kept there: no extra unit), a request,
comment or feedback with a ConditionCheck on this small item (2 write units)."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .table import ConditionFailedError, Table

NOT_BANNED = "attribute_not_exists(bannedUntil) OR bannedUntil <= :now"


def banned_at_end(exc: ConditionFailedError) -> bool:
    """Whether a transaction failed on its last operation: the ban guard, always put last."""
    return len(exc.reasons) > 1 and exc.reasons[-1] == "ConditionalCheckFailed"


class Standing(Table):
    """Bans and moderation counts, one item per user and app (not in ``byUser``: forgetting
    a user's data does not lift their ban)."""

    def _ban_guard(self, tenant: str, app: str, user: str, now_ms: int) -> dict[str, Any]:
        """The operation a write ends its transaction with: fails while ``user`` is banned."""
        return self._check_op(Keys.standing(tenant, app, user), NOT_BANNED, {":now": now_ms})

    def get_standing(self, tenant: str, app: str, user: str) -> dict[str, Any]:
        item = self._get(Keys.standing(tenant, app, user)) or {}
        return {k: v for k, v in item.items() if k not in ("pk", "sk", "type")}

    def ban(self, tenant: str, app: str, user: str, until_ms: int, reason: str | None) -> None:
        """On the standing item and on the voted set, which votes check."""
        values: dict[str, Any] = {":until": until_ms}
        expression = "SET #type = if_not_exists(#type, :type), bannedUntil = :until"
        if reason:
            expression += ", banReason = :reason"
            values[":reason"] = reason
        else:
            expression += " REMOVE banReason"
        self.transact(
            [
                self._update_op(key, expression, {**values, ":type": kind}, names={"#type": "type"})
                for key, kind in (
                    (Keys.standing(tenant, app, user), "standing"),
                    (Keys.voted(tenant, app, user), "votedSet"),
                )
            ]
        )

    def unban(self, tenant: str, app: str, user: str) -> None:
        self.transact(
            [
                self._update_op(key, "REMOVE bannedUntil, banReason")
                for key in (Keys.standing(tenant, app, user), Keys.voted(tenant, app, user))
            ]
        )

    def _standing_op(self, tenant: str, app: str, user: str, decision: str) -> dict[str, Any]:
        """Count an approved or rejected post of ``user``, in the decision's transaction."""
        return self._update_op(
            Keys.standing(tenant, app, user),
            f"SET #type = :type ADD {decision} :one",
            {":type": "standing", ":one": 1},
            names={"#type": "type"},
        )
