"""The audit trail: every change the team made (an admin key or a member), when; a year."""

from __future__ import annotations

from typing import Any

from ..auth import Caller
from ..context import Context
from ..ids import iso
from ..models import PageQuery

__all__ = ["record", "trail"]


def record(
    ctx: Context,
    caller: Caller,
    method: str,
    route: str,
    params: dict[str, str],
    status: int,
    request_id: str,
) -> None:
    """Called for each write by the team (never a body: only what changed)."""
    now = ctx.clock()
    ctx.store.add_audit(
        caller.tenant,
        {
            "requestId": request_id,
            "keyId": caller.key_id,
            "actingUser": caller.user.id if caller.user else None,
            "member": {"id": caller.member.id, "email": caller.member.email}
            if caller.member
            else None,
            "action": f"{method} {route}",
            "target": params,
            "status": status,
        },
        now,
        now // 1000 + ctx.settings.audit_retention_days * 86400,
    )


def trail(ctx: Context, caller: Caller, query: PageQuery) -> dict[str, Any]:
    caller.require_admin()
    page = ctx.store.list_audit(caller.tenant, query.limit, query.cursor)
    return {
        "items": [
            {
                "at": iso(e["at"]),
                "requestId": e["requestId"],
                "keyId": e["keyId"],
                "actingUser": e.get("actingUser"),
                "member": e.get("member"),
                "action": e["action"],
                "target": e.get("target") or {},
                "status": e["status"],
            }
            for e in page.items
        ],
        "nextCursor": page.next_cursor,
    }
