"""Where messages go: email opt-outs and the webhook delivery log."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .table import Page, Table


class Deliveries(Table):
    """Opt-outs by recipient; webhook attempts, kept a week."""

    def opt_out(self, tenant: str, app: str, recipient: str) -> None:
        self._put({**Keys.opt_out(tenant, app, recipient), "type": "optOut"})

    def opted_out(self, tenant: str, app: str, recipients: list[str]) -> set[str]:
        found = self._batch_get([Keys.opt_out(tenant, app, r) for r in recipients])
        prefix = Keys.user(tenant, app, "")
        return {i["pk"][len(prefix) :] for i in found}

    def add_delivery(
        self, tenant: str, app: str, attempt: dict[str, Any], at_ms: int, expires_at: int
    ) -> None:
        """One webhook attempt, kept a week, listed newest first."""
        sk = f"D#{at_ms:015d}#{attempt['eventId']}#{attempt['attempt']}#{attempt['url'][:200]}"
        self._put(
            {
                "pk": Keys.deliveries(tenant, app),
                "sk": sk,
                "type": "delivery",
                **attempt,
                "at": at_ms,
                "expiresAt": expires_at,
            }
        )

    def list_deliveries(self, tenant: str, app: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.deliveries(tenant, app), prefix="D#", forward=False, limit=limit, cursor=cursor
        )
        keep = (
            "eventId",
            "eventType",
            "url",
            "statusCode",
            "attempt",
            "at",
            "error",
            "nextRetryAt",
        )
        return Page([{k: i.get(k) for k in keep} for i in items], next_cursor)
