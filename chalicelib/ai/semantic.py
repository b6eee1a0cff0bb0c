"""Duplicates and "did you mean" from sentence embeddings, checked by lexical signals.

A pair's score is ``EMBED_WEIGHT·cosine(embeddings) + (1-EMBED_WEIGHT)·lexical`` where the
lexical part is ``similarity.Index``'s concept and character-trigram cosine (typos, shared
rare words). Asking for opposite things (import/export) or naming different formats,
platforms or services multiplies the score by ``CONFLICT_FACTOR``: embeddings alone read
"Import transactions from CSV" and "Export transactions to CSV" as the same.

The vectors are computed when a request is written (``services.vectors``) and passed in
here, so an analysis does no encoding. Candidate pairs are each request's ``NEIGHBOURS``
nearest by embedding (one matrix product per block of rows, memory bounded); groups are
merged by average linkage, at most ``MAX_GROUP`` requests each. The constants were chosen on
the tuning data only (``tests/performance/tune.py``), never on the held-out part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .embed import DIM
from .similarity import Group, Index, _conflict, average_linkage

__all__ = ["SemanticIndex", "THRESHOLD", "SEARCH_FLOOR", "MAX_GROUP", "EMBED_WEIGHT"]

EMBED_WEIGHT = 0.6
CONFLICT_FACTOR = 0.5
THRESHOLD = 0.5  # a pair at or above it is a likely duplicate (F1 0.61 on tuning, precision first)
SEARCH_FLOOR = 0.3  # "did you mean" shows nothing below it
MAX_GROUP = 5
NEIGHBOURS = 8
BLOCK = 1024
EXACT_UP_TO = 4096  # above it, candidates come from an inverted file (k-means lists)
PROBES = 6
KMEANS_ROUNDS = 6


class SemanticIndex:
    """The requests of one app with their vectors (unit rows), ready to compare."""

    def __init__(self, ids: Sequence[str], titles: Sequence[str], vectors: Any) -> None:
        import numpy as np

        self.ids = list(ids)
        self.titles = list(titles)
        found = np.asarray(vectors, dtype=np.float32)
        self.vectors = found.reshape(
            len(self.ids), found.size // len(self.ids) if self.ids else DIM
        )
        self.lexical = Index(zip(self.ids, self.titles, strict=True))

    def _hybrid(self, cosine: float, lexical: float, conflict: str | None) -> float:
        score = EMBED_WEIGHT * cosine + (1 - EMBED_WEIGHT) * lexical
        return score * CONFLICT_FACTOR if conflict else score

    def pair(self, i: int, j: int) -> float:
        cosine = float(self.vectors[i] @ self.vectors[j])
        conflict = _conflict(self.lexical.concepts[i], self.lexical.concepts[j])
        return self._hybrid(cosine, self._lex(i, j), conflict)

    def _lex(self, i: int, j: int) -> float:
        """The lexical cosines without the lexical index's own conflict cut."""
        lex = self.lexical
        return 0.7 * _dot(lex._cvec[i], lex._cvec[j]) + 0.3 * _dot(lex._gvec[i], lex._gvec[j])

    def _neighbours(self) -> list[tuple[int, int]]:
        """Each request's nearest by embedding: exact up to ``EXACT_UP_TO`` requests, then
        an inverted file (k-means lists, each request compared with the members of its
        ``PROBES`` nearest lists), so the work grows as n·√n, not n²."""
        import numpy as np

        n = len(self.ids)
        k = min(NEIGHBOURS, n - 1)
        if k <= 0:
            return []
        if n <= EXACT_UP_TO:
            return self._nearest([np.arange(n)], [np.arange(n)], k)
        lists = max(2, int(np.sqrt(n)))
        centroids = self.vectors[np.random.default_rng(0).choice(n, lists, replace=False)]
        for _ in range(KMEANS_ROUNDS):
            owner = (self.vectors @ centroids.T).argmax(1)
            sums = np.zeros_like(centroids)
            np.add.at(sums, owner, self.vectors)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-9), centroids)
        closeness = self.vectors @ centroids.T
        owner = closeness.argmax(1)
        probes = np.argpartition(-closeness, min(PROBES, lists) - 1, axis=1)[:, :PROBES]
        members = [np.flatnonzero(owner == c) for c in range(lists)]
        queries = [np.flatnonzero((probes == c).any(1)) for c in range(lists)]
        return self._nearest(queries, members, k)

    def _nearest(self, queries: list[Any], members: list[Any], k: int) -> list[tuple[int, int]]:
        """The ``k`` best pairs of each query row among the members it is compared with."""
        import numpy as np

        rows, columns, scores = [], [], []
        for query, member in zip(queries, members, strict=True):
            for start in range(0, len(query), BLOCK):
                q = query[start : start + BLOCK]
                if not len(q) or not len(member):
                    continue
                block = self.vectors[q] @ self.vectors[member].T
                block[q[:, None] == member[None, :]] = -2.0  # not oneself
                take = min(k, len(member))
                top = np.argpartition(-block, take - 1, axis=1)[:, :take]
                rows.append(np.repeat(q, take))
                columns.append(member[top].ravel())
                scores.append(np.take_along_axis(block, top, 1).ravel())
        if not rows:
            return []
        row, column, score = np.concatenate(rows), np.concatenate(columns), np.concatenate(scores)
        order = np.lexsort((-score, row))
        row, column, score = row[order], column[order], score[order]
        first = np.searchsorted(row, row)  # where each row's run begins
        keep = (np.arange(len(row)) - first < k) & (score > -2.0)
        pairs = {
            (min(int(i), int(j)), max(int(i), int(j)))
            for i, j in zip(row[keep], column[keep], strict=True)
        }
        return sorted(pairs)

    def groups(self, threshold: float = THRESHOLD, max_size: int = MAX_GROUP) -> list[Group]:
        """Likely duplicates, merged by average linkage, each with a score and a reason."""
        edges = [
            (score, i, j) for i, j in self._neighbours() if (score := self.pair(i, j)) >= threshold
        ]
        cluster = average_linkage(len(self.ids), edges, self.pair, threshold, max_size)
        found = [self._group(members) for members in cluster.values() if len(members) > 1]
        found.sort(key=lambda g: -g.score)
        return found

    def _group(self, members: list[int]) -> Group:
        pairs = [(x, y) for n, x in enumerate(members) for y in members[n + 1 :]]
        score = sum(self.pair(x, y) for x, y in pairs) / len(pairs)
        meaning = sum(float(self.vectors[x] @ self.vectors[y]) for x, y in pairs) / len(pairs)
        shared = set.intersection(*(self.lexical.concepts[m] for m in members))
        reason = f"same meaning ({meaning:.0%} alike)"
        if shared:
            reason += "; all mention " + ", ".join(sorted(shared)[:4])
        return Group([self.ids[m] for m in members], round(min(1.0, score), 3), reason)

    def search(
        self, text: str, vector: Any, limit: int = 5, exclude: str | None = None
    ) -> list[tuple[str, float]]:
        """The requests that read most like ``text`` (whose vector is given), best first."""
        import numpy as np

        if not self.ids:
            return []
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32)
        shortlist = set(np.argsort(-cosines)[: limit * 8].tolist())
        position = {rid: n for n, rid in enumerate(self.ids)}
        shortlist |= {position[rid] for rid, _ in self.lexical.search(text, limit * 2)}
        query = _QueryLex(self.lexical, text)
        scored = [
            (
                self.ids[j],
                self._hybrid(
                    float(cosines[j]),
                    query.lex(j),
                    _conflict(query.concepts, self.lexical.concepts[j]),
                ),
            )
            for j in shortlist
            if self.ids[j] != exclude
        ]
        scored.sort(key=lambda pair: -pair[1])
        return scored[:limit]


class _QueryLex:
    def __init__(self, index: Index, text: str) -> None:
        from collections import Counter

        from .text import char_grams, concepts

        found = concepts(text)
        self.index = index
        self.concepts = set(found)
        self.cvec = index._concept_vector(found)
        self.gvec = index._gram_vector(Counter(char_grams(text)))

    def lex(self, j: int) -> float:
        return 0.7 * _dot(self.cvec, self.index._cvec[j]) + 0.3 * _dot(
            self.gvec, self.index._gvec[j]
        )


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())
