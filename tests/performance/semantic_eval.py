"""Scores of the embedding provider on a labelled set: duplicates, recall@5, sentiment.

``TUNING`` is what thresholds and weights were chosen on (``tune.py`` reads only it);
``HELD_OUT`` (tests/data/heldout/, written before tuning, other products and phrasing) and
``HELD_OUT_2`` (tests/data/heldout2/, written before the second round of tuning, after the
first held-out set had been looked at) and ``HELD_OUT_3`` (tests/data/heldout3/, written
before the third round, by another method: terse titles, stories, tags, other languages) are
only ever scored, by ``make bench``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from tests.performance.ai_eval import _prf, _true_pairs
from tools.resources import ROOT

__all__ = [
    "Split",
    "TUNING",
    "HELD_OUT",
    "HELD_OUT_2",
    "HELD_OUT_3",
    "SPLITS",
    "vectors_of",
    "duplicates",
    "recall_at_5",
    "sentiment",
]

DATA = ROOT / "tests" / "data"


@dataclass(frozen=True)
class Split:
    name: str
    requests: Path
    feedback: Path


TUNING = Split("tuning", DATA / "requests.csv", DATA / "feedback_sentiment.csv")
HELD_OUT = Split("held-out", DATA / "heldout" / "requests.csv", DATA / "heldout" / "feedback.csv")
HELD_OUT_2 = Split(
    "held-out 2", DATA / "heldout2" / "requests.csv", DATA / "heldout2" / "feedback.csv"
)
HELD_OUT_3 = Split(
    "held-out 3", DATA / "heldout3" / "requests.csv", DATA / "heldout3" / "feedback.csv"
)
SPLITS = (TUNING, HELD_OUT, HELD_OUT_2, HELD_OUT_3)


def load_requests(path: Path) -> dict[str, list[dict[str, str]]]:
    by_product: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open() as f:
        for n, row in enumerate(csv.DictReader(f)):
            by_product[row["product"]].append(
                {"id": f"r{n}", "title": row["title"], "group": row["group"]}
            )
    return by_product


def load_feedback(path: Path) -> list[tuple[str, str]]:
    with path.open() as f:
        return [(row["label"], row["message"]) for row in csv.DictReader(f)]


@lru_cache(maxsize=8)
def _vectors(texts: tuple[str, ...]) -> Any:
    from chalicelib.ai.embed import encoder

    return encoder().encode(list(texts))


def vectors_of(texts: list[str]) -> Any:
    return _vectors(tuple(texts))


def _indexes(split: Split) -> list[tuple[list[dict[str, str]], Any]]:
    from chalicelib.ai.semantic import SemanticIndex

    found = []
    for rows in load_requests(split.requests).values():
        titles = [r["title"] for r in rows]
        found.append((rows, SemanticIndex([r["id"] for r in rows], titles, vectors_of(titles))))
    return found


def duplicates(split: Split, **options: Any) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the groups, within each product."""
    predicted: set[frozenset[str]] = set()
    truth: set[frozenset[str]] = set()
    for rows, index in _indexes(split):
        predicted |= {frozenset(p) for g in index.groups(**options) for p in combinations(g.ids, 2)}
        truth |= _true_pairs(rows)
    return _prf(predicted, truth)


def recall_at_5(split: Split) -> float:
    """For each group, does its first member's title find another member in the top 5?"""
    found = total = 0
    for rows, index in _indexes(split):
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in rows:
            if r["group"]:
                groups[r["group"]].append(r)
        for members in groups.values():
            query = members[0]
            vector = index.vectors[index.ids.index(query["id"])]
            top = {i for i, _ in index.search(query["title"], vector, 5, exclude=query["id"])}
            found += bool(top & {m["id"] for m in members[1:]})
            total += 1
    return found / total


def sentiment(split: Split) -> dict[str, Any]:
    """Accuracy of the feedback sentiment classifier, and of VADER alone for comparison."""
    from chalicelib.ai.feeling import classify
    from chalicelib.ai.sentiment import sentiment as lexicon

    rows = load_feedback(split.feedback)
    predicted = classify([m for _, m in rows], vectors_of([m for _, m in rows]))
    correct = sum(p == label for p, (label, _) in zip(predicted, rows, strict=True))
    rules = sum(lexicon(m) == label for label, m in rows)
    return {"accuracy": correct / len(rows), "rules": rules / len(rows), "n": len(rows)}
