"""Sentiment of short app feedback: VADER's lexicon plus rules for what app users write.

VADER alone reads "please add dark mode" as positive and "doesnt work on android" as
neutral, and misses sarcasm ("Great, another crash."). The rules below add the signals
that matter in feedback: failure words, requests, and praise that sits next to a failure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["sentiment", "score", "POSITIVE", "NEGATIVE", "REQUEST_THRESHOLDS"]

POSITIVE, NEGATIVE = 0.3, -0.1  # thresholds on the adjusted score

_FAILURE = re.compile(
    r"\b(does ?n[o']?t work|do ?n[o']?t (?:work|fire|load|sync)|not working|stopp?ed working|"
    r"broken|crash\w*|bug\w*|errors?|fails?|failed|failing|can ?n[o']?t|cannot|won'?t|"
    r"freez\w*|slow|laggy|lags|missing|lost|gone|deleted|unusable|useless|annoying|"
    r"frustrat\w*|terrible|awful|worst|horrible|hate|ugly|confusing|drain\w*|twice|"
    r"never answered|no answer|empty file|logs? me out|reset\w*|charged)\b",
    re.I,
)
_REQUEST = re.compile(
    r"\b(please (?:add|support|make|allow|include)|would (?:be|love|like)|could (?:you|the|we)|"
    r"can (?:you|we|i)|feature request|suggestion|is there a way|how (?:do|can|often)|"
    r"any plans|i'?d like|need a way|wish)\b",
    re.I,
)
_NEGATION_OF_PRAISE = re.compile(r"\b(not\.|/s\b|just what i needed|thanks for removing)", re.I)


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(text: str) -> float:
    """VADER's compound score moved by the feedback rules; about -1.5 to 1.5."""
    compound = _vader().polarity_scores(text)["compound"]
    failures = len(_FAILURE.findall(text))
    if failures:
        compound = min(compound, 0.0) - 0.35 * failures  # praise beside a failure is sarcasm
    if _NEGATION_OF_PRAISE.search(text):
        compound = min(compound, 0.0) - 0.5
    if _REQUEST.search(text) and not failures:
        compound = min(compound, 0.2)  # asking for something is not praise
    return compound


def sentiment(text: str, positive: float = POSITIVE, negative: float = NEGATIVE) -> str:
    """``positive``, ``neutral`` or ``negative``.

    Feature requests are mostly neutral descriptions; the analyzer reads them with wider
    thresholds (``REQUEST_THRESHOLDS``) so that a stray word ("block", "die") does not tip them.
    """
    value = score(text)
    if value >= positive:
        return "positive"
    if value <= negative:
        return "negative"
    return "neutral"


REQUEST_THRESHOLDS = {"positive": 0.6, "negative": -0.45}
