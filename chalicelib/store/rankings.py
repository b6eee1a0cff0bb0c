"""What the ranked lists read: each day's votes and comments per request, a voter's set."""

from __future__ import annotations

from .keys import Keys
from .table import ConditionFailedError, Table


class Rankings(Table):
    """One small item per app and day (``v_<id>`` votes, ``c_<id>`` comments, net of
    deletes), kept by the statistics consumer; a trending page reads a week of them in
    one BatchGetItem, whatever the app's size."""

    def add_activity(
        self,
        tenant: str,
        app: str,
        day: str,
        deltas: dict[str, int],
        event_id: str,
        expires_at: int,
    ) -> bool:
        """ADD the deltas to the day once per event (its marker in the same transaction);
        False for a redelivered event. The day item goes when ``expires_at`` passes."""
        names = {f"#c{i}": name for i, name in enumerate(deltas)}
        values = {f":c{i}": delta for i, delta in enumerate(deltas.values())}
        values[":x"] = expires_at
        expression = "SET expiresAt = :x ADD " + ", ".join(
            f"#c{i} :c{i}" for i in range(len(deltas))
        )
        marker = {**Keys.marker(tenant, event_id, "activity"), "expiresAt": expires_at}
        try:
            self.transact(
                [
                    self._put_op(marker, "attribute_not_exists(pk)"),
                    self._update_op(
                        Keys.activity(tenant, app, day), expression, values, None, names
                    ),
                ]
            )
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0):
                return False
            raise

    def activity(self, tenant: str, app: str, days: list[str]) -> dict[str, dict[str, int]]:
        """``{day: {counter: n}}`` of the days asked (at most 100), in one call."""
        found = self._batch_get([Keys.activity(tenant, app, d) for d in days])
        return {i["sk"][2:]: {k: v for k, v in i.items() if k[:2] in ("v_", "c_")} for i in found}

    def voted_ids(self, tenant: str, app: str, user: str) -> list[str]:
        """Every request the user votes for (the set each vote keeps), in one GetItem."""
        found = self._get(Keys.voted(tenant, app, user)) or {}
        return list(found.get("ids", ()))
