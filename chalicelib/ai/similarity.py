"""How alike two requests read, "did you mean" search, and groups of likely duplicates.

A pair's score mixes two cosines: over concepts (synonyms and languages folded, weighted by
rarity) and over character trigrams (typos). Asking for an opposite thing (import/export)
or naming a different format, platform or service (CSV/PDF, Android/iOS) cuts the score.
Candidates come from an inverted index, so the work grows with the number of requests, not
its square; groups are merged by average linkage and kept small, so one loose pair cannot
chain unrelated requests together.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .text import EXCLUSIVE, OPPOSITES, char_grams, concepts

__all__ = ["Index", "Group", "THRESHOLD", "MAX_GROUP"]

THRESHOLD = 0.45  # a pair at or above it is a likely duplicate (chosen on tests/data)
MAX_GROUP = 6
RARE_CONCEPTS = 3  # a request is compared with those sharing one of its 3 rarest concepts
MAX_CANDIDATES = 150  # …unless that concept is in more requests than this
CONFLICT_FACTOR = 0.35
CONCEPT_WEIGHT = 0.7


@dataclass(frozen=True)
class Group:
    ids: list[str]
    score: float
    reason: str


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {k: w / norm for k, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def _conflict(a: set[str], b: set[str]) -> str | None:
    """Why two concept sets ask for different things, if they do."""
    for left, right in OPPOSITES:
        if (left in a and right in b and right not in a and left not in b) or (
            right in a and left in b and left not in a and right not in b
        ):
            return f"{left} vs {right}"
    for name, members in EXCLUSIVE.items():
        ours, theirs = a & members, b & members
        if ours and theirs and not ours & theirs:
            return f"different {name}"
    return None


class Index:
    """The requests of one app, ready to compare. Build once per analysis or per cache."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.ids: list[str] = []
        self.titles: list[str] = []
        raw_concepts: list[list[str]] = []
        raw_grams: list[Counter[str]] = []
        for item_id, text in items:
            self.ids.append(item_id)
            self.titles.append(text)
            raw_concepts.append(concepts(text))
            raw_grams.append(Counter(char_grams(text)))
        n = len(self.ids)
        concept_df = Counter(c for cs in raw_concepts for c in set(cs))
        gram_df = Counter(g for gs in raw_grams for g in gs)
        self._concept_idf = {c: math.log((n + 1) / (df + 1)) + 1 for c, df in concept_df.items()}
        self._gram_idf = {g: math.log((n + 1) / (df + 1)) + 1 for g, df in gram_df.items()}
        self.concepts = [set(cs) for cs in raw_concepts]
        self._cvec = [self._concept_vector(cs) for cs in raw_concepts]
        self._gvec = [self._gram_vector(gs) for gs in raw_grams]
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, cs in enumerate(self.concepts):
            for c in cs:
                self._postings[c].append(i)
        self._max_posting = max(50, n // 20)

    def _concept_vector(self, found: Iterable[str]) -> dict[str, float]:
        default = math.log(len(self.ids) + 2) + 1 if self.ids else 1.0
        return _unit({c: self._concept_idf.get(c, default) for c in found})

    def _gram_vector(self, grams: Counter[str]) -> dict[str, float]:
        default = math.log(len(self.ids) + 2) + 1 if self.ids else 1.0
        return _unit(
            {g: (1 + math.log(n)) * self._gram_idf.get(g, default) for g, n in grams.items()}
        )

    def _score(
        self, cvec: dict[str, float], gvec: dict[str, float], cset: set[str], j: int
    ) -> tuple[float, str | None]:
        score = CONCEPT_WEIGHT * _cosine(cvec, self._cvec[j]) + (1 - CONCEPT_WEIGHT) * _cosine(
            gvec, self._gvec[j]
        )
        conflict = _conflict(cset, self.concepts[j])
        return (score * CONFLICT_FACTOR if conflict else score), conflict

    def pair(self, i: int, j: int) -> float:
        return self._score(self._cvec[i], self._gvec[i], self.concepts[i], j)[0]

    def _candidates(self, cset: set[str], skip: int = -1) -> set[int]:
        found: set[int] = set()
        for c in cset:
            posting = self._postings.get(c, ())
            if len(posting) <= self._max_posting:
                found.update(posting)
        found.discard(skip)
        return found

    def search(
        self, text: str, limit: int = 5, exclude: str | None = None
    ) -> list[tuple[str, float]]:
        """The requests that read most like ``text``, best first, with their scores."""
        cs = concepts(text)
        cset = set(cs)
        cvec, gvec = self._concept_vector(cs), self._gram_vector(Counter(char_grams(text)))
        scored = [
            (self.ids[j], self._score(cvec, gvec, cset, j)[0])
            for j in self._candidates(cset)
            if self.ids[j] != exclude
        ]
        if len(scored) < limit:  # few shared concepts (typos, other words): look at trigrams
            seen = {i for i, _ in scored}
            scored += [
                (self.ids[j], self._score(cvec, gvec, cset, j)[0])
                for j in range(len(self.ids))
                if self.ids[j] not in seen and self.ids[j] != exclude
            ][:2000]
        scored.sort(key=lambda pair: -pair[1])
        return scored[:limit]

    def _rare_candidates(self, i: int) -> set[int]:
        """Requests sharing one of ``i``'s rarest concepts: bounded work per request."""
        rarest = sorted(self.concepts[i], key=lambda c: len(self._postings[c]))[:RARE_CONCEPTS]
        found: set[int] = set()
        for c in rarest:
            posting = self._postings[c]
            if len(posting) <= MAX_CANDIDATES:
                found.update(posting)
        found.discard(i)
        return found

    def groups(self, threshold: float = THRESHOLD, max_size: int = MAX_GROUP) -> list[Group]:
        """Likely duplicates, merged by average linkage, each with a score and a reason."""
        edges: list[tuple[float, int, int]] = []
        for i in range(len(self.ids)):
            for j in self._rare_candidates(i):
                if j > i:
                    score = self.pair(i, j)
                    if score >= threshold:
                        edges.append((score, i, j))
        cluster = average_linkage(len(self.ids), edges, self.pair, threshold, max_size)
        found = []
        for members in cluster.values():
            if len(members) < 2:
                continue
            pairs = [(x, y) for n, x in enumerate(members) for y in members[n + 1 :]]
            score = sum(self.pair(x, y) for x, y in pairs) / len(pairs)
            shared = set.intersection(*(self.concepts[m] for m in members))
            reason = (
                ("all ask for: " + ", ".join(sorted(shared)[:5]))
                if shared
                else "worded alike (shared word stems and spellings)"
            )
            found.append(Group([self.ids[m] for m in members], round(min(1.0, score), 3), reason))
        found.sort(key=lambda g: -g.score)
        return found


def average_linkage(
    n: int,
    edges: list[tuple[float, int, int]],
    pair: Callable[[int, int], float],
    threshold: float,
    max_size: int,
) -> dict[int, list[int]]:
    """Clusters of ``n`` items joined strongest edge first, while the average pair score of
    the joined cluster stays at ``threshold`` or more and it holds at most ``max_size``:
    single linkage would chain unrelated requests together."""
    edges = sorted(edges, reverse=True)
    cluster = {i: [i] for i in range(n)}
    owner = list(range(n))
    for _, i, j in edges:
        a, b = owner[i], owner[j]
        if a == b or len(cluster[a]) + len(cluster[b]) > max_size:
            continue
        average = sum(pair(x, y) for x in cluster[a] for y in cluster[b]) / (
            len(cluster[a]) * len(cluster[b])
        )
        if average < threshold:
            continue
        cluster[a].extend(cluster.pop(b))
        for member in cluster[a]:
            owner[member] = a
    return cluster
