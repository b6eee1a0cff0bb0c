"""Idempotent replays and rate-limit counters."""

from __future__ import annotations

from typing import Any

from .codec import _to_ddb, _values
from .keys import Keys
from .table import Table


class Limits(Table):
    """Small items with a TTL that guard the write paths."""

    def idempotency_item(
        self,
        tenant: str,
        app: str,
        scope: str,
        fingerprint: str,
        status: int,
        body: dict[str, Any],
        expires_at: int,
    ) -> dict[str, Any]:
        return {
            **Keys.idempotency(tenant, app, scope),
            "type": "idempotency",
            "fingerprint": fingerprint,
            "status": status,
            "body": body,
            "expiresAt": expires_at,
        }

    def get_idempotent(self, tenant: str, app: str, scope: str) -> dict[str, Any] | None:
        return self._get(Keys.idempotency(tenant, app, scope), consistent=True)

    def hit_rate(
        self,
        tenant: str,
        subject: str,
        window: int,
        expires_at: int,
        step: int = 1,
        writes: int = 0,
    ) -> tuple[int, int]:
        """Count ``step`` more calls (``writes`` of them writes) in a fixed window, in one
        small UpdateItem; returns the calls and writes counted so far."""
        response = self._call(
            "update_item",
            TableName=self.table,
            Key=_to_ddb(Keys.rate(tenant, subject, window)),
            UpdateExpression="ADD hits :step, writes :w SET expiresAt = :exp",
            ExpressionAttributeValues=_values({":step": step, ":w": writes, ":exp": expires_at}),
            ReturnValues="ALL_NEW",
        )
        found = response["Attributes"]
        return int(found["hits"]["N"]), int(found.get("writes", {}).get("N", 0))
