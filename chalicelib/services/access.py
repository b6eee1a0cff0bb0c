"""Authentication, the acting end user, and rate limits for one API call.

Rate limits count callers, not keys: every user of an app shares its publishable key, so a
per-key count let one client lock out all of them. A call through a publishable key counts
against its signed-in user, or its client address when anonymous
(``CALLER_REQUESTS_PER_MINUTE``), and every ``RATE_SAMPLE``-th call of a caller adds
``RATE_SAMPLE`` to the key's own count, checked against the much higher
``KEY_REQUESTS_PER_MINUTE`` that stops a runaway client app; an admin key (one machine)
counts against ``KEY_REQUESTS_PER_MINUTE`` itself. Cost: one small UpdateItem per call, and
one more on a caller's every tenth call: at most 1.1 writes per call on average.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from dataclasses import dataclass, replace

from ..auth import (
    Caller,
    ParsedKey,
    RateState,
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
from ..records import App, Member, Person
from . import ratecount

__all__ = [
    "Credentials",
    "authenticate",
    "load_app",
    "writer",
    "voter",
    "viewer_id",
    "actor_id",
    "count_call",
    "address_bucket",
    "RATE_SAMPLE",
]

RATE_SAMPLE = 10
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_OVER: dict[tuple[str, str], int] = {}  # (tenant, key) -> the window this process saw it over


@dataclass(frozen=True)
class Credentials:
    """Everything a call may authenticate with, lifted off the HTTP request by app.py."""

    authorization: str | None = None
    query_key: str | None = None
    user_token: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    user_email: str | None = None
    anonymous_id: str | None = None  # a browser's random id (X-Anonymous-Id), never used as is
    client_ip: str = "unknown"
    method: str = "GET"


def authenticate(
    ctx: Context, creds: Credentials, app_id: str | None = None
) -> tuple[Caller, App | None]:
    """The caller and, for app routes, its app: 404 for an app outside the caller's reach."""
    key = parse_key(creds.authorization, creds.query_key)
    store = ctx.store
    if key.role in ("admin", "session"):
        key_id, member, app = _team_credential(ctx, key, app_id)
        if creds.user_token:
            raise BadRequestError(
                "X-User-Token goes with a publishable key; "
                "an admin key acts for a user with X-User-Id"
            )
        user = acting_user(creds.user_id, creds.user_name, creds.user_email)
        caller = Caller(key.tenant, "admin", key_id, creds.client_ip, user=user, member=member)
        caller = replace(caller, rate=count_call(ctx, caller, creds.method))
        if app_id is not None and app is None:
            app = load_app(ctx, caller, app_id)
        return caller, app
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
        browser=browser_id(creds.anonymous_id) if user is None else None,
    )
    if app_id is not None:
        check_app_access(caller, app_id)
    return replace(caller, rate=count_call(ctx, caller, creds.method)), app


def _team_credential(
    ctx: Context, key: ParsedKey, app_id: str | None
) -> tuple[str, Member | None, App | None]:
    """An admin key's id, or a member's session: both act as the team (the member's role
    then limits what it may do, see roles.py). An admin key on an app route reads the app
    in the same call as the key (returned, or None for the caller to look up)."""
    if key.role == "session":
        from .team import session_member

        member = session_member(ctx, key)
        return f"member.{member.id}", member, None
    if app_id is None:
        stored, app = ctx.store.get_admin_key(key.tenant, key.ident), None
    else:
        stored, app = ctx.store.get_admin_key_and_app(key.tenant, key.ident, app_id)
    if stored is None or stored.revoked or not keys_match(key.raw, stored.key_hash):
        raise UnauthenticatedError("unknown API key")
    return stored.key_id, None, app


def browser_id(value: str | None) -> str | None:
    """The random id a browser keeps for itself (X-Anonymous-Id): 16 to 64 of
    ``[A-Za-z0-9_-]``, else none (the caller is then told apart by address, as before)."""
    if value and _BROWSER_ID.fullmatch(value.strip()):
        return value.strip()
    return None


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
    limit, rate = ctx.settings.anonymous_writes_per_minute, caller.rate
    if limit > 0 and rate is not None and rate.writes > limit:
        raise _limited(
            f"over {limit} anonymous writes a minute from this address",
            RateState(limit, rate.writes, rate.reset_s),
            ctx.clock(),
        )
    return Person(
        id=anonymous_id(ctx.secret, caller.tenant, app.id, caller.client_ip, caller.browser)
    )


def count_anonymous_vote(ctx: Context, caller: Caller, app: App) -> None:
    """An anonymous vote counts against its address's allowance on the app for the UTC day.
    Each new browser id is a new visitor by design (two browsers are two people), so without
    it one address could vote as often as it makes up ids: its 10 writes a minute are 14,400
    votes a day. 429 past it; a signed-in user is not counted. One small write a vote."""
    limit = ctx.settings.anonymous_votes_per_day
    if limit <= 0 or caller.user is not None or caller.is_admin:
        return
    now = ctx.clock()
    day = now // 86_400_000
    subject = f"votes.{_caller_subject(ctx, caller)}"
    counted = ratecount.add_shared(ctx, caller.tenant, subject, day, 1, 0, span_s=86_400)
    votes = counted[0] if counted else 0  # not written (throttled): the vote goes on
    if votes > limit:
        raise _limited(
            f"over {limit} anonymous votes today from this address: sign in to vote more",
            RateState(limit, votes, (day + 1) * 86_400),
            now,
        )


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
        return anonymous_id(ctx.secret, caller.tenant, app.id, caller.client_ip, caller.browser)
    return None


def address_bucket(client_ip: str) -> str:
    """The address a limit counts: an IPv6 client is its /64, since one subscriber usually
    holds a whole /64 and could otherwise be a new caller with every call."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _caller_subject(ctx: Context, caller: Caller) -> str:
    """The counter of this caller: no user id or address in a key, only a keyed digest."""
    app = caller.app.id if caller.app else ""
    who = f"user|{caller.user.id}" if caller.user else f"ip|{address_bucket(caller.client_ip)}"
    digest = hmac.new(ctx.secret, f"rate|{caller.tenant}|{app}|{who}".encode(), hashlib.sha256)
    return f"{'user' if caller.user else 'ip'}.{app}.{digest.hexdigest()[:24]}"


def _limited(message: str, state: RateState, now_ms: int) -> RateLimitedError:
    error = RateLimitedError(message, state.reset_s - now_ms // 1000)
    error.headers.update(replace(state, used=max(state.used, state.limit)).headers())
    return error


def count_call(ctx: Context, caller: Caller, method: str) -> RateState | None:
    """Count this call in a fixed one-minute window; 429 over the caller's limit, or over its
    publishable key's ceiling. None when every limit is off (0)."""
    settings = ctx.settings
    key_limit = settings.key_requests_per_minute
    if caller.is_admin:
        if key_limit <= 0:
            return None
        subject, limit, ceiling = f"key.{caller.key_id}", key_limit, 0
    else:
        subject, limit, ceiling = (
            _caller_subject(ctx, caller),
            settings.caller_requests_per_minute,
            key_limit,
        )
    if limit <= 0 and ceiling <= 0 and settings.anonymous_writes_per_minute <= 0:
        return None
    now = ctx.clock()
    window = now // 60_000
    reset_s = (window + 1) * 60
    write = not caller.is_admin and method not in ("GET", "HEAD", "OPTIONS")  # posting rate
    anonymous_writes = settings.anonymous_writes_per_minute if write and not caller.user else 0
    tightest = min((n for n in (limit, ceiling, anonymous_writes) if n > 0), default=0)
    hits, writes = ratecount.count(ctx, caller.tenant, subject, window, tightest, write)
    state = RateState(limit if limit > 0 else ceiling, hits if limit > 0 else 0, reset_s, writes)
    if limit > 0 and hits > limit:
        raise _limited(
            f"over {limit} calls a minute; retry after the Retry-After seconds", state, now
        )
    if ceiling > 0:
        over_key = (caller.tenant, caller.key_id)
        if _OVER.get(over_key) != window and hits % RATE_SAMPLE == 0:
            written = ratecount.add_shared(
                ctx, caller.tenant, f"key.{caller.key_id}", window, RATE_SAMPLE, 0
            )
            if written is not None and written[0] > ceiling:
                if len(_OVER) > 10_000:
                    _OVER.clear()
                _OVER[over_key] = window
        if _OVER.get(over_key) == window:
            raise _limited(
                f"this app's key is over its {ceiling} calls a minute; retry later",
                RateState(ceiling, ceiling, reset_s),
                now,
            )
    return state
