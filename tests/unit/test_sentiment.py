"""Feedback sentiment on the labelled set in tests/data (label, then the message)."""

from __future__ import annotations

from chalicelib.ai.sentiment import _vader, sentiment
from tools.resources import ROOT


def labelled() -> list[tuple[str, str]]:
    lines = (ROOT / "tests" / "data" / "feedback_sentiment.csv").read_text().splitlines()[1:]
    return [tuple(line.split(",", 1)) for line in lines]  # type: ignore[misc]


def vader_default(text: str) -> str:
    compound = _vader().polarity_scores(text)["compound"]
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def test_the_set_is_balanced_and_big_enough() -> None:
    labels = [label for label, _ in labelled()]
    assert len(labels) == 100
    assert {labels.count(k) for k in ("positive", "neutral", "negative")} >= {30}


def test_beats_vader_and_the_bar() -> None:
    rows = labelled()
    ours = sum(sentiment(m) == label for label, m in rows) / len(rows)
    baseline = sum(vader_default(m) == label for label, m in rows) / len(rows)
    assert ours >= 0.75 and ours > baseline


def test_rules_that_matter_for_app_feedback() -> None:
    assert sentiment("Great, another crash. Just what I needed.") == "negative"
    assert sentiment("please add dark mode") == "neutral"
    assert sentiment("doesnt work on android") == "negative"
    assert sentiment("LOVE IT") == "positive"
