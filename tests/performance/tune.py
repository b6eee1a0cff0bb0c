"""The grid the embedding provider's constants were chosen on: tuning data only.

``python -m tests.performance.tune`` prints duplicate F1 on tests/data/requests.csv for
each conflict factor, mutual-neighbour depth and threshold. It never reads the held-out
sets. Where two settings are close, the higher threshold wins: an admin merges what the
groups say, so precision first.
"""

from __future__ import annotations

from chalicelib.ai import semantic
from tests.performance.semantic_eval import TUNING, duplicates

__all__ = ["grid"]


def grid() -> list[tuple[float, int, float, dict[str, float]]]:
    found = []
    saved = semantic.CONFLICT_FACTOR, semantic.MUTUAL
    try:
        for factor in (0.5, 0.7):
            for mutual in (1, 2, 3, 8):
                semantic.CONFLICT_FACTOR, semantic.MUTUAL = factor, mutual
                for step in range(36, 62, 2):
                    threshold = step / 100
                    found.append(
                        (factor, mutual, threshold, duplicates(TUNING, threshold=threshold))
                    )
    finally:
        semantic.CONFLICT_FACTOR, semantic.MUTUAL = saved
    return found


if __name__ == "__main__":
    for factor, mutual, threshold, scores in sorted(grid(), key=lambda row: -row[3]["f1"])[:15]:
        print(
            f"conflict {factor:.1f} mutual {mutual} threshold {threshold:.2f}: "
            + " ".join(f"{k} {v:.3f}" for k, v in scores.items())
        )
