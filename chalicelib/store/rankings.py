"""What the ranked lists read: each day's votes and comments per request, a voter's set."""

from __future__ import annotations

from dataclasses import dataclass

from .keys import Keys
from .table import Table


@dataclass(frozen=True)
class Activity:
    """One event's counters for its request on its day (``v_<id>`` or ``c_<id>``), added
    in the statistics' own transaction (``Events.add_to_stats``): one marker for both, and
    an item per request and day (older code's day shards grew to 400 KB on a busy day, and
    DynamoDB bills a write by the whole item: up to 400 units a vote)."""

    day: str
    request_id: str
    deltas: dict[str, int]
    expires_at: int  # the item goes when this passes


class Rankings(Table):
    """Small items per request and day (``v_<id>`` votes, ``c_<id>`` comments, net of
    deletes), kept by the statistics consumer; a trending page reads a week of them with
    one Query (a page of 1 MB holds ~7,000 request-days), whatever the app's size."""

    def activity(self, tenant: str, app: str, first: str, last: str) -> dict[str, dict[str, int]]:
        """``{day: {counter: n}}`` from day ``first`` to ``last``, every request's item (and
        older code's whole-day items and shards) added together."""
        days: dict[str, dict[str, int]] = {}
        for item in self._query_between(*Keys.activity_days(tenant, app, first, last)):
            counters = days.setdefault(Keys.activity_day(item["sk"]), {})
            for name, n in item.items():
                if name[:2] in ("v_", "c_"):
                    counters[name] = counters.get(name, 0) + int(n)
        return days

    def voted_ids(self, tenant: str, app: str, user: str) -> list[str]:
        """Every request the user votes for (the set each vote keeps), in one GetItem."""
        found = self._get(Keys.voted(tenant, app, user)) or {}
        return list(found.get("ids", ()))
