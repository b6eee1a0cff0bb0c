"""Moderation: whose new posts wait for the team, the queue with spam scores, approve and
reject, and bans.

Decisions (documented in docs/moderation.md): approving twice answers the approved post
again (idempotent); rejecting removes the post (a repeat answers 204 again); approving a
rejected post, or rejecting an approved one, is 409. Both are remembered 30 days.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from .. import present
from ..auth import Caller
from ..context import Context
from ..errors import BannedError, ConflictError, NotFoundError, ValidationFailedError
from ..ids import iso
from ..models import BanIn, PageQuery
from ..records import App, Person
from ..spam import Signals, score
from ..store import ConditionFailedError, banned_at_end
from .access import actor_id

__all__ = [
    "held",
    "queued_fields",
    "refuse_if_banned",
    "banned_at_end",
    "queue",
    "decide_request",
    "decide_comment",
    "ban",
    "unban",
]

FOREVER_MS = 253402300799999  # 9999-12-31T23:59:59.999Z: a ban without an end
DECISIONS = {"approve": "approved", "reject": "rejected"}


def held(caller: Caller, app: App) -> bool:
    """Whether a new post of this caller waits for the team: never the team's own."""
    if app.moderation == "none" or (caller.is_admin and caller.user is None):
        return False
    return app.moderation == "all" or caller.user is None


def queued_fields(
    ctx: Context, caller: Caller, app: App, author: Person, text: str, **extra: Any
) -> dict[str, Any]:
    """What a pending post carries into the queue: its spam score and reasons. One GetItem
    (the author's standing), made only for a post that is held."""
    standing = ctx.store.get_standing(app.tenant, app.id, author.id)
    signals = Signals(
        writes_this_minute=caller.rate.writes if caller.rate else 0,
        approved_before=int(standing.get("approved", 0)),
        anonymous=caller.user is None,
    )
    spam, reasons = score(text, signals)
    return {"spamScore": spam, "spamReasons": reasons, **extra}


def refuse_if_banned(ctx: Context, app: App, user: str, banned: bool) -> None:
    """Turn a write's failed ban guard into a clear 403 ``banned``."""
    if not banned:
        return
    standing = ctx.store.get_standing(app.tenant, app.id, user)
    until = int(standing.get("bannedUntil", FOREVER_MS))
    when = "for good" if until >= FOREVER_MS else f"until {iso(until)}"
    reason = standing.get("banReason")
    raise BannedError(
        f"you are banned from posting here {when}" + (f": {reason}" if reason else "")
    )


def queue(ctx: Context, caller: Caller, app: App, query: PageQuery) -> dict[str, Any]:
    """Oldest first; one Query of the queue's partition per page."""
    caller.require_admin()
    page = ctx.store.list_queue(app.tenant, app.id, query.limit, query.cursor)
    return {"items": [present.queued(q) for q in page.items], "nextCursor": page.next_cursor}


def _repeat(ctx: Context, app: App, item_id: str, request_id: str, decision: str) -> None:
    """A decision on a post that is no longer pending: fine if it is the same (the caller
    answers as the first time), 409 if the other, 404 if there was none."""
    made = ctx.store.get_decision(app.tenant, app.id, item_id)
    if made is None or made.get("requestId") != request_id:
        raise NotFoundError("nothing awaits moderation with this id")
    if made["decision"] != decision:
        raise ConflictError(f"it was {made['decision']} already")


def _still_there(app: App, req: Any) -> dict[str, str]:
    """A post waits with the board and status it was made with; if the team removed either
    meanwhile, it is approved onto ``general`` and the first open status instead."""
    from ..workflow import GENERAL, board, first_of_kind, status_ids

    moved = {} if board(app, req.board) else {"board": GENERAL}
    if req.status not in status_ids(app):
        moved["status"] = first_of_kind(app, "open")
    return moved


def decide_request(
    ctx: Context, caller: Caller, app: App, request_id: str, action: str
) -> dict[str, Any] | None:
    """Approve (the request, now in every list) or reject (None: it is gone)."""
    caller.require_admin()
    decision = DECISIONS[action]
    for _ in range(2):  # a concurrent decision: read again and answer as a repeat
        req = ctx.store.get_request(
            app.tenant, app.id, request_id, consistent=True, pending=len(request_id) <= 64
        )
        if req is not None and req.moderation != "pending":  # approved, or never held
            if decision == "rejected":
                raise ConflictError("it is approved; delete it instead")
            return present.request(req, False, admin=True)
        if req is None:
            _repeat(ctx, app, request_id, request_id, decision)
            return None
        done = replace(req, moderation="approved", **_still_there(app, req))
        try:
            ctx.store.decide_request(done, decision, actor_id(caller), ctx.clock(), req.board)
        except ConditionFailedError:
            continue
        return present.request(done, False, admin=True) if decision == "approved" else None
    raise ConflictError("another moderator is deciding this; try again")


def decide_comment(
    ctx: Context, caller: Caller, app: App, request_id: str, comment_id: str, action: str
) -> dict[str, Any] | None:
    """Approve (the comment, now counted and listed) or reject (None: it is gone)."""
    from .requests import fetch  # requests imports this module

    caller.require_admin()
    decision = DECISIONS[action]
    for _ in range(2):
        pending = (
            ctx.store.get_pending_comment(app.tenant, app.id, comment_id)
            if len(comment_id) <= 64
            else None
        )
        try:
            req = fetch(ctx, app, request_id, consistent=True)
        except NotFoundError:  # the request was deleted since: only the queue is left
            if pending is None or pending.request_id != request_id:
                _repeat(ctx, app, comment_id, request_id, decision)
                return None
            return _orphan(ctx, caller, pending, decision)
        if pending is None or pending.request_id != req.id:
            listed = ctx.store.get_comment(req, comment_id) if len(comment_id) <= 64 else None
            if listed is not None:
                if decision == "rejected":
                    raise ConflictError("it is approved; delete it instead")
                return present.comment(listed, admin=True)
            _repeat(ctx, app, comment_id, req.id, decision)
            return None
        done = replace(pending, moderation="approved")
        try:
            ctx.store.decide_comment(req, done, decision, actor_id(caller), ctx.clock())
        except ConditionFailedError:
            continue
        return present.comment(done, admin=True) if decision == "approved" else None
    raise ConflictError("the request or the comment changed meanwhile; try again")


def _orphan(ctx: Context, caller: Caller, pending: Any, decision: str) -> None:
    """A pending comment whose request was deleted: rejecting takes it off the queue;
    approving has nowhere to put it."""
    if decision == "approved":
        raise NotFoundError("its request was deleted; reject the comment to clear it")
    with contextlib.suppress(ConditionFailedError):  # another moderator was first: same answer
        ctx.store.reject_orphan_comment(pending, actor_id(caller), ctx.clock())


def _until_ms(ctx: Context, until: str | None) -> int:
    if until is None:
        return FOREVER_MS
    try:
        moment = datetime.fromisoformat(until.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationFailedError.for_field("until", "must be an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise ValidationFailedError.for_field("until", "must carry a time zone (Z)")
    ms = int(moment.astimezone(UTC).timestamp() * 1000)
    if ms <= ctx.clock():
        raise ValidationFailedError.for_field("until", "must be in the future")
    return min(ms, FOREVER_MS)


def _check_user(user_id: str) -> None:
    if not 1 <= len(user_id) <= 128:
        raise ValidationFailedError.for_field("userId", "must be 1 to 128 characters")


def ban(ctx: Context, caller: Caller, app: App, user_id: str, body: BanIn) -> dict[str, Any]:
    """Ban (or re-ban with a new end and reason): the user's next write answers 403."""
    caller.require_admin()
    _check_user(user_id)
    until = _until_ms(ctx, body.until)
    ctx.store.ban(app.tenant, app.id, user_id, until, body.reason)
    return {
        "userId": user_id,
        "until": None if until >= FOREVER_MS else iso(until),
        "reason": body.reason,
    }


def unban(ctx: Context, caller: Caller, app: App, user_id: str) -> None:
    caller.require_admin()
    _check_user(user_id)
    ctx.store.unban(app.tenant, app.id, user_id)
