"""The changelog: the team writes drafts in Markdown, links the requests they ship, publishes
once. Publishing is one conditional write; the table's stream turns it into the
``changelog.published`` event that emails the followers and calls the webhooks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from .. import present
from ..auth import Caller
from ..context import Context
from ..errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailedError
from ..models import (
    ChangelogCreate,
    ChangelogPatch,
    ChangelogPreviewIn,
    ChangelogQuery,
)
from ..records import App, ChangelogEntry
from .access import actor_id
from .linked import visible_ids
from .requests import _until_written, complete

__all__ = ["create", "preview", "get", "list_page", "patch", "delete", "publish", "fetch", "feed"]

FEED_SIZE = 50


def _render(markdown: str) -> str:
    from ..richtext import render

    return render(markdown)


def _linked(ctx: Context, app: App, request_ids: list[str]) -> tuple[str, ...]:
    """The ids, each a request of this app; any other (another tenant's too) is a 404."""
    found = {r.id for r in ctx.store.get_requests(app.tenant, app.id, request_ids)}
    missing = [r for r in request_ids if r not in found]
    if missing:
        raise NotFoundError(f"no such request: {missing[0]}")
    return tuple(request_ids)


def fetch(ctx: Context, caller: Caller, app: App, entry_id: str) -> ChangelogEntry:
    """An entry the caller may see: drafts are the team's alone (404 for anyone else)."""
    entry = ctx.store.get_entry(app.tenant, app.id, entry_id) if len(entry_id) <= 64 else None
    if entry is None or (entry.status == "draft" and not caller.is_admin):
        raise NotFoundError("no such changelog entry")
    return entry


def create(ctx: Context, caller: Caller, app: App, body: ChangelogCreate) -> dict[str, Any]:
    caller.require_admin()
    now = ctx.clock()
    entry = ChangelogEntry(
        tenant=app.tenant,
        app=app.id,
        id=ctx.make_id(),
        title=body.title,
        body=body.body,
        html=_render(body.body),
        created_ms=now,
        updated_ms=now,
        request_ids=_linked(ctx, app, body.requestIds),
        complete_linked=body.completeLinked,
    )
    ctx.store.create_entry(entry)
    return present.changelog(entry)


def preview(caller: Caller, body: ChangelogPreviewIn) -> dict[str, Any]:
    """The console's preview: exactly the HTML a save would store, nothing written."""
    caller.require_admin()
    return {"html": _render(body.body)}


def get(ctx: Context, caller: Caller, app: App, entry_id: str) -> dict[str, Any]:
    return _shown(ctx, caller, app, [fetch(ctx, caller, app, entry_id)])[0]


def _shown(
    ctx: Context, caller: Caller, app: App, entries: list[ChangelogEntry]
) -> list[dict[str, Any]]:
    """The entries as the caller may read them: ``requestIds`` lists only the requests on
    boards the caller may see (one read for the whole page, none for the team)."""
    seen = visible_ids(ctx, caller, app, (r for e in entries for r in e.request_ids))
    return [
        present.changelog(replace(e, request_ids=tuple(r for r in e.request_ids if r in seen)))
        for e in entries
    ]


def list_page(ctx: Context, caller: Caller, app: App, query: ChangelogQuery) -> dict[str, Any]:
    """Published entries, newest first; ``status=draft`` lists the team's drafts."""
    if query.status == "draft" and not caller.is_admin:
        raise ForbiddenError("drafts are for the team: this needs an admin key")
    page = ctx.store.list_entries(app.tenant, app.id, query.status, query.limit, query.cursor)
    return {"items": _shown(ctx, caller, app, page.items), "nextCursor": page.next_cursor}


def _draft(ctx: Context, caller: Caller, app: App, entry_id: str) -> ChangelogEntry:
    caller.require_admin()
    entry = fetch(ctx, caller, app, entry_id)
    if entry.status != "draft":
        raise ConflictError("this entry is published; it can no longer change")
    return entry


def _write(ctx: Context, caller: Caller, app: App, entry_id: str, change: Any) -> ChangelogEntry:
    """Apply ``change(draft) -> new`` to the current draft, again while others write first."""

    def attempt() -> ChangelogEntry:
        old = _draft(ctx, caller, app, entry_id)
        new = change(old)
        ctx.store.replace_entry(old, new)
        return new

    return _until_written(attempt)


def patch(
    ctx: Context, caller: Caller, app: App, entry_id: str, body: ChangelogPatch
) -> dict[str, Any]:
    fields = {name: getattr(body, name) for name in body.model_fields_set}
    for name, value in fields.items():
        if value is None:
            raise ValidationFailedError.for_field(name, "must not be null")
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = fields["title"]
    if "body" in fields:
        changes["body"], changes["html"] = fields["body"], _render(fields["body"])
    if "requestIds" in fields:
        changes["request_ids"] = _linked(ctx, app, fields["requestIds"])
    if "completeLinked" in fields:
        changes["complete_linked"] = fields["completeLinked"]

    def change(old: ChangelogEntry) -> ChangelogEntry:
        return replace(old, **changes, version=old.version + 1, updated_ms=ctx.clock())

    return present.changelog(_write(ctx, caller, app, entry_id, change))


def delete(ctx: Context, caller: Caller, app: App, entry_id: str) -> None:
    def attempt() -> None:
        ctx.store.delete_entry(_draft(ctx, caller, app, entry_id))

    _until_written(attempt)


def publish(ctx: Context, caller: Caller, app: App, entry_id: str) -> dict[str, Any]:
    """Publish a draft (409 once published); with ``completeLinked`` its requests move to
    the done status, marked as shipped in it so their followers get this entry's email
    instead of a status email besides."""

    def change(old: ChangelogEntry) -> ChangelogEntry:
        now = ctx.clock()
        return replace(
            old, status="published", published_ms=now, updated_ms=now, version=old.version + 1
        )

    entry = _write(ctx, caller, app, entry_id, change)
    if entry.complete_linked:
        for request_id in entry.request_ids:
            complete(ctx, app, request_id, actor_id(caller), shipped_in=entry.id)
    return present.changelog(entry)


def feed(ctx: Context, app: App, key: str | None) -> str:
    """The newest published entries as an Atom feed (RFC 4287)."""
    from ..atom import feed as atom_feed

    page = ctx.store.list_entries(app.tenant, app.id, "published", FEED_SIZE, None)
    settings = ctx.settings
    return atom_feed(
        app,
        page.items,
        board_url=settings.board_url,
        self_url=f"{settings.api_base_url.rstrip('/')}/v1/apps/{app.id}/changelog/feed.atom"
        + (f"?key={quote(key)}" if key else ""),
    )
