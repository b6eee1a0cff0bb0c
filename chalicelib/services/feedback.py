"""Feedback from inside the apps: our shape and the Feedback Fin widget's."""

from __future__ import annotations

from typing import Any

from .. import present
from ..auth import Caller
from ..context import Context
from ..models import FeedbackCreate, PageQuery
from ..records import App, Feedback
from ..store import ConditionFailedError, banned_at_end
from . import idempotency
from .access import writer
from .moderation import refuse_if_banned

__all__ = ["add", "list_page"]


def add(
    ctx: Context,
    caller: Caller,
    app: App,
    body: FeedbackCreate,
    keyed: idempotency.Keyed | None = None,
) -> dict[str, Any]:
    """Keep one piece of feedback; a repeated Idempotency-Key within 24 h raises
    ``idempotency.Replay`` with the first answer."""
    person = writer(ctx, caller, app)
    guard = keyed.guard(ctx, app, person.id, "feedback") if keyed else None
    extra = {k: v for k, v in (body.model_extra or {}).items()}
    if body.timestamp is not None:
        extra["timestamp"] = body.timestamp
    now = ctx.clock()
    days = ctx.settings.feedback_retention_days
    fb = Feedback(
        tenant=app.tenant,
        app=app.id,
        id=ctx.make_id(),
        message=body.message,
        created_ms=now,
        rating=body.rating,
        expires_at=now // 1000 + days * 86400 if days else None,
        type=body.type or body.feedbackType,
        name=body.name or person.name,
        email=body.email or person.email,
        user_id=person.id,
        extra={k: str(v) for k, v in extra.items()},
    )
    out = present.feedback(fb, caller.is_admin)
    try:
        ctx.store.add_feedback(fb, guard.record(ctx, 201, out) if guard else None)
    except ConditionFailedError as exc:
        refuse_if_banned(ctx, app, person.id, banned_at_end(exc))
        if guard:  # a concurrent call with the same key won: answer as it did
            guard.replay_if_seen(ctx)
        raise
    return out


def list_page(ctx: Context, caller: Caller, app: App, query: PageQuery) -> dict[str, Any]:
    caller.require_admin()
    page = ctx.store.list_feedback(app.tenant, app.id, query.limit, query.cursor)
    return {
        "items": [present.feedback(f, admin=True) for f in page.items],
        "nextCursor": page.next_cursor,
    }
