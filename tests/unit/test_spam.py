"""The spam score: explained by its reasons, bounded 0 to 1, and as good on the held-out
labelled posts as when it was set (tests/data/spam/README.md)."""

from __future__ import annotations

import pytest

from chalicelib.spam import SPAM_AT, Signals, score
from tests.performance.spam_eval import evaluate, load

KNOWN = Signals(writes_this_minute=0, approved_before=3)


def test_each_signal_is_named_and_the_score_stays_between_0_and_1() -> None:
    assert score("Dark mode for the dashboard please", KNOWN) == (0.0, [])
    _, why = score("Visit http://a.xyz and http://b.xyz", KNOWN)
    assert why == ["links"]
    assert score("aaaaaaaaaaaa", KNOWN)[1] == ["repeated_text"]
    assert score("BUY THIS NOW, BEST PRICE EVER", KNOWN)[1] == ["shouting"]
    assert "promotional" in score("cheap casino bonus", KNOWN)[1]
    fast_new = Signals(writes_this_minute=5, approved_before=0, anonymous=True)
    assert set(score("hello there", fast_new)[1]) == {"posting_rate", "new_identity"}
    worst, reasons = score("FREE CASINO BONUS http://x.xyz http://y.xyz " * 5, fast_new)
    assert 0.9 < worst <= 1 and len(reasons) == 5  # all but shouting (the links are lower case)


@pytest.mark.parametrize("text", ["", " ", "🙂" * 500, "a" * 5000, "\n\n\n", "ﷺ" * 40])
def test_odd_text_scores_without_error(text: str) -> None:
    value, reasons = score(text, KNOWN)
    assert 0 <= value <= 1 and isinstance(reasons, list)


def test_a_known_author_writing_plainly_is_not_flagged() -> None:
    text = "Could the weekly email include a link to each request?"
    assert score(text, KNOWN)[0] < SPAM_AT


@pytest.mark.parametrize(
    ("part", "accuracy", "precision", "recall"),
    [("tune", 0.95, 0.9, 0.9), ("heldout", 0.85, 0.9, 0.7)],
)
def test_quality_on_the_labelled_posts(
    part: str, accuracy: float, precision: float, recall: float
) -> None:
    found = evaluate(load(part))
    assert found["accuracy"] >= accuracy and found["precision"] >= precision, found
    assert found["recall"] >= recall, found
