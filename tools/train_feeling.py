"""Trains the feedback sentiment classifier's weights: chalicelib/ai/feeling_head.json.

Multinomial logistic regression (L2, full-batch gradient descent, numpy) on
tests/data/sentiment_train.csv. The regularisation was chosen by accuracy on the tuning
feedback (tests/data/feedback_sentiment.csv); the held-out feedback is never read here.
``python -m tools.train_feeling`` rewrites the file; the same data gives the same weights.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from chalicelib.ai.feeling import HEAD_PATH, LABELS, features

from .resources import ROOT

__all__ = ["train", "data_digest", "TRAIN", "L2"]

TRAIN = ROOT / "tests" / "data" / "sentiment_train.csv"
L2 = 1e-3
STEPS = 3000
RATE = 0.5


def data_digest(path: Path = TRAIN) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(l2: float = L2, path: Path = TRAIN) -> dict:
    import numpy as np

    from chalicelib.ai.embed import encoder

    with path.open() as f:
        rows = [(r["label"], r["message"]) for r in csv.DictReader(f)]
    texts = [m for _, m in rows]
    x = features(texts, encoder().encode(texts)).astype(np.float64)
    y = np.array([LABELS.index(label) for label, _ in rows])
    onehot = np.eye(len(LABELS))[y]
    w = np.zeros((len(LABELS), x.shape[1]))
    b = np.zeros(len(LABELS))
    for _ in range(STEPS):
        logits = x @ w.T + b
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        grad = (p - onehot) / len(rows)
        w -= RATE * (grad.T @ x + l2 * w)
        b -= RATE * grad.sum(0)
    return {
        "labels": list(LABELS),
        "weights": [[round(float(v), 5) for v in row] for row in w],
        "bias": [round(float(v), 5) for v in b],
        "l2": l2,
        "trainedOn": {"file": path.relative_to(ROOT).as_posix(), "sha256": data_digest(path)},
    }


def main() -> None:
    HEAD_PATH.write_text(json.dumps(train()) + "\n")
    print(f"{HEAD_PATH}: trained on {TRAIN.name}")


if __name__ == "__main__":
    main()
