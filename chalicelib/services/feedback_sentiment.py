"""Feedback gets its sentiment from the stream, off the API's path, and counts it once."""

from __future__ import annotations

from ..context import Context
from ..events import DomainEvent

__all__ = ["label"]

MARK_TTL_S = 7 * 24 * 3600


def label(ctx: Context, event: DomainEvent) -> str | None:
    feedback = event.data.get("feedback") or {}
    if event.type != "feedback.created" or feedback.get("sentiment"):
        return None  # an imported feedback brings its label, which statistics counted
    from ..ai.sentiment import sentiment  # the lexicon loads only in this consumer

    found = sentiment(feedback["message"])
    ctx.store.set_feedback_sentiment(
        event.tenant, event.app, feedback["id"], found, event.id, ctx.clock() // 1000 + MARK_TTL_S
    )
    return found
