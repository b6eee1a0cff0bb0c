"""The analyzer interface and the offline provider.

``analyze(items, now_ms) -> Insights`` is all a provider offers; ``local`` (here) and
``bedrock`` give the same shapes, so the job and the API never know which one ran.

The offline provider, readable and deterministic:

- sentiment: ``ai.sentiment`` on title and description;
- category: the first rule below whose words the request uses (else ``feature``);
- priority score, 1 to 10 (documented in docs/ai.md):
  ``1 + 5·log(1+votes)/log(1+most votes in the app) + 2·e^(-age in days / 30)
  + stated (low 0, medium 0.5, high 1.5, critical 2.5) + 1 if the sentiment is negative``,
  rounded and kept within 1..10;
- summary: the title, and the description's first sentence when there is one (≤ 160 chars);
- duplicate groups: ``ai.similarity`` over the open requests.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from .similarity import Group, Index
from .text import concepts

__all__ = [
    "Item",
    "RequestInsight",
    "Insights",
    "Analyzer",
    "LocalAnalyzer",
    "get_analyzer",
    "CATEGORIES",
    "priority_score",
]

CATEGORIES: list[tuple[str, set[str]]] = [
    ("bug", {"bug", "crash", "error", "broken", "fix", "fail", "freez", "wrong"}),
    (
        "security",
        {
            "password",
            "login",
            "sign",
            "faceid",
            "lock",
            "unlock",
            "saml",
            "sso",
            "audit",
            "authent",
            "factor",
            "pin",
            "privaci",
            "secur",
        },
    ),
    (
        "integration",
        {
            "slack",
            "trello",
            "strava",
            "zapier",
            "googl",
            "garmin",
            "webhook",
            "api",
            "sync",
            "calendar",
            "instagram",
            "lightroom",
            "applepay",
            "integr",
        },
    ),
    (
        "data",
        {"export", "import", "csv", "pdf", "backup", "report", "download", "gpx", "statement"},
    ),
    ("performance", {"slow", "fast", "speed", "perform", "lag", "instant", "load"}),
    ("notifications", {"notify", "email", "push"}),
    ("mobile", {"android", "ios", "mobil", "watch", "tablet", "offlin", "widget", "ipad"}),
    (
        "ui",
        {
            "dark",
            "light",
            "theme",
            "layout",
            "font",
            "color",
            "colour",
            "shortcut",
            "design",
            "contrast",
            "languag",
            "translat",
        },
    ),
]
STATED = {"low": 0.0, "medium": 0.5, "high": 1.5, "critical": 2.5}
_SENTENCE = re.compile(r"(.+?[.!?])(\s|$)", re.S)


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    description: str = ""
    votes: int = 0
    priority: str = "medium"
    created_ms: int = 0
    status: str = "open"


@dataclass(frozen=True)
class RequestInsight:
    id: str
    category: str
    sentiment: str
    priorityScore: int
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Insights:
    provider: str
    requests: list[RequestInsight]
    groups: list[Group] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)  # tokens, for the cost report


class Analyzer(Protocol):
    name: str

    def analyze(self, items: list[Item], now_ms: int) -> Insights: ...


def priority_score(
    votes: int, most_votes: int, age_days: float, stated: str, sentiment: str
) -> int:
    votes_part = 5 * math.log1p(votes) / math.log1p(most_votes) if most_votes else 0.0
    recency = 2 * math.exp(-max(0.0, age_days) / 30)
    value = (
        1 + votes_part + recency + STATED.get(stated, 0.5) + (1 if sentiment == "negative" else 0)
    )
    return max(1, min(10, round(value)))


def _category(text: str) -> str:
    found = set(concepts(text))
    for name, words in CATEGORIES:
        if found & words or any(c.startswith(w) for c in found for w in words if len(w) > 4):
            return name
    return "feature"


def _summary(item: Item) -> str:
    first = _SENTENCE.match(item.description.strip())
    sentence = (first.group(1) if first else item.description.strip()).replace("\n", " ")
    text = f"{item.title} — {sentence}" if sentence and sentence != item.title else item.title
    return text if len(text) <= 160 else text[:159] + "…"


class LocalAnalyzer:
    """Offline and deterministic: the same requests always give the same insights."""

    name = "local"

    def analyze(self, items: list[Item], now_ms: int) -> Insights:
        from .sentiment import REQUEST_THRESHOLDS, sentiment

        most = max((i.votes for i in items), default=0)
        found = []
        for item in items:
            feeling = sentiment(f"{item.title}. {item.description}", **REQUEST_THRESHOLDS)
            found.append(
                RequestInsight(
                    id=item.id,
                    category=_category(f"{item.title} {item.description}"),
                    sentiment=feeling,
                    priorityScore=priority_score(
                        item.votes, most, (now_ms - item.created_ms) / 864e5, item.priority, feeling
                    ),
                    summary=_summary(item),
                )
            )
        open_items = [i for i in items if i.status not in ("duplicate", "completed", "declined")]
        groups = Index((i.id, i.title) for i in open_items).groups()
        return Insights(self.name, found, groups)


def get_analyzer(provider: str, model_id: str = "", cache_bucket: str = "") -> Analyzer:
    """The provider ``AI_PROVIDER`` names: ``local`` (offline) or ``bedrock``."""
    if provider == "bedrock":
        from .bedrock import BedrockAnalyzer

        return BedrockAnalyzer(model_id, cache_bucket)
    return LocalAnalyzer()
