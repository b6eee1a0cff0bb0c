"""The "did you mean" title index: ``status|title`` of every request, spread over shard items.

A write is billed by the whole item it changes (the larger of before and after), so the
index is cut into ``SEARCH_SHARDS`` small items: at 10,000 requests a title's write changes
an item of ~9 KB (9 WRU), where the four shards of older versions were ~125 KB each (250 WRU
in a transaction) and outgrew DynamoDB's 400 KB item limit at ~12,000-20,000 requests. The
whole index is still read in one BatchGetItem (100 keys at most: the shards and the four
older ones, which ``reindex`` deletes), once per process; after that a process reads only
the shards whose count in the ``VERSIONS`` item moved (``search_changed``).
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

    @classmethod
    def shard_of(cls, request_id: str) -> int:
        return zlib.crc32(request_id.encode()) % cls.SEARCH_SHARDS

    def _shard_key(self, tenant: str, app: str, request_id: str) -> dict[str, str]:
        return Keys.search_shard(tenant, app, self.shard_of(request_id))

    def search_changed(self, tenant: str, app: str, request_ids: Iterable[str]) -> None:
        """Count a change of each request's shard, once its entry and vector are written:
        a cache re-reads only the shards whose count moved. One small item (~1 WRU)."""
        self._count_changes(tenant, app, {self.shard_of(rid) for rid in request_ids})

    def _count_changes(self, tenant: str, app: str, shards: set[int]) -> None:
        if not shards:
            return
        names = {f"#s{n}": f"s{n}" for n in shards}
        self._update(
            Keys.search_versions(tenant, app),
            "ADD " + ", ".join(f"#s{n} :one" for n in sorted(shards)),
            {":one": 1},
            None,
            names,
        )

    def search_versions(self, tenant: str, app: str) -> dict[int, int]:
        """``shard -> changes counted``; empty before the first counted change."""
        found = self._get(Keys.search_versions(tenant, app)) or {}
        return {int(k[1:]): int(v) for k, v in found.items() if k[:1] == "s" and k[1:].isdigit()}

    def search_shards(self, tenant: str, app: str, shards: Iterable[int]) -> dict[int, dict]:
        """The entries of some shards (``{}`` for one never written), in one BatchGetItem."""
        wanted = sorted(set(shards))
        found = self._batch_get([Keys.search_shard(tenant, app, n) for n in wanted])
        entries: dict[int, dict] = {n: {} for n in wanted}
        for item in found:
            entries[int(item["sk"][2:])] = item.get("e") or {}
        return entries

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
        values: dict[str, str | int | dict[str, str]] | None,
        condition: str | None,
        names: dict[str, str],
    ) -> None:
        self._call(
            "update_item", **self._update_op(key, expression, values, condition, names)["Update"]
        )

    def search_entries(self, tenant: str, app: str) -> dict[str, str]:
        """Every indexed ``id -> status|title`` of the app, in one call. An entry of the
        older shards counts until the new layout has the request (``reindex`` drops them)."""
        older, current = self.search_layers(tenant, app)
        return {**older, **current}

    def search_layers(self, tenant: str, app: str) -> tuple[dict[str, str], dict[str, str]]:
        """The older shards' entries and the current ones', apart, in one BatchGetItem."""
        keys = [Keys.search_shard(tenant, app, n) for n in range(self.SEARCH_SHARDS)]
        old = [Keys.old_search_shard(tenant, app, n) for n in range(OLD_SHARDS)]
        older: dict[str, str] = {}
        current: dict[str, str] = {}
        for shard in self._batch_get(old + keys):
            (older if shard["sk"].startswith("S#") else current).update(shard.get("e") or {})
        return older, current

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
        self._count_changes(tenant, app, set(range(self.SEARCH_SHARDS)))  # caches re-read all
        return count
