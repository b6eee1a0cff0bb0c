"""'Did you mean…': requests that read like what a user is typing, at a fixed cost per call.

A compact index (``status|title`` of every request, in 96 small items) and each request's
sentence vector are kept by a stream consumer and cached in the function between calls. A
process reads them whole once; after that, at most every ``CACHE_S`` seconds, it reads the
index's change counts (one small item) and only the shards that changed, with the vectors
of the titles that changed in them, so what a refresh costs follows the writes, not the
app's size. A search embeds only the query (the model loads on the first search of a
process) and then reads only the requests it returns. Without a model installed, the
lexical index alone answers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from ..auth import Caller
from ..context import Context
from ..events import DomainEvent
from ..records import App

__all__ = ["similar", "keep_index", "reindex_titles", "CACHE_S", "SEARCHABLE"]

CACHE_S = 30
SHOWN = 5  # matches one call answers
# matches read to find those of one board: a BatchGetItem of 2 keys each (item, counter),
# and one more of those on other boards than general: at most 3 x 12 items a call
ON_BOARD = 12
SEARCHABLE = ("open", "active")  # the kinds of status "did you mean…" offers
_cache: dict[tuple[str, str, int], _Cached] = {}
_lock = threading.Lock()


@dataclass
class _Cached:
    """One app's index as this process last read it."""

    at: float  # time.monotonic() of the last read
    versions: dict[int, int]  # each shard's change count then
    older: dict[str, str]  # entries of the older layout (read once; `reindex` drops them)
    current: dict[str, str]  # id -> status|title, from the shards
    vectors: dict[str, tuple[bytes, str]]  # id -> (vector, hash of the title it was made of)
    index: Any = None  # built from the above for the app's statuses then (``kinds``)
    kinds: tuple[tuple[str, str], ...] = ()


def _load(ctx: Context, app: App) -> _Cached:
    """The whole index and every vector: a process's first search of the app."""
    from . import vectors

    versions = ctx.store.search_versions(app.tenant, app.id)  # first: a later write re-reads
    older, current = ctx.store.search_layers(app.tenant, app.id)
    stored = ctx.store.hashed_vectors(app.tenant, app.id) if vectors.available() else {}
    return _Cached(time.monotonic(), versions, older, current, stored)


def _refresh(ctx: Context, app: App, cached: _Cached) -> bool:
    """Re-read the shards whose change count moved, and the vectors of their entries whose
    cached vector was made of another title (new, renamed, or read while its vector was
    being written); True when anything changed."""
    from . import vectors

    versions = ctx.store.search_versions(app.tenant, app.id)
    moved = {n for n, v in versions.items() if cached.versions.get(n) != v}
    cached.at, cached.versions = time.monotonic(), versions
    if not moved:
        return False
    fresh: dict[str, str] = {}
    for entries in ctx.store.search_shards(app.tenant, app.id, moved).values():
        fresh.update(entries)
    shard_of = ctx.store.shard_of
    for rid in [rid for rid in cached.current if shard_of(rid) in moved and rid not in fresh]:
        del cached.current[rid]  # deleted
        if rid not in cached.older:
            cached.vectors.pop(rid, None)
    cached.current.update(fresh)
    if vectors.available():
        stale = [
            rid
            for rid, entry in fresh.items()
            if cached.vectors.get(rid, (b"", ""))[1] != vectors.text_hash(_title(entry))
        ]
        if stale:
            cached.vectors.update(ctx.store.vectors_of(app.tenant, app.id, stale))
    return True


def _title(entry: str) -> str:
    return entry.split("|", 1)[1]


def _build(app: App, cached: _Cached) -> Any:
    from ..workflow import status_kind
    from . import vectors

    entries = {
        rid: _title(value)
        for rid, value in {**cached.older, **cached.current}.items()
        if status_kind(app, value.split("|", 1)[0]) in SEARCHABLE
    }
    if vectors.available():
        from ..ai.embed import DIM, from_bytes
        from ..ai.semantic import SemanticIndex

        blank = bytes(2 * DIM)  # not embedded yet: matched by its words alone
        return SemanticIndex(
            list(entries),
            list(entries.values()),
            [from_bytes(cached.vectors.get(rid, (blank, ""))[0]) for rid in entries],
        )
    from ..ai.similarity import Index

    return Index(entries.items())


def _index(ctx: Context, app: App) -> Any:
    """The title index of the app's open requests, for "did you mean…" (the board's search
    box reads the full-text index instead, ``services/fulltext.py``). Built again when a
    shard or the app's statuses changed (which of them are offered)."""
    from ..workflow import statuses

    key = (app.tenant, app.id, app.created_ms)  # an app made again under its id starts anew
    kinds = tuple((s["id"], s["kind"]) for s in statuses(app))
    with _lock:  # one thread reads and updates the cache at a time (Lambda runs one anyway)
        cached = _cache.get(key)
        if cached is None:
            cached = _cache[key] = _load(ctx, app)
        elif time.monotonic() - cached.at >= CACHE_S and _refresh(ctx, app, cached):
            cached.index = None
        if cached.index is None or cached.kinds != kinds:
            cached.index, cached.kinds = _build(app, cached), kinds
        return cached.index


def _search(index: Any, q: str, limit: int) -> list[tuple[str, float]]:
    from ..ai.semantic import SEARCH_FLOOR, SemanticIndex

    if isinstance(index, SemanticIndex):
        from ..ai.embed import encoder

        found = index.search(q, encoder().encode([q])[0], limit)
        return [(rid, score) for rid, score in found if score >= SEARCH_FLOOR]
    return [(rid, score) for rid, score in index.search(q, limit) if score >= 0.2]


def similar(
    ctx: Context, caller: Caller, app: App, q: str, board: str | None = None
) -> dict[str, Any]:
    """Up to 5 of the requests that read like ``q``, of the boards the caller may see, or
    of ``board`` alone (404 if the caller may not see it): the index does not know boards,
    so when some are left out the best ``ON_BOARD`` are read and those of other boards
    dropped (reading only 5 would answer fewer than 5 while better hidden ones exist)."""
    from ..workflow import boards, may_see
    from .requests import board_for

    if board is not None:
        board_for(caller, app, board)
    hidden = any(not may_see(caller, app, b["id"]) for b in boards(app))
    wanted = ON_BOARD if board is not None or hidden else SHOWN
    found = _search(_index(ctx, app), q, wanted)
    requests = {
        r.id: r for r in ctx.store.get_requests(app.tenant, app.id, [rid for rid, _ in found])
    }
    shown = [
        (requests[rid], score)
        for rid, score in found
        if rid in requests
        and may_see(caller, app, requests[rid].board)
        and board in (None, requests[rid].board)
    ]
    return {
        "items": [
            {
                "id": r.id,
                "title": r.title,
                "status": r.status,
                "votes": r.votes,
                "score": round(min(1.0, score), 3),
            }
            for r, score in shown[:SHOWN]
        ]
    }


def _entry(req: Any) -> str:
    return f"{req.status}|{req.title}"


def reindex_titles(ctx: Context, tenant: str, app: str) -> int:
    """Write the app's whole title index from its requests (and drop an older layout's
    items): after upgrading, or for data loaded without its stream. Safe to repeat."""
    requests = ctx.store.iter_requests(tenant, app)
    return ctx.store.rebuild_titles(tenant, app, ((r.id, _entry(r)) for r in requests))


def keep_index(ctx: Context, event: DomainEvent) -> None:
    """Bring one request's entries (title index, full-text postings, vector) in line with
    the table (order of events is moot: each reads the request as it is now)."""
    if not event.type.startswith("request."):
        return
    request_id = event.data["request"]["id"]
    current = ctx.store.get_request(event.tenant, event.app, request_id)
    entry = _entry(current) if current else None
    ctx.store.index_request(event.tenant, event.app, request_id, entry)
    from . import fulltext, vectors

    fulltext.keep(ctx, event.tenant, event.app, request_id, current)
    vectors.keep(ctx, event.tenant, event.app, request_id, current)
    ctx.store.search_changed(event.tenant, event.app, [request_id])  # last: caches re-read
