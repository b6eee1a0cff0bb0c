"""Stored sentence vectors: one small item per request title, written by the search consumer."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import Any

from .codec import _to_ddb
from .keys import Keys
from .table import Table


class Vectors(Table):
    """A request title's embedding (``ai.embed``) with a hash of the text it was made of, so
    repeats and edits that keep the title cost nothing. Kept as base64 text, so backups, the
    local stack's file and exports read it as JSON."""

    def put_vector(
        self, tenant: str, app: str, request_id: str, vector: bytes, text_hash: str
    ) -> None:
        item = {"v": base64.b64encode(vector).decode(), "h": text_hash}
        self._put({**Keys.vector(tenant, app, request_id), **item})

    def delete_vector(self, tenant: str, app: str, request_id: str) -> None:
        self._call(
            "delete_item", TableName=self.table, Key=_to_ddb(Keys.vector(tenant, app, request_id))
        )

    def vector_hash(self, tenant: str, app: str, request_id: str) -> str | None:
        item = self._get(Keys.vector(tenant, app, request_id))
        return item.get("h") if item else None

    def vectors_of(
        self, tenant: str, app: str, request_ids: list[str]
    ) -> dict[str, tuple[bytes, str]]:
        """Some requests' ``(vector, text hash)`` (those with none left out), by BatchGetItem."""
        found = self._batch_get([Keys.vector(tenant, app, rid) for rid in request_ids])
        return dict(_decoded(Keys.vector(tenant, app)["sk"], found))

    def vectors(self, tenant: str, app: str) -> dict[str, bytes]:
        """Every stored ``request id -> vector`` of the app: one Query, about 1 KB a request."""
        return {rid: vector for rid, (vector, _) in self.hashed_vectors(tenant, app).items()}

    def hashed_vectors(self, tenant: str, app: str) -> dict[str, tuple[bytes, str]]:
        """Every stored ``request id -> (vector, hash of the text it was made of)``."""
        partition = Keys.vector(tenant, app)
        items = self._query_all(partition["pk"], partition["sk"])
        return dict(_decoded(partition["sk"], items))


def _decoded(
    prefix: str, items: Iterable[dict[str, Any]]
) -> Iterator[tuple[str, tuple[bytes, str]]]:
    for item in items:
        yield item["sk"].removeprefix(prefix), (base64.b64decode(item["v"]), item.get("h", ""))
