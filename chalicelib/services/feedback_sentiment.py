"""Feedback gets its sentiment from the stream, off the API's path, and counts it once."""

from __future__ import annotations

from ..context import Context
from ..events import DomainEvent

__all__ = ["label", "read"]

MARK_TTL_S = 7 * 24 * 3600


def read(message: str) -> str:
    """The classifier over the message's embedding; the lexicon's rules without a model."""
    from . import vectors

    if vectors.available():
        from ..ai.feeling import classify  # the model loads only in this consumer

        return classify([message])[0]
    from ..ai.sentiment import sentiment

    return sentiment(message)


def label(ctx: Context, event: DomainEvent) -> str | None:
    feedback = event.data.get("feedback") or {}
    if event.type != "feedback.created" or feedback.get("sentiment"):
        return None  # an imported feedback brings its label, which statistics counted
    found = read(feedback["message"])
    ctx.store.set_feedback_sentiment(
        event.tenant, event.app, feedback["id"], found, event.id, ctx.clock() // 1000 + MARK_TTL_S
    )
    return found
