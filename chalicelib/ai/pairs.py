"""A learned score for "are these two requests the same wish?", from a few signals.

Cosine alone misreads two kinds of pair: a hub (a short, generic title close to many) and
two titles that share a topic but not the wish. Each candidate pair therefore gets a row of
``FEATURES`` and a logistic regression (``pairs_head.json``, trained by
``tools/train_pairs.py`` on the tuning data, its settings picked by leave-one-product-out
cross-validation there) turns the row into a probability:

- ``cosine``: the titles' embedding cosine;
- ``csls``: cosine less the mean cosine of each one's nearest (hubs lose their lift);
- ``rank``: how near each is in the other's neighbour list (1 = nearest, 0 = not among them);
- ``trigram``: TF-IDF cosine of character trigrams (typos, shared names);
- ``words``: TF-IDF cosine of stemmed words, without the glossary or synonym table;
- ``length``: how different the two are in length (a tag against a story).

A pair that asks for opposite things or names different formats, platforms or services
(``similarity._conflict``) scores 0: none of the 99 duplicate pairs among the tuning data's
candidates has such a conflict, 66 of the others do. Every statistic is taken within the
app's own requests, so the work is linear in them; an app of fewer than ``SMALL_APP``
requests has no neighbourhood to speak of, so each request's is taken as the tuning data's
mean (``spread`` in the model file).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .similarity import _conflict, _cosine, _unit
from .text import STOPWORDS, char_grams, normalise

__all__ = ["FEATURES", "HEAD_PATH", "SMALL_APP", "PairFeatures", "head", "probability"]

HEAD_PATH = Path(__file__).with_name("pairs_head.json")
FEATURES = ("cosine", "csls", "rank", "trigram", "words", "length")
SMALL_APP = 20


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    from .text import _stemmer

    return _stemmer().stemWord(word)


def _words(plain: str) -> list[str]:
    """Stems of a normalised text's words, stopwords left out."""
    return [_stem(w) for w in plain.split() if w not in STOPWORDS and len(w) > 1]


def _tfidf(bags: list[Counter[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of the bags, the IDF from the bags themselves."""
    df = Counter(t for bag in bags for t in bag)
    n = len(bags)
    idf = {t: math.log((n + 1) / (d + 1)) + 1 for t, d in df.items()}
    return [_unit({t: (1 + math.log(c)) * idf[t] for t, c in bag.items()}) for bag in bags]


class PairFeatures:
    """The signals of any pair of one app's requests, given their unit embedding rows, their
    concepts (``text.concepts``, for the conflict rules) and each one's nearest neighbours
    (row → neighbour rows, nearest first)."""

    def __init__(
        self,
        titles: Sequence[str],
        vectors: Any,
        concept_sets: list[set[str]],
        nearest: dict[int, list[int]],
        depth: int,
        spread: float | None = None,
    ) -> None:
        import numpy as np

        n = len(titles)
        self.vectors = vectors
        self.depth = depth
        self.rank = {i: {j: r for r, j in enumerate(near)} for i, near in nearest.items()}
        rows = np.array([i for i, near in nearest.items() for _ in near], dtype=np.int64)
        columns = np.array([j for near in nearest.values() for j in near], dtype=np.int64)
        cosines = np.einsum("ij,ij->i", vectors[rows], vectors[columns]) if len(rows) else rows
        small = n < SMALL_APP and spread is not None
        self.spread = (
            [float(spread)] * n
            if small
            else (np.bincount(rows, weights=cosines, minlength=n) / max(1, depth)).tolist()
        )
        plain = [normalise(t) for t in titles]
        self.concepts = concept_sets
        self.sizes = [max(1, len(t.split())) for t in plain]
        self.grams = _tfidf([Counter(char_grams(t)) for t in plain])
        self.words = _tfidf([Counter(_words(t)) for t in plain])

    def _near(self, i: int, j: int) -> float:
        r = self.rank.get(i, {}).get(j)
        return 0.0 if r is None else 1.0 - r / self.depth

    def conflict(self, i: int, j: int) -> bool:
        return _conflict(self.concepts[i], self.concepts[j]) is not None

    def row(self, i: int, j: int) -> list[float]:
        cosine = float(self.vectors[i] @ self.vectors[j])
        return [
            cosine,
            cosine - (self.spread[i] + self.spread[j]) / 2,
            (self._near(i, j) + self._near(j, i)) / 2,
            _cosine(self.grams[i], self.grams[j]),
            _cosine(self.words[i], self.words[j]),
            abs(math.log(self.sizes[i] / self.sizes[j])),
        ]


@lru_cache(maxsize=1)
def head() -> dict[str, Any]:
    return json.loads(HEAD_PATH.read_text())


def probability(row: Sequence[float], weights: dict[str, Any] | None = None) -> float:
    """The trained model's probability that the pair asks for the same thing."""
    weights = weights or head()
    z = weights["bias"] + sum(
        w * (x - m) / s
        for w, x, m, s in zip(
            weights["weights"], row, weights["mean"], weights["scale"], strict=True
        )
    )
    return 1.0 / (1.0 + math.exp(-z))
