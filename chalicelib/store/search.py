"""The search index: ``status|title`` of every request in a few shard items."""

from __future__ import annotations

from .keys import Keys
from .table import ConditionFailedError, Table


class Search(Table):
    """Read whole in one BatchGetItem; a request's entry is written by the search consumer."""

    SEARCH_SHARDS = 4  # each item holds ~3,000 titles; the index is read in one BatchGetItem

    def _shard_of(self, request_id: str) -> int:
        import zlib

        return zlib.crc32(request_id.encode()) % self.SEARCH_SHARDS

    def index_request(self, tenant: str, app: str, request_id: str, entry: str | None) -> None:
        """Put (or, with None, remove) one request's ``status|title`` in the search index."""
        key = Keys.search_shard(tenant, app, self._shard_of(request_id))
        names = {"#e": "e", "#id": request_id}
        if entry is None:
            self.transact([self._update_op(key, "REMOVE #e.#id", None, None, names)])
            return
        try:
            self.transact(
                [
                    self._update_op(
                        key, "SET #e.#id = :v", {":v": entry}, "attribute_exists(#e)", names
                    )
                ]
            )
        except ConditionFailedError:  # the shard's first entry: create its map
            self.transact(
                [
                    self._update_op(
                        key,
                        "SET #e = if_not_exists(#e, :m)",
                        {":m": {request_id: entry}},
                        None,
                        {"#e": "e"},
                    )
                ]
            )
            self.transact([self._update_op(key, "SET #e.#id = :v", {":v": entry}, None, names)])

    def search_entries(self, tenant: str, app: str) -> dict[str, str]:
        """Every indexed ``id -> status|title`` of the app, in one call."""
        shards = self._batch_get(
            [Keys.search_shard(tenant, app, n) for n in range(self.SEARCH_SHARDS)]
        )
        return {k: v for shard in shards for k, v in (shard.get("e") or {}).items()}
