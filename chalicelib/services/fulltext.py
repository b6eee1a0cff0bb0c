"""Search the words of titles and descriptions, best first, at a cost that does not grow
with the app: one BatchGetItem reads, per term of the query (at most ``QUERY_TERMS``), the
head of its posting list on the board (its ``TOP`` best postings, ``services/postings.py``),
the vocabulary of the term's first letter and, for "my votes", the voter's voted set; a term no request holds (a typo) is replaced
by up to ``FUZZY_PER_TERM`` terms one edit away, whose heads a second BatchGetItem reads;
a narrowed query (status, tag, my votes) whose heads hold too few matches for its page reads
the lists' other parts (up to ``SPILL_READS`` in all, in that second call when there is a
typo), so that it finds matches beyond a term's best; then one page of requests in one
BatchGetItem.

Score (BM25 with the impact precomputed, see ``ai/terms.py``): the sum over the query's
terms of ``weight * idf(df) * impact``, ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` with
``df`` the list's length (estimated from its parts once it spilled) and N a fixed 10,000
(only the order of IDFs matters), weight 1 for a term as typed and ``FUZZY_WEIGHT`` for one
found through a typo. Ties: newest first.

A result passes ``admits``: each hit carries its request's facets (status, tags, and the
list's board) and must satisfy every predicate of the query, applied the same way to the
index's copy and, once read, to the request itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .. import signed
from ..ai.terms import FUZZY_MIN, near, spelled
from ..auth import Caller
from ..context import Context
from ..models import ListQuery
from ..records import App
from ..workflow import DUPLICATE, GENERAL
from . import linked
from .access import viewer_id
from .postings import PART, TOP, bulk, decode, facets, keep, reindex
from .rankings import _desc, _position, voter

__all__ = [
    "keep",
    "bulk",
    "reindex",
    "ranked",
    "Ranked",
    "page",
    "facets",
    "admits",
    "QUERY_TERMS",
]

QUERY_TERMS = 6  # the first six distinct terms of a query are searched
SPILL_READS = 16  # parts beyond the heads a narrowed query reads, in all (rarest terms first)
FUZZY_PER_TERM = 2
FUZZY_TERMS = 3  # terms added for typos, in all
FUZZY_WEIGHT = 0.7
N_REF = 10_000

Facets = dict[str, Any]
Predicate = Callable[[Facets], bool]


@dataclass(frozen=True)
class Ranked:
    """A query's hits ``(id, score, facets)``, best first, and the voter's voted set (read
    with the heads) when the query asked for one."""

    hits: list[tuple[str, float, Facets]]
    voted: frozenset[str] | None = None


def admits(found: Facets, predicates: Iterable[Predicate]) -> bool:
    """The one filter of search results: every predicate holds for the hit's facets."""
    return all(rule(found) for rule in predicates)


def predicates(query: ListQuery, mine: frozenset[str] | None) -> list[Predicate]:
    """The query's filters; the board is one of them (a caller reaches a board's search only
    after the list has checked it may see the board)."""
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


def _idf(df: float) -> float:
    return math.log(1 + (N_REF - df + 0.5) / (df + 0.5))


def _df(head: dict[str, Any]) -> float:
    """A list's length: exact until it spills, then estimated from its parts' bounds."""
    postings = len(head.get("p") or {})
    return postings if not head.get("s") else TOP + (len(head.get("b") or []) + 0.5) * PART


def _parts(heads: dict[str, dict[str, Any]], board: str) -> list[tuple[str, str, int]]:
    """The parts 1… of spilled lists, the shortest lists' first, ``SPILL_READS`` in all."""
    spilled = sorted((len(h.get("b") or []), t) for t, h in heads.items() if h.get("s"))
    refs = [(t, board, n) for size, t in spilled for n in range(1, size + 2)]
    return refs[:SPILL_READS]


def _fixes(asked: dict[str, str], missing: list[str], vocabulary: set[str]) -> list[str]:
    """Up to ``FUZZY_TERMS`` known terms one edit from the missing ones (as typed or stemmed)."""
    fixes = [
        w
        for t in missing
        for w in sorted(
            v for v in vocabulary if any(near(f, v) for f in {t, asked[t]} if len(f) >= FUZZY_MIN)
        )[:FUZZY_PER_TERM]
    ]
    return [w for w in dict.fromkeys(fixes) if w not in asked][:FUZZY_TERMS]


def ranked(
    ctx: Context,
    app: App,
    q: str,
    board: str = GENERAL,
    query: ListQuery | None = None,
    need: int = 0,
    voter: str | None = None,
) -> Ranked:
    """Every request the index finds for ``q`` on ``board``, best first. With ``query`` (a
    narrowed one: its ``predicates``), when the heads hold fewer than ``need`` hits that pass
    them (or than the ``voter`` voted for), the lists' parts are read too (with a typo's
    heads, when there is one)."""
    written: dict[str, str] = {}  # term -> the first word that made it, in query order
    for word, term in spelled(q):
        written.setdefault(term, word)
    asked = dict(list(written.items())[:QUERY_TERMS])
    bands = [f[0] for t, w in asked.items() for f in {t, w} if len(f) >= FUZZY_MIN]
    store = ctx.store
    first = store.read_index(app.tenant, app.id, [(t, board, 0) for t in asked], bands, voter=voter)
    heads = {t: first.lists[(t, board, 0)] for t in asked if (t, board, 0) in first.lists}
    weights = dict.fromkeys(heads, 1.0)
    rules = predicates(query, first.voted) if query is not None else None
    need = need if first.voted is None else min(need, len(first.voted))
    fixes = _fixes(asked, [t for t in asked if t not in heads], first.words)
    parts = _parts(heads, board) if rules is not None and fixes else []
    extra = store.read_index(app.tenant, app.id, [(w, board, 0) for w in fixes] + parts).lists
    for word in fixes:
        if (word, board, 0) in extra:
            heads[word], weights[word] = extra[(word, board, 0)], FUZZY_WEIGHT
    scored = _scored(heads, weights, extra, board)
    short = rules is not None and sum(admits(h, rules) for _, _, h in scored) < need
    late = _parts(heads, board) if short and not parts else []
    if late:
        extra |= store.read_index(app.tenant, app.id, late).lists
        scored = _scored(heads, weights, extra, board)
    return Ranked(scored, first.voted)


def _scored(
    heads: dict[str, dict[str, Any]],
    weights: dict[str, float],
    parts: dict[tuple[str, str, int], dict[str, Any]],
    board: str,
) -> list[tuple[str, float, Facets]]:
    scores: dict[str, float] = {}
    seen: dict[str, Facets] = {}
    for term, head in heads.items():
        idf = weights[term] * _idf(_df(head))
        postings = dict(head.get("p") or {})
        for (t, _, part), item in parts.items():
            if t == term and part:
                postings = {k: v for k, v in item.items() if k not in ("pk", "sk", "c")} | postings
        for request_id, value in postings.items():
            impact, hit = decode(value)
            scores[request_id] = scores.get(request_id, 0.0) + idf * impact / 1000
            seen[request_id] = {**hit, "b": board, "id": request_id}
    order = sorted(scores, key=lambda rid: (-round(scores[rid], 6), _desc(rid)))
    return [(rid, scores[rid], seen[rid]) for rid in order]


def page(ctx: Context, caller: Caller, app: App, query: ListQuery) -> dict[str, Any]:
    """One page of ``q=`` results (``sort`` is ignored: best match first), with a cursor."""
    board = query.board or GENERAL
    mine = voter(ctx, caller, app) if query.voted else None  # its set is read with the heads
    context = (
        f"q|{app.tenant}|{app.id}|{query.board}|{query.q}|{query.status}|{query.tag}|{query.voted}"
    )
    offset = _position(ctx, context, query.cursor).get("o", 0)
    narrowed = bool(query.status or query.tag or query.voted)
    need = offset + query.limit + 1  # a full page and a sign of the next (or every vote)
    found = ranked(ctx, app, query.q or "", board, query if narrowed else None, need, mine)
    rules = predicates(query, found.voted)
    hits = [rid for rid, _, hit in found.hits if admits(hit, rules)]
    chosen = hits[offset : offset + query.limit]
    viewer = viewer_id(ctx, caller, app) if mine is None else None  # read with the page
    read = ctx.store.requests_on_board(app.tenant, app.id, board, chosen, viewer)
    by_id = {r.id: r for r in read.items}
    items = [
        by_id[rid]
        for rid in chosen
        if rid in by_id and admits({**facets(by_id[rid]), "id": rid}, rules)
    ]
    voted = found.voted if found.voted is not None else (read.voted or frozenset())
    after = offset + len(chosen)
    return {
        "items": linked.requests_shown(ctx, caller, app, items, voted),
        "nextCursor": signed.encode(ctx.secret, context, {"o": after})
        if after < len(hits)
        else None,
    }
