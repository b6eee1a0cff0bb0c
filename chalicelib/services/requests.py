"""Feature requests: create (idempotent), list, read, edit, delete, merge and unmerge."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .. import present
from ..auth import Caller, is_service_id
from ..context import Context
from ..errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    ValidationFailedError,
)
from ..models import ListQuery, MergeBody, RequestCreate, RequestPatch
from ..records import App, FeatureRequest
from ..store import ConditionFailedError
from .access import actor_id, viewer_id, writer

__all__ = [
    "create",
    "list_page",
    "get",
    "view",
    "fetch",
    "patch",
    "delete",
    "merge",
    "unmerge",
    "parse_etag",
    "Replay",
]

IDEMPOTENCY_TTL_S = 24 * 3600
_ETAG = re.compile(r'^(?:W/)?"(\d{1,12})"$|^(\d{1,12})$')
ATTEMPTS = 6


class Replay(Exception):
    """Not an error: the stored first answer to a repeated Idempotency-Key."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__("replay")
        self.status, self.body = status, body


def fetch(ctx: Context, app: App, request_id: str) -> FeatureRequest:
    req = ctx.store.get_request(app.tenant, app.id, request_id) if len(request_id) <= 64 else None
    if req is None:
        raise NotFoundError("no such request")
    return req


def view(
    ctx: Context, caller: Caller, app: App, req: FeatureRequest, voted: bool | None = None
) -> dict[str, Any]:
    if voted is None:
        viewer = viewer_id(ctx, caller, app)
        voted = bool(viewer and req.votes) and req.id in ctx.store.voted(
            app.tenant, app.id, [req.id], viewer
        )
    return present.request(req, voted, caller.is_admin)


def create(
    ctx: Context,
    caller: Caller,
    app: App,
    body: RequestCreate,
    idempotency_key: str | None,
    raw_body: bytes,
) -> dict[str, Any]:
    """Create a request; a repeated Idempotency-Key within 24 h replays the first answer."""
    author = writer(ctx, caller, app)
    scope = fingerprint = None
    if idempotency_key is not None:
        if not 1 <= len(idempotency_key) <= 255:
            raise ValidationFailedError.for_field("Idempotency-Key", "must be 1 to 255 characters")
        key_hash = hashlib.sha256(idempotency_key.encode()).hexdigest()
        scope = f"{author.id}#{key_hash}"
        fingerprint = hashlib.sha256(raw_body).hexdigest()
        _replay_if_seen(ctx, app, scope, fingerprint)
    now = ctx.clock()
    req = FeatureRequest(
        tenant=app.tenant,
        app=app.id,
        id=ctx.make_id(),
        title=body.title,
        description=body.description,
        author=author,
        created_ms=now,
        updated_ms=now,
        priority=body.priority,
        tags=tuple(body.tags),
        updated_by=author.id,
    )
    out = present.request(req, False, caller.is_admin)
    record = None
    if scope is not None:
        record = ctx.store.idempotency_item(
            app.tenant, app.id, scope, fingerprint, 201, out, now // 1000 + IDEMPOTENCY_TTL_S
        )
    try:
        ctx.store.create_request(req, record, author)
    except ConditionFailedError:
        if scope is not None:  # a concurrent call with the same key won: answer as it did
            _replay_if_seen(ctx, app, scope, fingerprint)
        raise
    return out


def _replay_if_seen(ctx: Context, app: App, scope: str, fingerprint: str | None) -> None:
    seen = ctx.store.get_idempotent(app.tenant, app.id, scope)
    if seen is None or seen.get("expiresAt", 0) < ctx.clock() // 1000:
        return
    if seen["fingerprint"] != fingerprint:
        raise ConflictError("this Idempotency-Key was used with a different body")
    raise Replay(seen["status"], seen["body"])


def list_page(ctx: Context, caller: Caller, app: App, query: ListQuery) -> dict[str, Any]:
    page = ctx.store.list_requests(
        app.tenant,
        app.id,
        status=query.status,
        tag=query.tag,
        sort=query.sort,
        limit=query.limit,
        cursor=query.cursor,
    )
    viewer = viewer_id(ctx, caller, app)
    with_votes = [r.id for r in page.items if r.votes > 0]  # nobody voted for the others
    voted = ctx.store.voted(app.tenant, app.id, with_votes, viewer) if viewer else set()
    return {
        "items": [present.request(r, r.id in voted, caller.is_admin) for r in page.items],
        "nextCursor": page.next_cursor,
    }


def get(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    return view(ctx, caller, app, fetch(ctx, app, request_id))


def parse_etag(if_match: str | None) -> int | None:
    """``If-Match`` as a version: ``"4"``, ``4`` and ``W/"4"`` all mean 4; ``*`` means any."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise PreconditionFailedError("If-Match must be an ETag this API handed out")
    return int(found.group(1) or found.group(2))


def _check_edit_rights(caller: Caller, req: FeatureRequest, body: RequestPatch) -> None:
    if caller.is_admin:
        return
    if caller.user is None or caller.user.id != req.author.id or is_service_id(req.author.id):
        raise ForbiddenError("only the team or the author may edit this request")
    beyond = body.model_fields_set - {"title", "description"}
    if beyond:
        raise ForbiddenError(f"only the team may change {', '.join(sorted(beyond))}")
    if req.status != "open":
        raise ForbiddenError("the author may edit a request only while it is open")


def _apply(req: FeatureRequest, body: RequestPatch) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None:
            raise ValidationFailedError.for_field(name, "must not be null")
        if name == "status":
            if value == "duplicate":
                raise ValidationFailedError.for_field(
                    "status", "use POST …/merge to mark a duplicate"
                )
            if req.status == "duplicate":
                raise ConflictError("this request is merged; use POST …/unmerge first")
        if name == "tags":
            value = tuple(value)
        if name == "response" and value == "":
            value = None
        if getattr(req, name) != value:
            changes[name] = value
    return changes


def _until_written(attempt: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Read-check-write ``attempt`` again while a concurrent write beats it."""
    for n in range(ATTEMPTS):
        try:
            return attempt()
        except ConditionFailedError:
            time.sleep(0.01 * 2**n)
    raise ConflictError("the request kept changing; try again")


def patch(
    ctx: Context,
    caller: Caller,
    app: App,
    request_id: str,
    body: RequestPatch,
    if_match: str | None,
) -> dict[str, Any]:
    expected = parse_etag(if_match)

    def attempt() -> dict[str, Any]:
        req = fetch(ctx, app, request_id)
        if expected is not None and expected != req.version:
            raise PreconditionFailedError(
                f"the request is at version {req.version}, not {expected}"
            )
        _check_edit_rights(caller, req, body)
        changes = _apply(req, body)
        if not changes:
            return view(ctx, caller, app, req)
        updated = replace(
            req,
            **changes,
            version=req.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.update_request(req, updated)
        return view(ctx, caller, app, updated)

    return _until_written(attempt)


def delete(ctx: Context, caller: Caller, app: App, request_id: str) -> None:
    caller.require_admin()
    try:
        ctx.store.delete_request(fetch(ctx, app, request_id))
    except ConditionFailedError:
        raise NotFoundError("no such request") from None


def merge(
    ctx: Context, caller: Caller, app: App, request_id: str, body: MergeBody
) -> dict[str, Any]:
    """Mark as duplicate, then move the voters; a voter of both keeps one vote."""
    caller.require_admin()
    if body.into == request_id:
        raise ValidationFailedError.for_field("into", "must be another request")

    def attempt() -> dict[str, Any]:
        source, target = fetch(ctx, app, request_id), fetch(ctx, app, body.into)
        if source.status == "duplicate":
            raise ConflictError(f"already merged into {source.duplicate_of}")
        if target.status == "duplicate":
            raise ConflictError(
                f"{target.id} is itself merged into {target.duplicate_of}; merge into that one"
            )
        marked = replace(
            source,
            status="duplicate",
            duplicate_of=target.id,
            status_before_merge=source.status,
            version=source.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.update_request(source, marked)
        ctx.store.move_votes(marked, target)
        return get(ctx, caller, app, request_id)

    return _until_written(attempt)


def unmerge(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    """Give both requests back exactly the voters they had before the merge."""
    caller.require_admin()
    source = fetch(ctx, app, request_id)
    if source.status != "duplicate" or not source.duplicate_of:
        raise ConflictError("this request is not merged")
    target = ctx.store.get_request(app.tenant, app.id, source.duplicate_of)
    ctx.store.restore_votes(source, target)

    def attempt() -> dict[str, Any]:
        current = fetch(ctx, app, request_id)
        restored = replace(
            current,
            status=current.status_before_merge or "open",
            duplicate_of=None,
            status_before_merge=None,
            version=current.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.update_request(current, restored)
        return get(ctx, caller, app, request_id)

    return _until_written(attempt)
