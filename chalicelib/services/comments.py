"""Comments on a request: oldest first; the author or the team may delete one."""

from __future__ import annotations

from typing import Any

from .. import present
from ..auth import Caller, is_service_id
from ..context import Context
from ..errors import ConflictError, ForbiddenError, NotFoundError
from ..models import CommentCreate, PageQuery
from ..records import App, Comment
from ..store import ConditionFailedError
from . import moderation
from .access import writer
from .requests import fetch

__all__ = ["add", "list_page", "delete"]


def add(
    ctx: Context, caller: Caller, app: App, request_id: str, body: CommentCreate
) -> dict[str, Any]:
    author = writer(ctx, caller, app)
    req = fetch(ctx, app, request_id, caller=caller)
    if req.status == "duplicate":  # the conversation moved to the request it was merged into
        raise ConflictError(f"this request was merged into {req.duplicate_of}; comment there")
    comment = Comment(
        tenant=app.tenant,
        app=app.id,
        request_id=req.id,
        id=ctx.make_id(),
        body=body.body,
        author=author,
        created_ms=ctx.clock(),
        moderation="pending" if moderation.held(caller, app) else None,
    )
    queued = None
    if comment.moderation:
        queued = moderation.queued_fields(
            ctx, caller, app, author, body.body, requestTitle=req.title
        )
    try:
        ctx.store.add_comment(req, comment, queued)
    except ConditionFailedError as exc:
        moderation.refuse_if_banned(ctx, app, author.id, moderation.banned_at_end(exc))
        raise NotFoundError("no such request") from None
    return present.comment(comment, caller.is_admin)


def list_page(
    ctx: Context, caller: Caller, app: App, request_id: str, query: PageQuery
) -> dict[str, Any]:
    page = ctx.store.list_comments(
        fetch(ctx, app, request_id, caller=caller), query.limit, query.cursor
    )
    return {
        "items": [present.comment(c, caller.is_admin) for c in page.items],
        "nextCursor": page.next_cursor,
    }


def delete(ctx: Context, caller: Caller, app: App, request_id: str, comment_id: str) -> None:
    req = fetch(ctx, app, request_id, caller=caller)
    comment = ctx.store.get_comment(req, comment_id) if len(comment_id) <= 64 else None
    if comment is None:
        raise NotFoundError("no such comment")
    mine = caller.user is not None and caller.user.id == comment.author.id
    if not caller.is_admin and (not mine or is_service_id(comment.author.id)):
        raise ForbiddenError("only the team or the comment's author may delete it")
    try:
        ctx.store.delete_comment(req, comment_id)
    except ConditionFailedError:
        raise NotFoundError("no such comment") from None
