"""The spam score on the labelled posts of tests/data/spam: accuracy, precision and recall
at ``SPAM_AT`` on the part the weights were set on (tune) and on the part they never saw
(heldout). ``python -m tests.performance.spam_eval``; ``make bench`` prints it too."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.spam import SPAM_AT, Signals, score

DATA = Path(__file__).resolve().parents[1] / "data" / "spam"


def load(part: str) -> list[dict]:
    with (DATA / f"{part}.jsonl").open(encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def evaluate(rows: list[dict]) -> dict[str, float]:
    """Accuracy, precision and recall of "score >= SPAM_AT means spam"."""
    tp = fp = tn = fn = 0
    for row in rows:
        signals = Signals(row["writesThisMinute"], row["approvedBefore"], row["anonymous"])
        flagged = score(row["text"], signals)[0] >= SPAM_AT
        tp += flagged and row["spam"]
        fp += flagged and not row["spam"]
        tn += not flagged and not row["spam"]
        fn += not flagged and row["spam"]
    return {
        "n": len(rows),
        "accuracy": (tp + tn) / len(rows),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }


def report() -> None:
    print(f"\nspam score on tests/data/spam (flagged at {SPAM_AT})")
    for part in ("tune", "heldout"):
        m = evaluate(load(part))
        print(
            f"  {part:<8} {m['n']:>3} posts: accuracy {m['accuracy']:.2f}, "
            f"precision {m['precision']:.2f}, recall {m['recall']:.2f}"
        )


if __name__ == "__main__":
    report()
