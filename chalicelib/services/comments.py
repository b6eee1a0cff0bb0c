"""Comments on a request: oldest first; edits, internal notes and reactions.

Internal notes are the team's: to anyone else they do not exist (404, left out of lists and
counts). An author may edit a comment for ``EDIT_WINDOW_MS`` after posting (409 after it);
the team may edit any. Edits are last-writer-wins (a comment has no version to match); a
replay of the same body writes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .. import present
from ..auth import Caller, is_service_id, team_member
from ..context import Context
from ..errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailedError
from ..models import CommentCreate, CommentEdit, PageQuery
from ..records import REACTIONS, App, Comment, FeatureRequest
from ..store import ConditionFailedError
from . import idempotency, moderation
from .access import viewer_id, writer
from .requests import fetch

__all__ = ["add", "list_page", "delete", "edit", "react", "EDIT_WINDOW_MS"]

EDIT_WINDOW_MS = 15 * 60 * 1000


def add(
    ctx: Context,
    caller: Caller,
    app: App,
    request_id: str,
    body: CommentCreate,
    keyed: idempotency.Keyed | None = None,
) -> dict[str, Any]:
    """Comment on a request the caller may see. A repeated Idempotency-Key within 24 h
    raises ``idempotency.Replay`` with the first answer, whatever happened since (the
    comment approved, rejected or deleted, the request merged or gone): it holds only what
    this caller was told then, and nothing is written again."""
    if body.internal and not caller.is_admin:
        raise ForbiddenError("only the team may post an internal note")
    author = writer(ctx, caller, app)
    guard = keyed.guard(ctx, app, author.id, f"comment {request_id}") if keyed else None
    comment_id, now = ctx.make_id(), ctx.clock()
    for attempt in range(3):  # a request moving to another board meanwhile: read it again
        req = fetch(ctx, app, request_id, attempt > 0, caller)  # 404 once it is gone
        if req.status == "duplicate":  # the conversation moved to the request it was merged into
            raise ConflictError("this request was merged into another; comment there")
        comment = Comment(
            tenant=app.tenant,
            app=app.id,
            request_id=req.id,
            id=comment_id,
            body=body.body,
            author=author,
            created_ms=now,
            # the team's internal notes never wait: they are not public when approved either
            moderation="pending" if moderation.held(caller, app) and not body.internal else None,
            internal=body.internal,
        )
        queued = None
        if comment.moderation:
            queued = moderation.queued_fields(
                ctx, caller, app, author, body.body, requestTitle=req.title
            )
        out = present.comment(comment, caller.is_admin, [])
        try:
            record = guard.record(ctx, 201, out) if guard else None
            ctx.store.add_comment(req, comment, queued, record)
        except ConditionFailedError as exc:
            moderation.refuse_if_banned(ctx, app, author.id, moderation.banned_at_end(exc))
            if guard:  # a concurrent call with the same key won: answer as it did
                guard.replay_if_seen(ctx)
            continue
        return out
    raise ConflictError("the request kept changing; try again")


def _reactor_id(ctx: Context, caller: Caller, app: App) -> str | None:
    """Whose ``reacted`` a read shows: the end user, else the team's key behind the call."""
    return viewer_id(ctx, caller, app) or (
        team_member(caller.key_id).id if caller.is_admin else None
    )


def list_page(
    ctx: Context, caller: Caller, app: App, request_id: str, query: PageQuery
) -> dict[str, Any]:
    """One page, oldest first. A caller outside the team gets no internal notes, so its page
    may hold fewer than ``limit`` items: follow ``nextCursor``. The caller's reactions to the
    page, and their own comments awaiting moderation (``"moderation": "pending"``, seen by
    nobody else), are one more Query, whatever the page holds."""
    req = fetch(ctx, app, request_id, caller=caller)
    page = ctx.store.comment_page(req, query.limit, query.cursor, _reactor_id(ctx, caller, app))
    shown = [c for c in page.comments if caller.is_admin or not c.internal]
    return {
        "items": [present.comment(c, caller.is_admin, page.reacted.get(c.id, [])) for c in shown],
        "nextCursor": page.next_cursor,
    }


def _visible(
    ctx: Context, caller: Caller, req: FeatureRequest, comment_id: str, consistent: bool = False
) -> Comment:
    """The comment, or 404 when there is none the caller may see."""
    found = len(comment_id) <= 64 and ctx.store.get_comment(req, comment_id, consistent)
    comment = found or None
    if comment is None or (comment.internal and not caller.is_admin):
        raise NotFoundError("no such comment")
    return comment


def _authored(caller: Caller, comment: Comment) -> bool:
    """The caller is the comment's end-user author (never an anonymous or team id)."""
    return (
        caller.user is not None
        and caller.user.id == comment.author.id
        and not is_service_id(comment.author.id)
    )


def delete(ctx: Context, caller: Caller, app: App, request_id: str, comment_id: str) -> None:
    """The comment goes with its count on the request. A request moving to another board
    meanwhile fails the count's write: read both again (consistently) and retry, as ``add``
    does; 404 once the comment (or the request) is gone."""
    for attempt in range(3):
        req = fetch(ctx, app, request_id, attempt > 0, caller)
        comment = _visible(ctx, caller, req, comment_id, attempt > 0)
        if not caller.is_admin and not _authored(caller, comment):
            raise ForbiddenError("only the team or the comment's author may delete it")
        try:
            ctx.store.delete_comment(req, comment)
        except ConditionFailedError:
            continue
        return
    raise ConflictError("the request kept changing; try again")


def edit(
    ctx: Context, caller: Caller, app: App, request_id: str, comment_id: str, body: CommentEdit
) -> dict[str, Any]:
    """The team edits any comment; its author, within the window (the write checks it)."""
    req = fetch(ctx, app, request_id, caller=caller)
    comment = _visible(ctx, caller, req, comment_id)
    if not caller.is_admin and not _authored(caller, comment):
        raise ForbiddenError("only the team or the comment's author may edit it")
    now = ctx.clock()
    since = 0 if caller.is_admin else now - EDIT_WINDOW_MS
    if comment.created_ms < since:
        raise ConflictError("a comment can be edited for 15 minutes after posting")
    if comment.body != body.body:
        try:
            comment = ctx.store.edit_comment(req, comment_id, body.body, now, since)
        except ConditionFailedError:
            _visible(ctx, caller, req, comment_id)  # 404 if it went meanwhile
            raise ConflictError("a comment can be edited for 15 minutes after posting") from None
    return _view(ctx, caller, app, req, comment)


def _view(
    ctx: Context, caller: Caller, app: App, req: FeatureRequest, comment: Comment
) -> dict[str, Any]:
    reactor = _reactor_id(ctx, caller, app)
    mine = ctx.store.reacted(req, reactor, comment.id, comment.id) if reactor else {}
    return present.comment(comment, caller.is_admin, mine.get(comment.id, []))


def react(
    ctx: Context,
    caller: Caller,
    app: App,
    request_id: str,
    comment_id: str,
    reaction: str,
    on: bool,
) -> dict[str, Any]:
    """Add or take back the caller's reaction: idempotent per user; the comment after it.
    ``+1`` may come percent-encoded (``%2B1``): not every front door decodes path parts."""
    reaction = unquote(reaction)
    if reaction not in REACTIONS:
        raise ValidationFailedError.for_field("reaction", f"must be one of {', '.join(REACTIONS)}")
    user = writer(ctx, caller, app)
    req = fetch(ctx, app, request_id, caller=caller)
    _visible(ctx, caller, req, comment_id)
    try:
        ctx.store.react(req, comment_id, user.id, reaction, on, ctx.clock())
    except ConditionFailedError as exc:
        moderation.refuse_if_banned(ctx, app, user.id, exc.failed_at(2))
        raise NotFoundError("no such comment") from None
    return _view(ctx, caller, app, req, _visible(ctx, caller, req, comment_id, consistent=True))
