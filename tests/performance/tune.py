"""The grid the embedding provider's constants were chosen on: tuning data only.

``python -m tests.performance.tune`` prints duplicate F1 on tests/data/requests.csv for each
embedding weight and threshold. It never reads tests/data/heldout/. Where two settings are
close, the higher threshold wins: an admin merges what the groups say, so precision first.
"""

from __future__ import annotations

from chalicelib.ai import semantic
from tests.performance.semantic_eval import TUNING, duplicates

__all__ = ["grid"]


def grid() -> list[tuple[float, float, dict[str, float]]]:
    found = []
    saved = semantic.EMBED_WEIGHT
    try:
        for weight in (0.5, 0.6, 0.7, 0.8, 1.0):
            semantic.EMBED_WEIGHT = weight
            for threshold in (0.4, 0.45, 0.5, 0.55, 0.6):
                found.append((weight, threshold, duplicates(TUNING, threshold=threshold)))
    finally:
        semantic.EMBED_WEIGHT = saved
    return found


if __name__ == "__main__":
    for weight, threshold, scores in grid():
        print(
            f"weight {weight:.1f} threshold {threshold:.2f}: "
            + " ".join(f"{k} {v:.3f}" for k, v in scores.items())
        )
