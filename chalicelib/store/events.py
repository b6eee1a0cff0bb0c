"""What the event consumers write: a marker per handled event, and the statistics."""

from __future__ import annotations

from .keys import Keys
from .table import ConditionFailedError, Table


class Events(Table):
    """Each consumer does its work once per event: the marker and the work in one transaction."""

    def claim(self, tenant: str, event_id: str, consumer: str, expires_at: int) -> bool:
        """Mark an event as handled by ``consumer``; False if it already was (a redelivery)."""
        try:
            self._put(
                {**Keys.marker(tenant, event_id, consumer), "expiresAt": expires_at},
                "attribute_not_exists(pk)",
            )
            return True
        except ConditionFailedError:
            return False

    def claimed(self, tenant: str, event_id: str, consumer: str) -> bool:
        return self._get(Keys.marker(tenant, event_id, consumer), consistent=True) is not None

    def release(self, tenant: str, event_id: str, consumer: str) -> None:
        """Undo ``claim`` when the work failed, so the retry does it."""
        self.transact([self._delete_op(Keys.marker(tenant, event_id, consumer))])

    def add_to_stats(
        self, tenant: str, app: str, deltas: dict[str, int], event_id: str, expires_at: int
    ) -> bool:
        """ADD each delta once per event: the marker and the counters in one transaction."""
        names = {f"#c{i}": name for i, name in enumerate(deltas)}
        values = {f":c{i}": delta for i, delta in enumerate(deltas.values())}
        expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(deltas)))
        marker = {**Keys.marker(tenant, event_id, "stats"), "expiresAt": expires_at}
        ops = [self._put_op(marker, "attribute_not_exists(pk)")]
        if deltas:
            ops.append(self._update_op(Keys.stats(tenant, app), expression, values, None, names))
        try:
            self.transact(ops)
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0):
                return False
            raise

    def get_stats(self, tenant: str, app: str) -> dict[str, int]:
        item = self._get(Keys.stats(tenant, app)) or {}
        return {k: v for k, v in item.items() if k not in ("pk", "sk")}
