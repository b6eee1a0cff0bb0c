"""Authentication, the acting end user, and rate limits for one API call."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth import (
    Caller,
    acting_user,
    anonymous_id,
    check_app_access,
    keys_match,
    parse_key,
    team_member,
    user_token_secret,
    verify_user_token,
)
from ..context import Context
from ..errors import BadRequestError, NotFoundError, RateLimitedError, UnauthenticatedError
from ..records import App, Person

__all__ = [
    "Credentials",
    "authenticate",
    "load_app",
    "writer",
    "voter",
    "viewer_id",
    "actor_id",
    "enforce_rate",
]


@dataclass(frozen=True)
class Credentials:
    """Everything a call may authenticate with, lifted off the HTTP request by app.py."""

    authorization: str | None = None
    query_key: str | None = None
    user_token: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    user_email: str | None = None
    client_ip: str = "unknown"


def authenticate(
    ctx: Context, creds: Credentials, app_id: str | None = None
) -> tuple[Caller, App | None]:
    """The caller and, for app routes, its app: 404 for an app outside the caller's reach."""
    key = parse_key(creds.authorization, creds.query_key)
    store = ctx.store
    if key.role == "admin":
        stored = store.get_admin_key(key.tenant, key.ident)
        if stored is None or stored.revoked or not keys_match(key.raw, stored.key_hash):
            raise UnauthenticatedError("unknown API key")
        if creds.user_token:
            raise BadRequestError(
                "X-User-Token goes with a publishable key; "
                "an admin key acts for a user with X-User-Id"
            )
        user = acting_user(creds.user_id, creds.user_name, creds.user_email)
        caller = Caller(key.tenant, "admin", stored.key_id, creds.client_ip, user=user)
        enforce_rate(ctx, caller.tenant, caller.rate_subject, ctx.settings.key_requests_per_minute)
        return caller, load_app(ctx, caller, app_id) if app_id is not None else None
    app = store.get_app(key.tenant, key.ident)
    if app is None or not keys_match(key.raw, app.pub_key_hash):
        raise UnauthenticatedError("unknown API key")
    if creds.user_id:
        raise BadRequestError("X-User-Id needs an admin key; send the user's X-User-Token")
    user = None
    if creds.user_token:
        secret = user_token_secret(ctx.secret, app.tenant, app.id, app.user_secret_salt)
        user = verify_user_token(creds.user_token, secret)
    caller = Caller(
        key.tenant,
        "public",
        f"pub.{app.id}",
        creds.client_ip,
        app=app,
        user=user,
        anonymous=user is None,
    )
    if app_id is not None:
        check_app_access(caller, app_id)
    enforce_rate(ctx, caller.tenant, caller.rate_subject, ctx.settings.key_requests_per_minute)
    return caller, app


def load_app(ctx: Context, caller: Caller, app_id: str) -> App:
    if caller.app is not None:
        check_app_access(caller, app_id)
        return caller.app
    app = ctx.store.get_app(caller.tenant, app_id)
    if app is None:
        raise NotFoundError("no such app")
    return app


def writer(ctx: Context, caller: Caller, app: App) -> Person:
    """Who a write is made by: the end user, the team, or an anonymous visitor if allowed."""
    if caller.user is not None:
        return caller.user
    if caller.is_admin:
        return team_member(caller.key_id)
    if not app.allow_anonymous:
        raise UnauthenticatedError("sign in to do this: send the user's X-User-Token")
    enforce_rate(
        ctx,
        caller.tenant,
        f"anon.{app.id}.{caller.client_ip}",
        ctx.settings.anonymous_writes_per_minute,
    )
    return Person(id=anonymous_id(ctx.secret, caller.tenant, app.id, caller.client_ip))


def actor_id(caller: Caller) -> str:
    """Who made an edit, for the events: the end user, else the team's key."""
    return caller.user.id if caller.user else team_member(caller.key_id).id


def voter(ctx: Context, caller: Caller, app: App) -> Person:
    """Votes and follows belong to one end user: an admin key must name it (X-User-Id)."""
    if caller.is_admin and caller.user is None:
        raise BadRequestError("send X-User-Id to vote or follow on behalf of a user")
    return writer(ctx, caller, app)


def viewer_id(ctx: Context, caller: Caller, app: App) -> str | None:
    """Whose ``voted`` flag a read shows, without charging an anonymous write."""
    if caller.user is not None:
        return caller.user.id
    if not caller.is_admin and app.allow_anonymous:
        return anonymous_id(ctx.secret, caller.tenant, app.id, caller.client_ip)
    return None


def enforce_rate(ctx: Context, tenant: str, subject: str, per_minute: int) -> None:
    """A fixed one-minute window per subject, counted atomically in the table (0 = no limit)."""
    if per_minute <= 0:
        return
    now = ctx.clock()
    window = now // 60_000
    hits = ctx.store.hit_rate(tenant, subject, window, expires_at=(window + 2) * 60)
    if hits > per_minute:
        retry_after = 60 - (now // 1000) % 60
        raise RateLimitedError(
            f"over {per_minute} calls a minute; retry in {retry_after} s", retry_after
        )
