"""Sentiment of app feedback: logistic regression over sentence embeddings and VADER.

Features: the message's all-MiniLM-L6-v2 embedding (``ai.embed``), VADER's compound score
and the feedback rules' score (``ai.sentiment``), so sarcasm ("Great, another crash."),
typos and short phrases in other languages are read by meaning, not by a word list. The
weights (``feeling_head.json``, 3 x 386 numbers) are trained by ``tools/train_feeling.py`` on
``tests/data/sentiment_train.csv`` (provenance in ``tools/sentiment_data.py``); the file
records the SHA-256 of the data it was trained on.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["classify", "features", "head", "HEAD_PATH", "LABELS"]

HEAD_PATH = Path(__file__).with_name("feeling_head.json")
LABELS = ("negative", "neutral", "positive")


def features(texts: list[str], vectors: Any) -> Any:
    """One row per text: its embedding, VADER's compound, the rules' score."""
    import numpy as np

    from .sentiment import _vader, score

    lexical = np.array(
        [[_vader().polarity_scores(t)["compound"], score(t)] for t in texts], dtype=np.float32
    ).reshape(len(texts), 2)
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1), lexical])


@lru_cache(maxsize=1)
def head() -> dict[str, Any]:
    return json.loads(HEAD_PATH.read_text())


def classify(texts: list[str], vectors: Any | None = None) -> list[str]:
    """``positive``, ``neutral`` or ``negative`` per text; encodes them unless given vectors."""
    import numpy as np

    if not texts:
        return []
    if vectors is None:
        from .embed import encoder

        vectors = encoder().encode(texts)
    weights = head()
    logits = features(texts, vectors) @ np.array(weights["weights"], dtype=np.float32).T
    logits += np.array(weights["bias"], dtype=np.float32)
    return [weights["labels"][int(i)] for i in logits.argmax(1)]
