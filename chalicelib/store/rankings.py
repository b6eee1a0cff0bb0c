"""What the ranked lists read: each day's votes and comments per request, a voter's set."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from .keys import Keys
from .table import Table

# a day's counters are split by request over this many items, so a day stays below
# DynamoDB's 400 KB an item: ~31 B a counter, two a request, is ~6,500 requests a shard,
# ~26,000 active requests a day (docs/operations.md); a write touches one shard, a week's
# read is one Query of at most 28 items
ACTIVITY_SHARDS = 4


def activity_shard(request_id: str) -> int:
    """The shard of a request's counters: the same in every process."""
    return zlib.crc32(request_id.encode()) % ACTIVITY_SHARDS


@dataclass(frozen=True)
class Activity:
    """One event's counters for its request on its day (``v_<id>`` or ``c_<id>``), added
    in the statistics' own transaction (``Events.add_to_stats``): one marker for both."""

    day: str
    request_id: str
    deltas: dict[str, int]
    expires_at: int  # the shard goes when this passes


class Rankings(Table):
    """Small items per app and day (``v_<id>`` votes, ``c_<id>`` comments, net of
    deletes), kept by the statistics consumer; a trending page reads a week of them with
    one Query (a page of 1 MB, ~16,000 requests' counters), whatever the app's size."""

    def activity(self, tenant: str, app: str, first: str, last: str) -> dict[str, dict[str, int]]:
        """``{day: {counter: n}}`` from day ``first`` to ``last``, every shard (and older
        code's whole-day items) added together."""
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
