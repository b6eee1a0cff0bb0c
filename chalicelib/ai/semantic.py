"""Duplicates and "did you mean" from sentence embeddings, with a learned pair model.

"Did you mean" scores by the cosine of the two titles' embeddings; asking for opposite
things (import/export) or naming different formats, platforms or services multiplies it by
``CONFLICT_FACTOR``: embeddings alone read "Import transactions from CSV" and "Export
transactions to CSV" as the same. Rows without a vector yet (written a moment ago) are
still found by their words.

Duplicate groups: each request's ``DEPTH`` nearest by embedding are its candidates (one
matrix product per block of rows, memory bounded; an inverted file above ``EXACT_UP_TO``),
each candidate pair gets the probability of the pair model (``ai.pairs``: cosine, cosine
against each one's neighbourhood, rank, trigrams, words, length, conflicts), and groups are
merged by average linkage of that probability, at most ``MAX_GROUP`` requests each. The
model and its threshold were chosen on the tuning data only (``tools/train_pairs.py``,
leave-one-product-out cross-validation), never on the held-out sets. The vectors are
computed when a request is written (``services.vectors``), so an analysis does no encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from .embed import DIM
from .similarity import Group, Index, _conflict, average_linkage

__all__ = [
    "SemanticIndex",
    "SEARCH_FLOOR",
    "MAX_GROUP",
    "DEPTH",
    "CONFLICT_FACTOR",
]

CONFLICT_FACTOR = 0.5
SEARCH_FLOOR = 0.3  # "did you mean" shows nothing below it
MAX_GROUP = 5
DEPTH = 5  # a candidate pair: one among the other's 5 nearest
BLOCK = 1024
EXACT_UP_TO = 4096  # above it, candidates come from an inverted file (k-means lists)
PROBES = 6
KMEANS_ROUNDS = 6


class SemanticIndex:
    """The requests of one app with their vectors (unit rows, or zeros where a request has
    none yet), ready to compare."""

    def __init__(self, ids: Sequence[str], titles: Sequence[str], vectors: Any) -> None:
        import numpy as np

        from .text import concepts

        self.ids = list(ids)
        self.titles = list(titles)
        found = np.asarray(vectors, dtype=np.float32)
        self.vectors = found.reshape(
            len(self.ids), found.size // len(self.ids) if self.ids else DIM
        )
        self.concepts = [set(concepts(t)) for t in self.titles]

    @cached_property
    def lexical(self) -> Index:
        """Words and trigrams, for the rows that have no vector yet (search only)."""
        return Index(zip(self.ids, self.titles, strict=True))

    def _neighbours(self, k: int) -> set[tuple[int, int]]:
        """Each row's ``k`` nearest by embedding, as (row, neighbour): exact up to
        ``EXACT_UP_TO`` requests, then an inverted file (k-means lists, each request compared
        with the members of its ``PROBES`` nearest lists), so the work grows as n·√n, not n²."""
        import numpy as np

        n = len(self.ids)
        k = min(k, n - 1)
        if k <= 0:
            return set()
        if n <= EXACT_UP_TO:
            return self._nearest([np.arange(n)], [np.arange(n)], k)
        vectors = self.vectors
        lists = max(2, int(np.sqrt(n)))
        centroids = vectors[np.random.default_rng(0).choice(n, lists, replace=False)]
        for _ in range(KMEANS_ROUNDS):
            owner = (vectors @ centroids.T).argmax(1)
            sums = np.zeros_like(centroids)
            np.add.at(sums, owner, vectors)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-9), centroids)
        closeness = vectors @ centroids.T
        owner = closeness.argmax(1)
        probes = np.argpartition(-closeness, min(PROBES, lists) - 1, axis=1)[:, :PROBES]
        members = [np.flatnonzero(owner == c) for c in range(lists)]
        queries = [np.flatnonzero((probes == c).any(1)) for c in range(lists)]
        return self._nearest(queries, members, k)

    def _nearest(self, queries: list[Any], members: list[Any], k: int) -> set[tuple[int, int]]:
        """The ``k`` nearest of each query row among the members it is compared with."""
        import numpy as np

        vectors = self.vectors
        rows, columns, scores = [], [], []
        for query, member in zip(queries, members, strict=True):
            for start in range(0, len(query), BLOCK):
                q = query[start : start + BLOCK]
                if not len(q) or not len(member):
                    continue
                block = vectors[q] @ vectors[member].T
                block[q[:, None] == member[None, :]] = -2.0  # not oneself
                take = min(k, len(member))
                top = np.argpartition(-block, take - 1, axis=1)[:, :take]
                rows.append(np.repeat(q, take))
                columns.append(member[top].ravel())
                scores.append(np.take_along_axis(block, top, 1).ravel())
        if not rows:
            return set()
        row, column, score = np.concatenate(rows), np.concatenate(columns), np.concatenate(scores)
        order = np.lexsort((-score, row))
        row, column, score = row[order], column[order], score[order]
        first = np.searchsorted(row, row)  # where each row's run begins
        keep = (np.arange(len(row)) - first < k) & (score > -2.0)
        return {(int(i), int(j)) for i, j in zip(row[keep], column[keep], strict=True)}

    def nearest(self, k: int) -> dict[int, list[int]]:
        """Each row's ``k`` nearest rows, nearest first."""
        import numpy as np

        pairs = np.array(sorted(self._neighbours(k)), dtype=np.int64).reshape(-1, 2)
        cosines = np.einsum("ij,ij->i", self.vectors[pairs[:, 0]], self.vectors[pairs[:, 1]])
        near: dict[int, list[int]] = {}
        for i, j in pairs[np.lexsort((-cosines, pairs[:, 0]))].tolist():
            near.setdefault(i, []).append(j)
        return near

    def groups(
        self,
        threshold: float | None = None,
        max_size: int = MAX_GROUP,
        weights: dict[str, Any] | None = None,
    ) -> list[Group]:
        """Likely duplicates: pairs among each other's ``DEPTH`` nearest, scored by the
        learned pair model (``ai.pairs``), merged by average linkage of that probability."""
        from .pairs import PairFeatures, head, probability

        weights = weights or head()
        threshold = weights["threshold"] if threshold is None else threshold
        nearest = self.nearest(DEPTH)
        signals = PairFeatures(
            self.titles, self.vectors, self.concepts, nearest, DEPTH, weights["spread"]
        )
        known: dict[tuple[int, int], float] = {}

        def score(i: int, j: int) -> float:
            key = (min(i, j), max(i, j))
            if key not in known:
                known[key] = (
                    0.0 if signals.conflict(*key) else probability(signals.row(*key), weights)
                )
            return known[key]

        candidates = {(min(i, j), max(i, j)) for i, near in nearest.items() for j in near}
        edges = [(p, i, j) for i, j in sorted(candidates) if (p := score(i, j)) >= threshold]
        cluster = average_linkage(len(self.ids), edges, score, threshold, max_size)
        found = [self._group(m, score) for m in cluster.values() if len(m) > 1]
        found.sort(key=lambda g: -g.score)
        return found

    def _group(self, members: list[int], score: Any) -> Group:
        pairs = [(x, y) for n, x in enumerate(members) for y in members[n + 1 :]]
        likely = sum(score(x, y) for x, y in pairs) / len(pairs)
        meaning = sum(float(self.vectors[x] @ self.vectors[y]) for x, y in pairs) / len(pairs)
        shared = set.intersection(*(self.concepts[m] for m in members))
        reason = f"same meaning ({meaning:.0%} alike, {likely:.0%} likely the same request)"
        if shared:
            reason += "; all mention " + ", ".join(sorted(shared)[:4])
        return Group([self.ids[m] for m in members], round(min(1.0, likely), 3), reason)

    def search(
        self, text: str, vector: Any, limit: int = 5, exclude: str | None = None
    ) -> list[tuple[str, float]]:
        """The requests that read most like ``text`` (whose vector is given), best first;
        the rows with no vector yet are scored by their words."""
        import numpy as np

        from .text import concepts

        if not self.ids:
            return []
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32)
        wanted = set(concepts(text))
        scored = {
            self.ids[j]: float(cosines[j])
            * (CONFLICT_FACTOR if _conflict(wanted, self.concepts[j]) else 1.0)
            for j in np.argsort(-cosines)[: limit * 4].tolist()
        }
        if not self.vectors.any(1).all():
            missing = {self.ids[j] for j in np.flatnonzero(~self.vectors.any(1)).tolist()}
            scored |= {
                rid: score for rid, score in self.lexical.search(text, limit * 2) if rid in missing
            }
        scored.pop(exclude or "", None)
        return sorted(scored.items(), key=lambda pair: -pair[1])[:limit]
