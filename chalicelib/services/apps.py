"""Apps and their keys (admin only)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from .. import present
from ..auth import Caller, hash_key, new_publishable_key, new_salt, user_token_secret
from ..context import Context
from ..errors import ConflictError, NotFoundError, ValidationFailedError
from ..events import EVENT_TYPES
from ..models import AppCreate, AppPatch, BrandingIn, PageQuery, WebhookIn, WebhookTestIn
from ..records import App
from ..store import ConditionFailedError

__all__ = [
    "create_app",
    "list_apps",
    "get_app",
    "patch_app",
    "rotate_keys",
    "deliveries",
    "test_webhook",
    "replace_app",
]


def _webhooks(
    ctx: Context, hooks: list[WebhookIn], kept: tuple[dict[str, Any], ...] = ()
) -> tuple[tuple[dict[str, Any], ...], dict[str, str]]:
    """Checked webhooks, and the secrets generated for those that came without one. A URL
    already in ``kept`` (the app's current webhooks) saved again without a secret keeps its
    secret: the console re-sends the list without secrets, which must not re-key them all."""
    current = {h["url"]: h["secret"] for h in kept}
    from ..notify.webhooks import check_saved_urls

    check_saved_urls([h.url for h in hooks], ctx.settings.stage)
    stored, generated = [], {}
    for i, hook in enumerate(hooks):
        unknown = [e for e in hook.events if e not in EVENT_TYPES and e != "*"]
        if unknown:
            raise ValidationFailedError.for_field(
                f"webhooks.{i}.events",
                f"unknown event {unknown[0]!r}; known: " + ", ".join(EVENT_TYPES),
            )
        secret = hook.secret or current.get(hook.url) or secrets.token_urlsafe(32)
        if hook.secret is None and hook.url not in current:
            generated[hook.url] = secret
        stored.append(
            {
                "url": hook.url,
                "events": list(dict.fromkeys(hook.events)),
                "secret": secret,
                "format": hook.format,
                "privateBoards": hook.privateBoards,
            }
        )
    if len({h["url"] for h in stored}) != len(stored):
        raise ValidationFailedError.for_field("webhooks", "each URL may appear once")
    return tuple(stored), generated


def _new_keys(ctx: Context, tenant: str, app_id: str) -> tuple[str, str, str]:
    """A publishable key, a salt, and the user-token secret derived from that salt."""
    key, salt = new_publishable_key(tenant, app_id), new_salt()
    return key, salt, user_token_secret(ctx.secret, tenant, app_id, salt)


def create_app(ctx: Context, caller: Caller, body: AppCreate) -> dict[str, Any]:
    caller.require_admin()
    hooks, generated = _webhooks(ctx, body.webhooks)
    key, salt, user_secret = _new_keys(ctx, caller.tenant, body.id)
    now = ctx.clock()
    app = App(
        tenant=caller.tenant,
        id=body.id,
        name=body.name,
        pub_key_hash=hash_key(key),
        user_secret_salt=salt,
        created_ms=now,
        updated_ms=now,
        allow_anonymous=body.allowAnonymous,
        moderation=body.moderation,
        notify_emails=tuple(body.notifyEmails),
        webhooks=hooks,
    )
    try:
        ctx.store.create_app(app)
    except ConditionFailedError:
        raise ConflictError(f"an app with id {body.id!r} already exists") from None
    return {**present.app(app, generated), "publishableKey": key, "userTokenSecret": user_secret}


def list_apps(ctx: Context, caller: Caller) -> dict[str, Any]:
    caller.require_admin()
    return {"items": [present.app(a) for a in ctx.store.list_apps(caller.tenant)]}


def get_app(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    caller.require_admin()
    return present.app(app)


def patch_app(ctx: Context, caller: Caller, app: App, body: AppPatch) -> dict[str, Any]:
    caller.require_admin()
    changes: dict[str, Any] = {}
    generated: dict[str, str] = {}
    if body.name is not None:
        changes["name"] = body.name
    if body.allowAnonymous is not None:
        changes["allow_anonymous"] = body.allowAnonymous
    if body.moderation is not None:
        changes["moderation"] = body.moderation
    if body.notifyEmails is not None:
        changes["notify_emails"] = tuple(body.notifyEmails)
    if body.webhooks is not None:
        changes["webhooks"], generated = _webhooks(ctx, body.webhooks, app.webhooks)
    if body.integrations is not None and "github" in body.integrations.model_fields_set:
        github = body.integrations.github
        rest = {k: v for k, v in app.integrations.items() if k != "github"}
        changes["integrations"] = {**rest, "github": github.model_dump()} if github else rest
    if body.statuses is not None:
        from .statuses import replaced

        changes["statuses"] = replaced(ctx, caller, app, body.statuses, body.replaceWith)
    elif body.replaceWith is not None:
        raise ValidationFailedError.for_field("replaceWith", "goes with statuses")
    if body.branding is not None:
        changes["branding"] = _branding(app.branding, body.branding)
    updated = replace(app, **changes, version=app.version + 1, updated_ms=ctx.clock())
    replace_app(ctx, app, updated)
    return present.app(updated, generated)


def _branding(current: dict[str, str], body: BrandingIn) -> dict[str, str]:
    """Each field given replaces the app's and null removes it; colours kept lower case."""
    merged = {**current, **body.model_dump(include=body.model_fields_set)}
    return {k: v.lower() if k == "accentColor" else v for k, v in merged.items() if v is not None}


def public_info(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    """The app as the board and the widget show it (any key of the app)."""
    return present.app_public(app)


def rotate_keys(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    """New publishable key and user-token secret; the old ones stop working at once."""
    caller.require_admin()
    key, salt, user_secret = _new_keys(ctx, caller.tenant, app.id)
    updated = replace(
        app,
        pub_key_hash=hash_key(key),
        user_secret_salt=salt,
        version=app.version + 1,
        updated_ms=ctx.clock(),
    )
    replace_app(ctx, app, updated)
    return {"publishableKey": key, "userTokenSecret": user_secret}


def deliveries(ctx: Context, caller: Caller, app: App, query: PageQuery) -> dict[str, Any]:
    caller.require_admin()
    page = ctx.store.list_deliveries(app.tenant, app.id, query.limit, query.cursor)
    return {"items": [present.delivery(d) for d in page.items], "nextCursor": page.next_cursor}


def test_webhook(ctx: Context, caller: Caller, app: App, body: WebhookTestIn) -> dict[str, Any]:
    """Send a test message to one of the app's webhooks, queued like any event: its outcome
    shows in the delivery log."""
    from ..notify.webhooks import queue_test

    caller.require_admin()
    hook = next((h for h in app.webhooks if h["url"] == body.url), None)
    if hook is None:
        raise NotFoundError("this app has no webhook with that URL; save it first")
    sent = queue_test(ctx, app.tenant, app.id, hook["url"])
    return {
        "eventId": sent["id"],
        "type": sent["type"],
        "url": hook["url"],
        "format": hook.get("format", "json"),
    }


def replace_app(ctx: Context, old: App, new: App) -> None:
    try:
        ctx.store.replace_app(new, expected_version=old.version)
    except ConditionFailedError:
        if ctx.store.get_app(old.tenant, old.id) is None:
            raise NotFoundError("no such app") from None
        raise ConflictError("the app changed meanwhile; read it again and retry") from None
