"""The tenant's audit trail of admin changes, newest first, with a TTL."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .table import Page, Table


class Audit(Table):
    """One item per admin change."""

    def add_audit(self, tenant: str, entry: dict[str, Any], at_ms: int, expires_at: int) -> None:
        self._put(
            {
                "pk": Keys.audit(tenant),
                "sk": f"{at_ms:015d}#{entry['requestId']}",
                "type": "audit",
                **entry,
                "at": at_ms,
                "expiresAt": expires_at,
            }
        )

    def list_audit(self, tenant: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.audit(tenant), forward=False, limit=limit, cursor=cursor
        )
        return Page(
            [
                {k: v for k, v in i.items() if k not in ("pk", "sk", "type", "expiresAt")}
                for i in items
            ],
            next_cursor,
        )
