"""Trains the duplicate pair model: chalicelib/ai/pairs_head.json.

Logistic regression (L2, Newton steps, numpy) over ``ai.pairs.FEATURES`` of the candidate
pairs (each request with its ``semantic.DEPTH`` nearest, less those with a conflict, which
score 0) of tests/data/requests.csv, the tuning data; a pair is positive when both requests
are in one labelled group. The L2
strength and the grouping threshold are chosen by leave-one-product-out cross-validation
(train on three products, group the fourth, pairwise F1 summed over the four); the
held-out sets are never read here. ``python -m tools.train_pairs`` prints the grid and
rewrites the file; the same data gives the same weights.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from itertools import combinations
from typing import Any

from chalicelib.ai.pairs import FEATURES, HEAD_PATH, PairFeatures

from .resources import ROOT

__all__ = ["train", "cross_validate", "data_digest", "TUNING", "L2S", "THRESHOLDS"]

TUNING = ROOT / "tests" / "data" / "requests.csv"
L2S = (0.01, 0.1, 1.0, 10.0)
THRESHOLDS = tuple(t / 100 for t in range(10, 92, 4))


def data_digest() -> str:
    return hashlib.sha256(TUNING.read_bytes()).hexdigest()


def _products() -> dict[str, list[tuple[str, str]]]:
    """Per product, its (title, group) rows."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with TUNING.open() as f:
        for row in csv.DictReader(f):
            found[row["product"]].append((row["title"], row["group"]))
    return found


def _index(rows: list[tuple[str, str]]) -> Any:
    from chalicelib.ai.embed import encoder
    from chalicelib.ai.semantic import SemanticIndex

    titles = [t for t, _ in rows]
    return SemanticIndex([f"r{n}" for n in range(len(rows))], titles, encoder().encode(titles))


def _pairs(index: Any, rows: list[tuple[str, str]]) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels of the candidate pairs of one product (no conflicts)."""
    from chalicelib.ai.semantic import DEPTH

    nearest = index.nearest(DEPTH)
    signals = PairFeatures(index.titles, index.vectors, index.concepts, nearest, DEPTH)
    pairs = sorted({(min(i, j), max(i, j)) for i, near in nearest.items() for j in near})
    pairs = [(i, j) for i, j in pairs if not signals.conflict(i, j)]
    labels = [int(bool(rows[i][1]) and rows[i][1] == rows[j][1]) for i, j in pairs]
    return [signals.row(i, j) for i, j in pairs], labels


def _fit(x: Any, y: Any, l2: float) -> dict[str, Any]:
    """Weights on standardised features (Newton's method; the problem is small)."""
    import numpy as np

    mean, scale = x.mean(0), x.std(0) + 1e-6
    spread = float((x[:, 0] - x[:, 1]).mean())  # csls = cosine - the two spreads' mean
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        w -= np.linalg.solve(hess, grad)
    return {
        "features": list(FEATURES),
        "bias": float(w[0]),
        "weights": [float(v) for v in w[1:]],
        "mean": [float(v) for v in mean],
        "scale": [float(v) for v in scale],
        "spread": spread,
    }


def _counts(index: Any, rows: list[tuple[str, str]], weights: dict[str, Any], t: float) -> Any:
    """(true pairs found, pairs predicted, true pairs) of one product's groups."""
    truth = {
        frozenset((f"r{i}", f"r{j}"))
        for (i, a), (j, b) in combinations(enumerate(g for _, g in rows), 2)
        if a and a == b
    }
    found = {frozenset(p) for g in index.groups(t, weights=weights) for p in combinations(g.ids, 2)}
    return len(found & truth), len(found), len(truth)


def _f1(hit: int, predicted: int, truth: int) -> float:
    return 2 * hit / (predicted + truth) if predicted + truth else 0.0


def cross_validate() -> dict[tuple[float, float], float]:
    """Leave-one-product-out F1 for each (L2, threshold)."""
    import numpy as np

    products = _products()
    indexes = {p: _index(rows) for p, rows in products.items()}
    data = {p: _pairs(indexes[p], rows) for p, rows in products.items()}
    scores: dict[tuple[float, float], float] = {}
    for l2 in L2S:
        totals = {t: np.zeros(3) for t in THRESHOLDS}
        for held in products:
            x = np.array([r for p in products if p != held for r in data[p][0]])
            y = np.array([v for p in products if p != held for v in data[p][1]])
            weights = _fit(x, y, l2)
            for t in THRESHOLDS:
                totals[t] += _counts(indexes[held], products[held], weights, t)
        scores |= {(l2, t): _f1(*totals[t]) for t in THRESHOLDS}
    return scores


def train(l2: float, threshold: float) -> dict[str, Any]:
    import numpy as np

    products = _products()
    data = [_pairs(_index(rows), rows) for rows in products.values()]
    x = np.array([r for rows, _ in data for r in rows])
    y = np.array([v for _, labels in data for v in labels])
    return _fit(x, y, l2) | {"threshold": threshold, "l2": l2, "data_sha256": data_digest()}


def main() -> None:
    scores = cross_validate()
    for (l2, t), f1 in sorted(scores.items(), key=lambda kv: -kv[1])[:12]:
        print(f"l2 {l2:<5} threshold {t:.2f}: cross-validated F1 {f1:.3f}")
    best = max(scores.values())
    # Among settings within 0.01 of the best: the higher threshold (precision), then more L2.
    l2, threshold = max((k for k, v in scores.items() if v >= best - 0.01), key=lambda k: k[::-1])
    model = train(l2, threshold)
    HEAD_PATH.write_text(json.dumps(model, indent=1) + "\n")
    print(f"wrote {HEAD_PATH.name}: l2 {l2}, threshold {threshold}, cross-validated F1 {best:.3f}")


if __name__ == "__main__":
    main()
