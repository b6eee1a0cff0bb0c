"""The grid the duplicate pair model's settings are chosen on: tuning data only.

``python -m tests.performance.tune`` prints the leave-one-product-out cross-validated F1 on
tests/data/requests.csv for each L2 strength and grouping threshold (``tools.train_pairs``,
which also writes the chosen model), without writing anything. It never reads the held-out
sets.
"""

from __future__ import annotations

from tools.train_pairs import cross_validate

if __name__ == "__main__":
    for (l2, threshold), f1 in sorted(cross_validate().items(), key=lambda kv: -kv[1])[:15]:
        print(f"l2 {l2:<5} threshold {threshold:.2f}: cross-validated F1 {f1:.3f}")
