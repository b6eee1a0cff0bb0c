"""The "did you mean" title index: ``status|title`` of every request, spread over shard items.

A write is billed by the whole item it changes (the larger of before and after), so the
index is cut into ``SEARCH_SHARDS`` small items: at 10,000 requests a title's write changes
an item of ~9 KB (9 WRU), where the four shards of older versions were ~125 KB each (250 WRU
in a transaction) and outgrew DynamoDB's 400 KB item limit at ~12,000-20,000 requests. The
whole index is still read in one BatchGetItem (100 keys at most: the shards and the four
older ones, which ``reindex`` deletes).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from .codec import _to_ddb
from .keys import Keys
from .table import ConditionFailedError, Table

OLD_SHARDS = 4  # the older layout (sort keys S#0-3); read until `manage.py reindex` drops it


class Search(Table):
    """Read whole in one BatchGetItem; a request's entry is written by the search consumer."""

    SEARCH_SHARDS = 96  # with the older 4: the 100 keys of one BatchGetItem

    def _shard_key(self, tenant: str, app: str, request_id: str) -> dict[str, str]:
        shard = zlib.crc32(request_id.encode()) % self.SEARCH_SHARDS
        return Keys.search_shard(tenant, app, shard)

    def index_request(self, tenant: str, app: str, request_id: str, entry: str | None) -> None:
        """Put (or, with None, remove) one request's ``status|title`` in the title index.

        One plain UpdateItem (a transaction would bill it twice); an entry is only ever
        written by the consumer that reads the request as it is now, so nothing races it."""
        key = self._shard_key(tenant, app, request_id)
        names = {"#e": "e", "#id": request_id}
        if entry is None:
            self._update(key, "REMOVE #e.#id", None, None, names)
            return
        try:
            self._update(key, "SET #e.#id = :v", {":v": entry}, "attribute_exists(#e)", names)
        except ConditionFailedError:  # the shard's first entry: make its map
            self._update(key, "SET #e = if_not_exists(#e, :m)", {":m": {}}, None, {"#e": "e"})
            self._update(key, "SET #e.#id = :v", {":v": entry}, None, names)

    def _update(
        self,
        key: dict[str, str],
        expression: str,
        values: dict[str, str | dict[str, str]] | None,
        condition: str | None,
        names: dict[str, str],
    ) -> None:
        self._call(
            "update_item", **self._update_op(key, expression, values, condition, names)["Update"]
        )

    def search_entries(self, tenant: str, app: str) -> dict[str, str]:
        """Every indexed ``id -> status|title`` of the app, in one call. An entry of the
        older shards counts until the new layout has the request (``reindex`` drops them)."""
        keys = [Keys.search_shard(tenant, app, n) for n in range(self.SEARCH_SHARDS)]
        old = [Keys.old_search_shard(tenant, app, n) for n in range(OLD_SHARDS)]
        shards = self._batch_get(old + keys)
        entries: dict[str, str] = {}
        for shard in sorted(shards, key=lambda s: not s["sk"].startswith("S#")):  # old first
            entries.update(shard.get("e") or {})
        return entries

    def rebuild_titles(self, tenant: str, app: str, entries: Iterable[tuple[str, str]]) -> int:
        """Write the whole title index from ``(request id, status|title)`` pairs, one item a
        shard, and delete the older layout's items: for ``reindex``. Returns the entries."""
        shards: dict[int, dict[str, str]] = {n: {} for n in range(self.SEARCH_SHARDS)}
        count = 0
        for request_id, entry in entries:
            shards[zlib.crc32(request_id.encode()) % self.SEARCH_SHARDS][request_id] = entry
            count += 1
        puts = [
            {"PutRequest": {"Item": _to_ddb({**Keys.search_shard(tenant, app, n), "e": e})}}
            for n, e in shards.items()
        ]
        for start in range(0, len(puts), 25):
            self._write_batch(puts[start : start + 25])
        self._batch_delete(Keys.old_search_shard(tenant, app, n) for n in range(OLD_SHARDS))
        return count
