"""The write side of full-text search: keeping each term's packed posting list (one per
board, ``store/fulltext.py``) in line with the requests, at a bounded cost per write.

A list's part 0 (its head) holds the ``TOP`` best postings, written whole under a version
(a lost race re-reads it and tries again); a posting that does not make the head goes to the
part 1… whose request id range holds its id, as one attribute (setting or removing an entry is
idempotent, so replays are harmless); the last part takes new ids until it holds ``PART``
postings, then the head records a new bound and the next part opens. A posting that enters a
full head pushes the head's lowest into its part. Each request's record says what it is
indexed under and carries a version, so two consumers of one request cannot both apply a
change: the loser re-reads and finds nothing left to do.

Item sizes (DynamoDB's formula, a posting ~42 B: a 26-character id, impact, status, a tag):
a head ~4.3 KB; a part at most ~(PART + TOP) postings, ~8 KB, far under the 400 KB limit at
any size of app (a part closes at PART new postings; only its old ids come back to it).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from ..ai.terms import VOCABULARY_MIN, impacts
from ..context import Context
from ..records import FeatureRequest
from ..store import ConditionFailedError
from ..workflow import DUPLICATE, GENERAL

__all__ = ["keep", "bulk", "reindex", "facets", "encode", "decode", "part_of", "TOP", "PART"]

TOP = 100  # postings in a list's head: what a search without a narrowing filter reads
PART = 100  # new postings a part takes before the next opens: a write is billed by its size
ATTEMPTS = 8  # a head lost to another writer this many times in a row gives up (raises)

Facets = dict[str, Any]
Head = dict[str, Any]
Ref = tuple[str, str, int]


def facets(req: FeatureRequest) -> Facets:
    """What a query may filter a hit on: status and tags in each posting, the board in the
    list's key."""
    return {"s": req.status, "g": list(req.tags), "b": req.board}


def encode(impact: int, found: Facets) -> str:
    """A posting's value: ``"impact status tag…"`` (statuses and tags hold no spaces)."""
    return " ".join([str(impact), found["s"], *found["g"]])


def decode(value: str) -> tuple[int, Facets]:
    impact, status, *tags = value.split(" ")
    return int(impact), {"s": status, "g": tags}


def part_of(head: Head, request_id: str) -> int:
    """The part 1… whose id range holds ``request_id``."""
    return 1 + bisect_left(head.get("b") or [], request_id)


def _lowest(postings: dict[str, str]) -> str:
    return min(postings, key=lambda rid: (decode(postings[rid])[0], rid))


class _Writer:
    """One request's changes to the lists of one board: heads read once, in one call."""

    def __init__(self, ctx: Context, tenant: str, app: str, board: str, terms: list[str]):
        self.store, self.tenant, self.app, self.board = ctx.store, tenant, app, board
        self.heads: dict[str, Head] = {}
        self._read(terms)

    def _read(self, terms: Iterable[str]) -> None:
        refs = [(t, self.board, 0) for t in terms]
        found = self.store.read_index(self.tenant, self.app, refs, consistent=True).lists
        for term in terms:
            self.heads[term] = found.get((term, self.board, 0)) or {}

    def _retrying(self, term: str, change: Any) -> None:
        for _ in range(ATTEMPTS):
            try:
                change(self.heads[term])
                return
            except ConditionFailedError:
                self._read([term])
        raise ConditionFailedError()

    def _save(self, term: str, head: Head, postings: dict[str, str], **changes: Any) -> None:
        ref = (term, self.board, 0)
        version = head.get("v")
        if not postings and not head.get("s"):
            if version is not None:
                self.store.delete_head(self.tenant, self.app, ref, version)
                self._vocabulary(set(), {term})
            return
        item = {"p": postings, "b": head.get("b") or [], "s": head.get("s", False), **changes}
        self.store.put_head(self.tenant, self.app, ref, item, version)
        if version is None:
            self._vocabulary({term}, set())

    def _vocabulary(self, add: set[str], drop: set[str]) -> None:
        self.store.change_vocabulary(
            self.tenant,
            self.app,
            {t for t in add if len(t) >= VOCABULARY_MIN},
            {t for t in drop if len(t) >= VOCABULARY_MIN},
        )

    def put(self, term: str, request_id: str, value: str, was_listed: bool) -> None:
        """Set the request's posting under ``term`` (``was_listed``: it had one)."""

        def change(head: Head) -> None:
            postings = dict(head.get("p") or {})
            spilled, bounds = head.get("s", False), list(head.get("b") or [])
            spills = spilled
            if request_id in postings or (not spilled and len(postings) < TOP):
                postings[request_id] = value
            elif len(postings) < TOP or decode(value)[0] > decode(postings[_lowest(postings)])[0]:
                if len(postings) >= TOP:
                    out = _lowest(postings)
                    bounds, spills = self._spill(term, head, out, postings.pop(out)), True
                postings[request_id] = value
                if was_listed and spilled:
                    ref = (term, self.board, part_of(head, request_id))
                    self.store.drop_posting(self.tenant, self.app, ref, request_id)
            else:
                bounds, spills = self._spill(term, head, request_id, value), True
                if spilled and bounds == head.get("b"):
                    return  # the head does not change
            self._save(term, head, postings, s=spills, b=bounds)

        self._retrying(term, change)

    def _spill(self, term: str, head: Head, request_id: str, value: str) -> list[str]:
        """Put a posting into its part; the head's bounds after (one more when the posting
        filled the last part: the next part opens)."""
        part = part_of(head, request_id)
        ref = (term, self.board, part)
        count, largest = self.store.set_posting(self.tenant, self.app, ref, request_id, value)
        bounds = list(head.get("b") or [])
        # the part closes at its largest id, which need not be this one (a posting pushed
        # out of the head, or an older request's new word): ids above it stay in the range
        return [*bounds, largest] if count >= PART and part == len(bounds) + 1 else bounds

    def remove(self, term: str, request_id: str) -> None:
        def change(head: Head) -> None:
            postings = dict(head.get("p") or {})
            if request_id in postings:
                del postings[request_id]
                self._save(term, head, postings)
            elif head.get("s"):
                ref = (term, self.board, part_of(head, request_id))
                self.store.drop_posting(self.tenant, self.app, ref, request_id)

        if self.heads.get(term):
            self._retrying(term, change)


def _wanted(current: FeatureRequest | None) -> tuple[dict[str, int], Facets]:
    if current is None or current.status == DUPLICATE or current.moderation == "pending":
        return {}, {}  # gone, merged, or held for approval: in no list
    return impacts(current.title, current.description or ""), facets(current)


def keep(
    ctx: Context, tenant: str, app: str, request_id: str, current: FeatureRequest | None
) -> None:
    """Bring one request's postings in line with the request (None: deleted). Replays find
    nothing to do; only the postings that changed are written."""
    want, want_facets = _wanted(current)
    for _ in range(ATTEMPTS):
        doc = ctx.store.indexed_doc(tenant, app, request_id) or {}
        if doc and doc.get("k") != 2:  # indexed by older code: its items go, all is new
            ctx.store.drop_old_postings(tenant, app, request_id, doc.get("w") or {})
        current_format = doc.get("k") == 2
        had = (doc.get("w") or {}) if current_format else {}
        had_facets = (doc.get("f") or {}) if current_format else {}
        if current_format and had == want and had_facets == want_facets:
            return
        _apply(ctx, tenant, app, request_id, (had, had_facets), (want, want_facets))
        try:
            ctx.store.put_indexed_doc(
                tenant,
                app,
                request_id,
                {"w": want, "f": want_facets, "k": 2} if want else None,
                doc.get("v", 0) if doc else None,
            )
            return
        except ConditionFailedError:
            continue  # another consumer indexed it meanwhile: see what is left
    raise ConditionFailedError()


def _apply(
    ctx: Context,
    tenant: str,
    app: str,
    request_id: str,
    before: tuple[dict[str, int], Facets],
    after: tuple[dict[str, int], Facets],
) -> None:
    (had, had_facets), (want, want_facets) = before, after
    old_board = had_facets.get("b", GENERAL)
    new_board = want_facets.get("b", GENERAL)
    moved = old_board != new_board
    gone = [t for t in had if moved or t not in want]
    if gone:
        writer = _Writer(ctx, tenant, app, old_board, gone)
        for term in gone:
            writer.remove(term, request_id)
    refacet = had_facets.get("s") != want_facets.get("s") or had_facets.get("g") != want_facets.get(
        "g"
    )
    changed = [t for t in want if moved or refacet or had.get(t) != want[t]]
    if changed:
        writer = _Writer(ctx, tenant, app, new_board, changed)
        for term in changed:
            value = encode(want[term], want_facets)
            writer.put(term, request_id, value, was_listed=term in had and not moved)


def bulk(ctx: Context, tenant: str, app: str, requests: Iterable[FeatureRequest]) -> int:
    """Index the requests of an app whose index is empty (a bulk load) in few calls, laid
    out as ``keep`` would have: each list's best in its head, the rest in parts by id."""
    docs: dict[str, dict[str, Any]] = {}
    lists: dict[tuple[str, str], dict[str, str]] = {}
    for r in requests:
        weights, found = _wanted(r)
        if not weights:
            continue
        docs[r.id] = {"w": weights, "f": found, "k": 2}
        for term, impact in weights.items():
            lists.setdefault((term, r.board), {})[r.id] = encode(impact, found)
    items: dict[Ref, dict[str, Any]] = {}
    for (term, board), postings in lists.items():
        best = sorted(postings, key=lambda rid: (-decode(postings[rid])[0], rid))
        rest = sorted(best[TOP:])
        chunks = [rest[n : n + PART] for n in range(0, len(rest), PART)]
        bounds = [chunk[-1] for chunk in chunks[:-1]]
        items[(term, board, 0)] = {
            "p": {rid: postings[rid] for rid in best[:TOP]},
            "b": bounds,
            "s": bool(rest),
            "v": 1,
        }
        for n, chunk in enumerate(chunks, 1):
            items[(term, board, n)] = {**{rid: postings[rid] for rid in chunk}, "c": len(chunk)}
    words = {t for t, _ in lists if len(t) >= VOCABULARY_MIN}
    return ctx.store.bulk_index(tenant, app, items, docs, words)


def reindex(ctx: Context, tenant: str, app: str) -> int:
    """Bring every request of an app into the index (data loaded without its stream, or
    indexed by older code, whose items it deletes); safe to repeat."""
    count = 0
    for req in ctx.store.iter_requests(tenant, app):
        keep(ctx, tenant, app, req.id, req)
        count += 1
    ctx.store.drop_old_vocabulary(tenant, app)
    return count
