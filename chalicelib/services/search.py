"""'Did you mean…': requests that read like what a user is typing, at a fixed cost per call.

A compact index (``status|title`` of every request, in 96 small items) and each request's
sentence vector are kept by a stream consumer and cached in the function between calls, so
a search reads them at most once every ``CACHE_S`` seconds, embeds only the query (the model
loads on the first search of a process), and then reads only the five requests it returns.
Without a model installed, the lexical index alone answers.
"""

from __future__ import annotations

import threading
import time
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
_cache: dict[tuple[str, str], tuple[float, Any]] = {}
_lock = threading.Lock()


def _index(ctx: Context, app: App) -> Any:
    """The title index of the app's open requests, for "did you mean…" (the board's search
    box reads the full-text index instead, ``services/fulltext.py``)."""
    from ..workflow import status_kind
    from . import vectors

    key = (app.tenant, app.id)
    with _lock:
        cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_S:
        return cached[1]
    entries = {
        rid: value.split("|", 1)[1]
        for rid, value in ctx.store.search_entries(app.tenant, app.id).items()
        if status_kind(app, value.split("|", 1)[0]) in SEARCHABLE
    }
    if vectors.available():
        from ..ai.embed import DIM, from_bytes
        from ..ai.semantic import SemanticIndex

        stored = ctx.store.vectors(app.tenant, app.id)
        blank = bytes(2 * DIM)  # not embedded yet: matched by its words alone
        index: Any = SemanticIndex(
            list(entries),
            list(entries.values()),
            [from_bytes(stored.get(rid, blank)) for rid in entries],
        )
    else:
        from ..ai.similarity import Index

        index = Index(entries.items())
    with _lock:
        _cache[key] = (time.monotonic(), index)
    return index


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
