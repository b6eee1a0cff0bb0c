"""Feature requests: create (idempotent), list, read, edit, delete, merge and unmerge."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

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
from ..workflow import DUPLICATE, GENERAL, board, first_of_kind, may_see, status_ids
from . import idempotency, linked, moderation
from .access import actor_id, viewer_id, writer
from .rankings import RANKED
from .rankings import page as ranked_page

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
    "complete",
    "restatus",
    "board_for",
    "check_status",
    "parse_etag",
]

_ETAG = re.compile(r'^(?:W/)?"(\d{1,12})"$|^(\d{1,12})$')
ATTEMPTS = 6
STEP_ATTEMPTS = 10  # a merge's chunk lost to votes on the target this many times in a row
T = TypeVar("T")


def fetch(
    ctx: Context,
    app: App,
    request_id: str,
    consistent: bool = False,
    caller: Caller | None = None,
    pending: bool = False,
) -> FeatureRequest:
    """The request, or 404; with ``caller``, also 404 when it is on a board the caller may
    not see (exactly as if it did not exist). A pending one only with ``pending`` (else it
    cannot be voted on, followed, commented, edited or merged until approved)."""
    req = (
        ctx.store.get_request(app.tenant, app.id, request_id, consistent, pending)
        if len(request_id) <= 64
        else None
    )
    if req is None or (caller is not None and not may_see(caller, app, req.board)):
        raise NotFoundError("no such request")
    return req


def board_for(caller: Caller, app: App, board_id: str | None) -> str:
    """The board a call names (``general`` when none), or 404 if the caller may not see it."""
    board_id = board_id or GENERAL
    if not may_see(caller, app, board_id):
        raise NotFoundError("no such board")
    return board_id


def check_status(app: App, status: str | None, field: str = "status") -> None:
    """400 unless ``status`` is one of the app's."""
    if status is not None and status not in status_ids(app):
        raise ValidationFailedError.for_field(
            field, f"must be one of this app's statuses: {', '.join(status_ids(app))}"
        )


def view(
    ctx: Context, caller: Caller, app: App, req: FeatureRequest, voted: bool | None = None
) -> dict[str, Any]:
    if voted is None:
        viewer = viewer_id(ctx, caller, app)
        voted = bool(viewer and req.votes) and req.id in ctx.store.voted(
            app.tenant, app.id, [req.id], viewer
        )
    return linked.request_shown(ctx, caller, app, req, voted)


def create(
    ctx: Context,
    caller: Caller,
    app: App,
    body: RequestCreate,
    keyed: idempotency.Keyed | None = None,
) -> dict[str, Any]:
    """Create a request; a repeated Idempotency-Key within 24 h replays the first answer
    (raises ``idempotency.Replay``)."""
    board = board_for(caller, app, body.board)
    author = writer(ctx, caller, app)
    guard = keyed.guard(ctx, app, author.id, "request") if keyed else None
    now = ctx.clock()
    pending = moderation.held(caller, app)
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
        status=first_of_kind(app, "open"),
        board=board,
        moderation="pending" if pending else None,
    )
    queued = None
    if pending:
        text = f"{body.title}\n{body.description}"
        queued = moderation.queued_fields(ctx, caller, app, author, text)
    out = present.request(req, False, caller.is_admin)
    record = guard.record(ctx, 201, out) if guard else None
    try:
        ctx.store.create_request(req, record, author, queued)
    except ConditionFailedError as exc:
        moderation.refuse_if_banned(ctx, app, author.id, moderation.banned_at_end(exc))
        if guard:  # a concurrent call with the same key won: answer as it did
            guard.replay_if_seen(ctx)
        raise
    return out


def _voted_of(items: list[FeatureRequest], voted: Iterable[str]) -> set[str]:
    """Which of a page's requests the viewer voted for, from the voted set that each vote's
    transaction keeps (the counts on a page follow the stream, so they cannot tell). A
    duplicate's votes all moved to its target: nobody's vote is on it."""
    return {r.id for r in items if r.status != "duplicate"} & set(voted)


def list_page(ctx: Context, caller: Caller, app: App, query: ListQuery) -> dict[str, Any]:
    """A page of one board (``general`` without ``board=``); 404 for a board the caller may
    not see, 400 for a status the app does not have."""
    board = board_for(caller, app, query.board)
    check_status(app, query.status)
    if query.q:
        from . import fulltext

        return fulltext.page(ctx, caller, app, query)
    if query.voted or query.sort in RANKED:
        return ranked_page(ctx, caller, app, query)
    page = ctx.store.list_requests(
        app.tenant,
        app.id,
        status=query.status,
        tag=query.tag,
        sort=query.sort,
        limit=query.limit,
        cursor=query.cursor,
        viewer=viewer_id(ctx, caller, app),
        board=board,
    )
    items = page.items
    voted = _voted_of(items, page.voted or ())
    return {
        "items": linked.requests_shown(ctx, caller, app, items, voted),
        "nextCursor": page.next_cursor,
    }


def get(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    """One request; the team also sees the issues linked to it. A pending one is its
    author's and the team's alone: anyone else gets 404, as if it did not exist."""
    req = fetch(ctx, app, request_id, caller=caller, pending=True)
    if req.moderation == "pending" and not _own_or_team(ctx, caller, app, req):
        raise NotFoundError("no such request")
    found = view(ctx, caller, app, req)
    return {**found, "links": ctx.store.links_of(req)} if caller.is_admin else found


def _own_or_team(ctx: Context, caller: Caller, app: App, req: FeatureRequest) -> bool:
    """The team, or the author (an anonymous one by the id its address and browser make)."""
    return caller.is_admin or viewer_id(ctx, caller, app) == req.author.id


def parse_etag(if_match: str | None) -> int | None:
    """``If-Match`` as a version: ``"4"``, ``4`` and ``W/"4"`` all mean 4; ``*`` means any."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise PreconditionFailedError("If-Match must be an ETag this API handed out")
    return int(found.group(1) or found.group(2))


def _check_edit_rights(caller: Caller, app: App, req: FeatureRequest, body: RequestPatch) -> None:
    if caller.is_admin:
        return
    if caller.user is None or caller.user.id != req.author.id or is_service_id(req.author.id):
        raise ForbiddenError("only the team or the author may edit this request")
    beyond = body.model_fields_set - {"title", "description"}
    if beyond:
        raise ForbiddenError(f"only the team may change {', '.join(sorted(beyond))}")
    if req.status != first_of_kind(app, "open"):
        raise ForbiddenError("the author may edit a request only while it is new")


def _apply(app: App, req: FeatureRequest, body: RequestPatch) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None:
            raise ValidationFailedError.for_field(name, "must not be null")
        if name == "board" and board(app, value) is None:
            raise ValidationFailedError.for_field("board", "no such board in this app")
        if name == "status":
            check_status(app, value)
            if value == DUPLICATE:
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


def _until_written(attempt: Callable[[], T]) -> T:
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
        req = fetch(ctx, app, request_id, caller=caller)
        if expected is not None and expected != req.version:
            raise PreconditionFailedError(
                f"the request is at version {req.version}, not {expected}"
            )
        _check_edit_rights(caller, app, req, body)
        changes = _apply(app, req, body)
        moved_to = changes.pop("board", None)
        if changes:
            req = _write(ctx, caller, req, changes, ctx.store.update_request)
        if moved_to:
            refused = merge_under_way(req) or _merged_into(req)
            if refused is not None:
                raise refused
            req = _write(ctx, caller, req, {"board": moved_to}, ctx.store.move_request)
        elif "board" in body.model_fields_set:
            ctx.store.finish_move(req)  # a repeated move completes one that stopped midway
        return view(ctx, caller, app, req)

    return _until_written(attempt)


def _write(
    ctx: Context,
    caller: Caller,
    req: FeatureRequest,
    changes: dict[str, Any],
    write: Callable[[FeatureRequest, FeatureRequest], None],
) -> FeatureRequest:
    """``req`` with ``changes``, one version on, written by ``write`` (update or move)."""
    updated = replace(
        req,
        **changes,
        version=req.version + 1,
        updated_ms=ctx.clock(),
        updated_by=actor_id(caller),
    )
    write(req, updated)
    return updated


def complete(
    ctx: Context, app: App, request_id: str, actor: str, shipped_in: str | None = None
) -> bool:
    """Move a request to the app's first ``done`` status (a changelog entry shipped it, its
    issue closed), unless it is gone, done already or merged away; True when it moved."""
    return restatus(ctx, app, request_id, actor, first_of_kind(app, "done"), shipped_in=shipped_in)


def restatus(
    ctx: Context,
    app: App,
    request_id: str,
    actor: str,
    status: str,
    only_from: str | None = None,
    shipped_in: str | None = None,
) -> bool:
    """Give a request ``status`` (if it is still in ``only_from``, when named), unless it is
    gone, there already, merged away or in a merge; True when it moved."""

    def change(req: FeatureRequest) -> dict[str, Any] | None:
        if req.status in (status, DUPLICATE) or req.merge_step:
            return None
        if only_from is not None and req.status != only_from:
            return None
        return {"status": status} | ({"shipped_in": shipped_in} if shipped_in else {})

    return rewrite(ctx, app, request_id, actor, change)


def rewrite(
    ctx: Context,
    app: App,
    request_id: str,
    actor: str,
    change: Callable[[FeatureRequest], dict[str, Any] | None],
) -> bool:
    """Apply the fields ``change`` makes of the current request (None: leave it), one version
    on, for work the team does in bulk; False when it is gone or was left."""

    def attempt() -> bool:
        req = ctx.store.get_request(app.tenant, app.id, request_id, consistent=True)
        changes = change(req) if req is not None else None
        if not changes:
            return False
        updated = replace(
            req, **changes, version=req.version + 1, updated_ms=ctx.clock(), updated_by=actor
        )
        ctx.store.update_request(req, updated)
        return True

    return _until_written(attempt)


def _restored_status(app: App, source: FeatureRequest) -> str:
    """The status an unmerged request gets back: the one it had, if the app still has it."""
    before = source.status_before_merge
    return before if before in status_ids(app) else first_of_kind(app, "open")


def delete(ctx: Context, caller: Caller, app: App, request_id: str) -> None:
    """Not while a merge from or into the request is under way (409)."""
    caller.require_admin()

    def attempt() -> None:
        req = fetch(ctx, app, request_id, consistent=True)
        refused = merge_under_way(req) or _merged_into(req)
        if refused is not None:
            raise refused
        ctx.store.delete_request(req, ctx.clock())

    _until_written(attempt)


def merge_under_way(req: FeatureRequest) -> ConflictError | None:
    """The refusal for a change to ``req`` (a vote, an unvote, a merge, a delete) while a
    merge or unmerge of it is under way; None when there is none."""
    if req.merge_step == "merging":
        return ConflictError(
            f"this request is being merged into {req.merge_target}; try again when it is done"
        )
    if req.merge_step == "unmerging":
        return ConflictError(
            f"this request is being unmerged from {req.merge_target}; try again when it is done"
        )
    return None


def _merged_into(req: FeatureRequest) -> ConflictError | None:
    """The refusal to merge away or delete a request that a merge under way goes into."""
    if req.merges_in:
        return ConflictError(
            f"a merge of {', '.join(req.merges_in)} into this request is under way;"
            " try again when it is done"
        )
    return None


def _in_steps(step: Callable[[], int]) -> None:
    """Run ``step`` until it has nothing left to do. A step that lost to a concurrent write
    is run again on fresh reads; one that keeps losing leaves the merge under way, and the
    same call made again carries on from where it stopped."""
    losses = 0
    while True:
        try:
            if step() == 0:
                return
            losses = 0
        except ConditionFailedError:
            losses += 1
            if losses == STEP_ATTEMPTS:
                raise ConflictError(
                    "the request kept changing; make the same call again to finish"
                ) from None
            time.sleep(random.uniform(0, 0.01 * 2 ** min(losses, 6)))


def merge(
    ctx: Context, caller: Caller, app: App, request_id: str, body: MergeBody
) -> dict[str, Any]:
    """Mark as duplicate of ``body.into`` and move the voters there (a voter of both keeps
    one vote), in three steps that each hold whatever runs beside them:

    1. the source becomes ``merging`` into the target and the target records it, in one
       transaction: from then on votes and unvotes on the source, deletes of either, and
       other merges or unmerges of either are refused until the merge is done;
    2. the voters move in chunks, each voter's move conditional, so a rerun moves each once;
    3. the source becomes ``duplicate`` and leaves the target's record, in one transaction.

    A call that stops after step 1 (a crash, a timeout, throttling) leaves the merge under
    way: the same merge called again finishes it, an unmerge undoes it.
    """
    caller.require_admin()
    into = body.into
    if into == request_id:
        raise ValidationFailedError.for_field("into", "must be another request")

    def begin() -> FeatureRequest | None:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step == "merging" and source.merge_target == into:
            return source  # a retry: carry on
        refused = merge_under_way(source) or _merged_into(source)
        if refused is not None:
            raise refused
        if source.status == "duplicate":
            if source.duplicate_of == into:
                return None  # a retry of a merge that is done: answer as it did
            raise ConflictError(f"already merged into {source.duplicate_of}")
        target = fetch(ctx, app, into, consistent=True)
        if target.status == "duplicate":
            raise ConflictError(
                f"{target.id} is itself merged into {target.duplicate_of}; merge into that one"
            )
        refused = merge_under_way(target)
        if refused is not None:
            raise refused
        started = replace(
            source,
            merge_step="merging",
            merge_target=into,
            version=source.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.begin_merge(source, started, target)
        return started

    if _until_written(begin) is None:
        return get(ctx, caller, app, request_id)

    def move() -> int:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step != "merging":
            return 0  # finished or undone by another call: the last step tells which
        return ctx.store.move_votes_chunk(source, fetch(ctx, app, into, consistent=True))

    def finish() -> FeatureRequest:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step is None and source.duplicate_of == into:
            return source  # another call of the same merge finished it
        if source.merge_step != "merging" or source.merge_target != into:
            raise ConflictError("the merge was undone while it ran")
        done = replace(
            source,
            status="duplicate",
            duplicate_of=into,
            status_before_merge=source.status,
            merge_step=None,
            merge_target=None,
            version=source.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.end_merge(source, done, fetch(ctx, app, into, consistent=True))
        return done

    _in_steps(move)
    return view(ctx, caller, app, _until_written(finish), voted=False)


def unmerge(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    """Give both requests back exactly the voters they had before the merge; this also
    undoes a merge that stopped half way. The steps of ``merge`` the other way: the source
    becomes ``unmerging``, the moved votes come back in chunks, then the source gets its
    status back. A call that stops half way is finished by the same call made again."""
    caller.require_admin()

    def begin() -> FeatureRequest:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step == "unmerging":
            return source  # a retry: carry on
        if source.merge_step != "merging" and (
            source.status != "duplicate" or not source.duplicate_of
        ):
            raise ConflictError("this request is not merged")
        target_id = source.merge_target or source.duplicate_of
        target = ctx.store.get_request(app.tenant, app.id, target_id, consistent=True)
        refused = target and merge_under_way(target)
        if refused:
            raise refused
        started = replace(
            source,
            merge_step="unmerging",
            merge_target=target_id,
            version=source.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.begin_unmerge(source, started, target)
        return started

    target_id = _until_written(begin).merge_target

    def target() -> FeatureRequest | None:  # None once deleted: its copies went with it
        return ctx.store.get_request(app.tenant, app.id, target_id, consistent=True)

    def restore() -> int:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step != "unmerging":
            return 0  # another call of the same unmerge finished it
        return ctx.store.restore_votes_chunk(source, target())

    def finish() -> FeatureRequest:
        source = fetch(ctx, app, request_id, consistent=True)
        if source.merge_step != "unmerging":
            return source  # another call of the same unmerge finished it
        merged = source.status == "duplicate"
        restored = replace(
            source,
            status=_restored_status(app, source) if merged else source.status,
            duplicate_of=None,
            status_before_merge=None,
            merge_step=None,
            merge_target=None,
            version=source.version + 1,
            updated_ms=ctx.clock(),
            updated_by=actor_id(caller),
        )
        ctx.store.end_merge(source, restored, target())
        return restored

    _in_steps(restore)
    return view(ctx, caller, app, _until_written(finish))
