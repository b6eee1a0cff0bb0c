"""Scores of the offline analyzer on tests/data, beside a TF-IDF baseline (as in AI.md)."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from chalicelib.ai.similarity import Index
from chalicelib.ai.text import normalise
from tools.resources import ROOT

__all__ = ["load_requests", "duplicate_scores", "recall_at_5", "tfidf_baseline"]


def load_requests() -> dict[str, list[dict[str, str]]]:
    """Rows by product: ``{product: [{"id", "title", "group"}]}``."""
    by_product: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (ROOT / "tests" / "data" / "requests.csv").open() as f:
        for n, row in enumerate(csv.DictReader(f)):
            by_product[row["product"]].append(
                {"id": f"r{n}", "title": row["title"], "group": row["group"]}
            )
    return by_product


def _true_pairs(rows: list[dict[str, str]]) -> set[frozenset[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["group"]:
            groups[r["group"]].append(r["id"])
    return {frozenset(p) for ids in groups.values() for p in combinations(ids, 2)}


def _prf(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 0.0
    recall = hit / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def duplicate_scores(threshold: float | None = None) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the groups, within each product."""
    predicted: set[frozenset[str]] = set()
    truth: set[frozenset[str]] = set()
    for rows in load_requests().values():
        index = Index((r["id"], r["title"]) for r in rows)
        groups = index.groups() if threshold is None else index.groups(threshold)
        predicted |= {frozenset(p) for g in groups for p in combinations(g.ids, 2)}
        truth |= _true_pairs(rows)
    return _prf(predicted, truth)


def recall_at_5() -> float:
    """For each group, does its first member's title find another member in the top 5?"""
    found = total = 0
    for rows in load_requests().values():
        index = Index((r["id"], r["title"]) for r in rows)
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in rows:
            if r["group"]:
                groups[r["group"]].append(r)
        for members in groups.values():
            query = members[0]
            top = {i for i, _ in index.search(query["title"], 5, exclude=query["id"])}
            found += bool(top & {m["id"] for m in members[1:]})
            total += 1
    return found / total


def tfidf_baseline() -> dict[str, Any]:
    """Words + character trigrams, TF-IDF cosine, grouping by threshold, best threshold."""

    def features(text: str) -> Counter[str]:
        words = normalise(text).split()
        grams = [f"#{w[i : i + 3]}" for w in (f" {w} " for w in words) for i in range(len(w) - 2)]
        return Counter(words + grams)

    best: dict[str, Any] = {"f1": 0.0}
    data = load_requests()
    vectors = {}
    for product, rows in data.items():
        feats = [features(r["title"]) for r in rows]
        df = Counter(f for fs in feats for f in fs)
        n = len(rows)
        vecs = []
        for fs in feats:
            v = {f: c * (math.log((n + 1) / (df[f] + 1)) + 1) for f, c in fs.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1
            vecs.append({f: x / norm for f, x in v.items()})
        vectors[product] = vecs
    for step in range(10, 90, 2):
        threshold = step / 100
        predicted: set[frozenset[str]] = set()
        truth: set[frozenset[str]] = set()
        recall_hits = recall_total = 0
        for product, rows in data.items():
            vecs = vectors[product]
            parent = list(range(len(rows)))

            def root(i: int, parent: list[int] = parent) -> int:
                while parent[i] != i:
                    parent[i] = parent[parent[i]]
                    i = parent[i]
                return i

            sims = {}
            for i, j in combinations(range(len(rows)), 2):
                s = sum(w * vecs[j].get(f, 0) for f, w in vecs[i].items())
                sims[(i, j)] = sims[(j, i)] = s
                if s >= threshold:
                    parent[root(i)] = root(j)
            clusters: dict[int, list[str]] = defaultdict(list)
            for i, r in enumerate(rows):
                clusters[root(i)].append(r["id"])
            predicted |= {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}
            truth |= _true_pairs(rows)
            if step == 10:  # recall@5 does not depend on the threshold
                groups: dict[str, list[int]] = defaultdict(list)
                for i, r in enumerate(rows):
                    if r["group"]:
                        groups[r["group"]].append(i)
                for members in groups.values():
                    q = members[0]
                    ranked = sorted(
                        (j for j in range(len(rows)) if j != q), key=lambda j, q=q: -sims[(q, j)]
                    )[:5]
                    recall_hits += bool(set(ranked) & set(members[1:]))
                    recall_total += 1
        scores = _prf(predicted, truth)
        if step == 10:
            best["recall@5"] = recall_hits / recall_total
        if scores["f1"] > best["f1"]:
            best.update(scores, threshold=threshold)
    return best


if __name__ == "__main__":
    print("ours", duplicate_scores(), "recall@5", recall_at_5())
    print("tf-idf baseline", tfidf_baseline())
