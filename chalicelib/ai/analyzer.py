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
- duplicate groups: ``ai.semantic`` over the open requests' stored sentence embeddings
  (``Item.vector``), with conflict rules; without vectors (no model installed), the lexical
  ``ai.similarity`` alone;
- reason: which words chose the category, and what the priority score is made of.
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
    "priority_reason",
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
    kind: str = "open"  # the kind of its status (``workflow.KINDS``): done and closed are left out
    vector: bytes | None = None  # the title's stored embedding (``ai.embed.to_bytes``)


@dataclass(frozen=True)
class RequestInsight:
    id: str
    category: str
    sentiment: str
    priorityScore: int
    summary: str
    reason: str = ""

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


def priority_reason(
    votes: int, most_votes: int, age_days: float, stated: str, sentiment: str
) -> str:
    """What the priority score is made of, in words an admin reads."""
    parts = [f"{votes} votes (the app's most: {most_votes})" if most_votes else "no votes yet"]
    parts.append(f"{max(0, round(age_days))} days old")
    parts.append(f"stated {stated}")
    if sentiment == "negative":
        parts.append("negative tone")
    return ", ".join(parts)


def _category(text: str) -> tuple[str, str]:
    """The category and the words that chose it."""
    found = set(concepts(text))
    for name, words in CATEGORIES:
        hits = sorted(
            c for c in found if c in words or any(c.startswith(w) for w in words if len(w) > 4)
        )
        if hits:
            return name, "mentions " + ", ".join(hits[:3])
    return "feature", "no category words"


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
            category, why = _category(f"{item.title} {item.description}")
            age = (now_ms - item.created_ms) / 864e5
            found.append(
                RequestInsight(
                    id=item.id,
                    category=category,
                    sentiment=feeling,
                    priorityScore=priority_score(item.votes, most, age, item.priority, feeling),
                    summary=_summary(item),
                    reason=f"{category}: {why}; priority: "
                    + priority_reason(item.votes, most, age, item.priority, feeling),
                )
            )
        return Insights(self.name, found, duplicate_groups(items))


def open_items(items: list[Item]) -> list[Item]:
    """The requests still to decide on, by their status's kind (an app names its own
    statuses; ``duplicate`` is of kind ``closed``)."""
    return [i for i in items if i.kind not in ("done", "closed")]


def duplicate_groups(items: list[Item]) -> list[Group]:
    """Groups among the open requests: by meaning when every one has a vector."""
    candidates = open_items(items)
    if candidates and all(i.vector is not None for i in candidates):
        from .embed import from_bytes
        from .semantic import SemanticIndex

        return SemanticIndex(
            [i.id for i in candidates],
            [i.title for i in candidates],
            [from_bytes(i.vector) for i in candidates if i.vector is not None],
        ).groups()
    return Index((i.id, i.title) for i in candidates).groups()


def get_analyzer(
    provider: str, model_id: str = "", cache_bucket: str = "", embed_model_id: str = ""
) -> Analyzer:
    """The provider ``AI_PROVIDER`` names: ``local`` (offline) or ``bedrock``."""
    if provider == "bedrock":
        from .bedrock import BedrockAnalyzer

        return BedrockAnalyzer(model_id, cache_bucket, embed_model_id=embed_model_id)
    return LocalAnalyzer()
