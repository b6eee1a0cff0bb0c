"""Search the words of titles and descriptions, best first, at a cost that does not grow
with the app: a query reads, per term (at most ``QUERY_TERMS``), the term's head and its
``BEST`` highest-impact postings in one Query; a term no request holds (a typo) reads the
vocabulary of its neighbouring lengths in one BatchGetItem and is replaced by up to
``FUZZY_PER_TERM`` terms one edit away; then one page of requests in one BatchGetItem.

Score (BM25 with the impact precomputed, see ``ai/terms.py``): the sum over the query's
terms of ``weight * idf(df) * impact``, ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` with
``df`` the term head's count and N a fixed 10,000 (only the order of IDFs matters), weight
1 for a term as typed and ``FUZZY_WEIGHT`` for one found through a typo. Ties: newest first.

A result passes ``admits``: each hit carries its request's facets (status, tags) and must
satisfy every predicate of the query; later rules (a board the caller may see, a post still
pending) are more predicates over more facets, applied the same way to the index's copy and,
once read, to the request itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .. import present, signed
from ..ai.terms import FUZZY_MIN, VOCABULARY_MIN, impacts, near, spelled
from ..auth import Caller
from ..context import Context
from ..models import ListQuery
from ..records import App, FeatureRequest
from ..workflow import DUPLICATE, GENERAL
from .access import viewer_id
from .rankings import _desc, _position, voted_ids

__all__ = ["keep", "bulk", "reindex", "ranked", "page", "facets", "admits", "BEST", "QUERY_TERMS"]

BEST = 100  # postings read per term: a search finds at most this many requests per term
QUERY_TERMS = 6  # the first six distinct terms of a query are searched
FUZZY_PER_TERM = 2
FUZZY_TERMS = 3  # terms added for typos, in all
FUZZY_WEIGHT = 0.7
N_REF = 10_000

Facets = dict[str, Any]
Predicate = Callable[[Facets], bool]


def facets(req: FeatureRequest) -> Facets:
    """What a query may filter a hit on, copied into each of the request's postings."""
    return {"s": req.status, "g": list(req.tags), "b": req.board}


def admits(found: Facets, predicates: Iterable[Predicate]) -> bool:
    """The one filter of search results: every predicate holds for the hit's facets."""
    return all(rule(found) for rule in predicates)


def predicates(query: ListQuery, mine: set[str] | None) -> list[Predicate]:
    """The query's filters; the board is one of them (a caller reaches a board's search only
    after the list has checked it may see the board; postings from before boards have none)."""
    board = query.board or GENERAL
    rules: list[Predicate] = [
        lambda f: f.get("s") != DUPLICATE,
        lambda f: f.get("b", GENERAL) == board,
    ]
    if query.status:
        rules.append(lambda f: f.get("s") == query.status)
    if query.tag:
        rules.append(lambda f: query.tag in (f.get("g") or ()))
    if mine is not None:
        rules.append(lambda f: f.get("id") in mine)
    return rules


def keep(
    ctx: Context, tenant: str, app: str, request_id: str, current: FeatureRequest | None
) -> None:
    """Bring one request's postings in line with the request (None: deleted). Replays find
    nothing to do; only what changed is written."""
    store = ctx.store
    want = (
        impacts(current.title, current.description or "")
        if current is not None and current.status != "duplicate"
        else {}
    )
    want_facets = facets(current) if want else {}
    doc = store.indexed_doc(tenant, app, request_id) or {"w": {}, "f": {}}
    had, had_facets = doc["w"], doc["f"]
    if had == want and had_facets == want_facets:
        return
    moved = had_facets != want_facets  # a status or tag change rewrites every posting
    put = {t: i for t, i in want.items() if moved or had.get(t) != i}
    drop = {t: i for t, i in had.items() if want.get(t) != i}
    store.write_postings(tenant, app, request_id, put, drop, want_facets)
    deltas = {t: 1 for t in want if t not in had} | {t: -1 for t in had if t not in want}
    counts = store.count_terms(tenant, app, deltas)
    store.change_vocabulary(
        tenant,
        app,
        {t for t, n in counts.items() if deltas[t] > 0 and n == 1 and len(t) >= VOCABULARY_MIN},
        {t for t, n in counts.items() if deltas[t] < 0 and n <= 0 and len(t) >= VOCABULARY_MIN},
    )
    store.put_indexed_doc(tenant, app, request_id, {"w": want, "f": want_facets} if want else None)


def bulk(ctx: Context, tenant: str, app: str, requests: Iterable[FeatureRequest]) -> int:
    """Index the requests of an app whose index is empty (a bulk load), in few calls."""
    docs = {
        r.id: (impacts(r.title, r.description or ""), facets(r))
        for r in requests
        if r.status != "duplicate"
    }
    words = {t for weights, _ in docs.values() for t in weights if len(t) >= VOCABULARY_MIN}
    return ctx.store.bulk_index(tenant, app, docs, words)


def reindex(ctx: Context, tenant: str, app: str) -> int:
    """Bring every request of an app into the index (data loaded without its stream, or
    indexed by older code); safe to repeat: each request writes only what differs."""
    count = 0
    for req in ctx.store.iter_requests(tenant, app):
        keep(ctx, tenant, app, req.id, req)
        count += 1
    return count


def _idf(df: int) -> float:
    return math.log(1 + (N_REF - df + 0.5) / (df + 0.5))


def ranked(ctx: Context, app: App, q: str) -> list[tuple[str, float, Facets]]:
    """Every request the index finds for ``q``: ``(id, score, facets)``, best first."""
    written: dict[str, str] = {}  # term -> the first word that made it, in query order
    for word, term in spelled(q):
        written.setdefault(term, word)
    asked = list(written)[:QUERY_TERMS]
    weights = dict.fromkeys(asked, 1.0)
    found = {t: ctx.store.postings(app.tenant, app.id, t, BEST) for t in asked}
    forms = {
        t: {f for f in (t, written[t]) if len(f) >= FUZZY_MIN} for t in asked if not found[t][1]
    }
    missing = [t for t in forms if forms[t]]
    if missing:
        lengths = sorted({len(f) + d for t in missing for f in forms[t] for d in (-1, 0, 1)})
        vocabulary = ctx.store.vocabulary(app.tenant, app.id, lengths)
        fixes = [
            w
            for t in missing
            for w in sorted(v for v in vocabulary if any(near(f, v) for f in forms[t]))[
                :FUZZY_PER_TERM
            ]
        ]
        for word in [w for w in dict.fromkeys(fixes) if w not in found][:FUZZY_TERMS]:
            found[word] = ctx.store.postings(app.tenant, app.id, word, BEST)
            weights[word] = FUZZY_WEIGHT
    scores: dict[str, float] = {}
    seen: dict[str, Facets] = {}
    for term, (df, postings, _) in found.items():
        idf = _idf(df)
        for impact, request_id, hit in postings:
            scores[request_id] = scores.get(request_id, 0.0) + weights[term] * idf * impact / 1000
            seen[request_id] = {**hit, "id": request_id}
    order = sorted(scores, key=lambda rid: (-round(scores[rid], 6), _desc(rid)))
    return [(rid, scores[rid], seen[rid]) for rid in order]


def page(ctx: Context, caller: Caller, app: App, query: ListQuery) -> dict[str, Any]:
    """One page of ``q=`` results (``sort`` is ignored: best match first), with a cursor."""
    mine = set(voted_ids(ctx, caller, app)) if query.voted else None
    rules = predicates(query, mine)
    context = (
        f"q|{app.tenant}|{app.id}|{query.board}|{query.q}|{query.status}|{query.tag}|{query.voted}"
    )
    offset = _position(ctx, context, query.cursor).get("o", 0)
    hits = [rid for rid, _, hit in ranked(ctx, app, query.q or "") if admits(hit, rules)]
    chosen = hits[offset : offset + query.limit]
    read = {r.id: r for r in ctx.store.get_requests(app.tenant, app.id, chosen)}
    items = [
        read[rid]
        for rid in chosen
        if rid in read and admits({**facets(read[rid]), "id": rid}, rules)
    ]
    viewer = viewer_id(ctx, caller, app)
    with_votes = [r.id for r in items if r.votes > 0]
    voted = (
        mine
        if mine is not None
        else (
            ctx.store.voted(app.tenant, app.id, with_votes, viewer)
            if viewer and with_votes
            else set()
        )
    )
    after = offset + len(chosen)
    return {
        "items": [present.request(r, r.id in voted, caller.is_admin) for r in items],
        "nextCursor": signed.encode(ctx.secret, context, {"o": after})
        if after < len(hits)
        else None,
    }
