"""What the event consumers write: a marker per handled event, and the statistics."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .rankings import Activity
from .table import ConditionFailedError, Table


def _stats_parts(deltas: dict[str, int]) -> dict[str, dict[str, int]]:
    """The statistics items an event's counters go to: one per tag (``G#tag``, with the tag's
    uses per board); the rest to the item of the request's creation week (``W#week``) when
    the event names one (a create, a delete), else to ``SUM``. Each item holds a few
    counters, whatever the app's age."""
    weeks = [name[3:] for name in deltas if name.startswith("wk_")]
    rest = f"W#{weeks[0]}" if len(weeks) == 1 else "SUM"
    parts: dict[str, dict[str, int]] = {}
    for name, delta in deltas.items():
        if name.startswith("tag_"):
            part = f"G#{name[4:]}"
        elif name.startswith("bt_"):
            part = f"G#{name.partition('|')[2]}"
        else:
            part = rest
        parts.setdefault(part, {})[name] = delta
    return parts


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
        self,
        tenant: str,
        app: str,
        deltas: dict[str, int],
        event_id: str,
        expires_at: int,
        activity: Activity | None = None,
    ) -> bool:
        """ADD each delta once per event: the marker and the counters in one transaction,
        with the request's counters of the day (``activity``) when the event ranks it.

        The counters are spread over small items (``_stats_parts``), so an event writes a few
        items of a few dozen bytes however many weeks and tags the app has; one marker
        guards both (a vote: marker, ``SUM`` and its day's item, 6 units, not 4 + 4)."""
        parts = _stats_parts(deltas)
        marker = {**Keys.marker(tenant, event_id, "stats"), "expiresAt": expires_at}
        ops = [self._put_op(marker, "attribute_not_exists(pk)")]
        for part, counters in parts.items():
            ops.append(self._add_op(Keys.stats(tenant, app, part), counters))
        if activity is not None:
            day = Keys.activity(tenant, app, activity.day, activity.request_id)
            ops.append(self._add_op(day, activity.deltas, activity.expires_at))
        try:
            self.transact(ops)
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0):
                return False
            raise

    def _add_op(
        self, key: dict[str, str], counters: dict[str, int], expires_at: int | None = None
    ) -> dict[str, Any]:
        """ADD each counter (names aliased: tags and ids are free text), setting the item's
        expiry when it has one."""
        names = {f"#c{i}": name for i, name in enumerate(counters)}
        values: dict[str, Any] = {f":c{i}": delta for i, delta in enumerate(counters.values())}
        expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
        if expires_at is not None:
            values[":x"] = expires_at
            expression = "SET expiresAt = :x " + expression
        return self._update_op(key, expression, values, None, names)

    def get_stats(self, tenant: str, app: str) -> dict[str, int]:
        """Every counter of the app, summed over its statistics items: one Query, as many
        bytes as the counters themselves."""
        totals: dict[str, int] = {}
        for item in self._query_all(Keys.stats(tenant, app)["pk"], ""):
            for name, value in item.items():
                if name not in ("pk", "sk"):
                    totals[name] = totals.get(name, 0) + value
        return totals
