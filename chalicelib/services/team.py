"""The team: members with roles, invitations, passwordless sign-in, sessions.

Sign-in tokens and sessions are random (256 bits), stored only as SHA-256 hashes, and carry
their tenant in clear so one GetItem on the tenant's own partition finds them. A sign-in
token is single use (taken with one conditional delete) and lives 15 minutes; a session
lives 12 hours and is checked against its member on every call, so a removed member is
signed out at once and a changed role applies to the very next call.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from ..auth import SESSION_PREFIX, Caller, ParsedKey, hash_key, keys_match, parse_key
from ..context import Context
from ..errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
)
from ..ids import iso
from ..models import MemberCreate, MemberPatch, SessionStart
from ..records import Member, Session
from ..roles import rank
from ..store import ConditionFailedError, LastOwnerError
from .access import address_bucket

__all__ = [
    "add_member",
    "invite",
    "list_members",
    "change_role",
    "remove_member",
    "start",
    "verify",
    "session_member",
    "sign_out",
    "current",
    "open_session",
    "SIGNIN_PREFIX",
]

SIGNIN_PREFIX = "fr_signin_"
SIGNIN_TTL_MS = 15 * 60_000
SESSION_TTL_MS = 12 * 3600_000
START_WINDOW_MS = 15 * 60_000  # the sign-in rate limits count in windows this long
STARTS_PER_EMAIL = 5
STARTS_PER_ADDRESS = 20
_SIGNIN = re.compile(rf"^{SIGNIN_PREFIX}([a-z0-9-]{{2,40}})_[A-Za-z0-9_-]{{20,100}}$")
INVALID_LINK = "this sign-in link is not valid, was used already or has expired: ask for a new one"
SESSION_ENDED = "the session has ended: sign in again"
STARTED = "If this address belongs to a member of the team, a sign-in link is on its way."


def member_out(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "email": member.email,
        "role": member.role,
        "status": "active" if member.last_sign_in_ms else "invited",
        "invitedBy": member.invited_by,
        "createdAt": iso(member.created_ms),
        "lastSignInAt": iso(member.last_sign_in_ms) if member.last_sign_in_ms else None,
    }


def _who(caller: Caller) -> str:
    """How the audit trail and an invitation name the caller."""
    return caller.member.email if caller.member else f"admin key {caller.key_id}"


# ---------------------------------------------------------------- members


def add_member(ctx: Context, tenant: str, email: str, role: str, invited_by: str) -> dict:
    """Make the member and email the invitation (the operator's path and the API's)."""
    found = ctx.store.get_tenant(tenant)
    if found is None:
        raise NotFoundError(f"no tenant {tenant!r}")
    member = Member(tenant, ctx.make_id(), email, role, ctx.clock(), invited_by)
    try:
        ctx.store.add_member(member)
    except ConditionFailedError:
        raise ConflictError("this address is a member already") from None
    return {**member_out(member), "invitationSent": _send_link(ctx, member, found.name, invited_by)}


def invite(ctx: Context, caller: Caller, body: MemberCreate) -> dict[str, Any]:
    """``POST /v1/members``: an admin may invite anyone but an owner."""
    if body.role == "owner" and caller.member and rank(caller.member.role) < rank("owner"):
        raise ForbiddenError("only an owner may invite an owner")
    return add_member(ctx, caller.tenant, body.email, body.role, _who(caller))


def list_members(ctx: Context, tenant: str) -> dict[str, Any]:
    return {"items": [member_out(m) for m in ctx.store.list_members(tenant)]}


def _member(ctx: Context, tenant: str, member_id: str) -> Member:
    member = ctx.store.get_member(tenant, member_id) if len(member_id) <= 64 else None
    if member is None:
        raise NotFoundError("no such member")
    return member


def change_role(ctx: Context, caller: Caller, member_id: str, body: MemberPatch) -> dict:
    member = _member(ctx, caller.tenant, member_id)
    if body.role == member.role:
        return member_out(member)
    try:
        ctx.store.set_role(member, body.role)
    except LastOwnerError:
        raise ConflictError("a tenant keeps at least one owner") from None
    except ConditionFailedError:
        raise ConflictError("the member changed meanwhile: read it again") from None
    return member_out(_member(ctx, caller.tenant, member_id))


def remove_member(ctx: Context, tenant: str, member_id: str) -> None:
    """The member goes, and with it every session it holds (checked on each call)."""
    member = _member(ctx, tenant, member_id)
    try:
        ctx.store.remove_member(member)
    except LastOwnerError:
        raise ConflictError("a tenant keeps at least one owner") from None
    except ConditionFailedError:
        raise NotFoundError("no such member") from None


# ---------------------------------------------------------------- sign-in


def _send_link(ctx: Context, member: Member, tenant_name: str, invited_by: str | None) -> bool:
    """A new one-time token for ``member``, by email; False when SES did not take it."""
    from .. import logs
    from ..notify.team import send_signin

    token = f"{SIGNIN_PREFIX}{member.tenant}_{secrets.token_urlsafe(32)}"
    ctx.store.put_signin_token(
        member.tenant, hash_key(token), member.id, ctx.clock() + SIGNIN_TTL_MS
    )
    try:
        send_signin(ctx, member.email, tenant_name, token, member.role, invited_by)
    except Exception as exc:  # SES refusing or away: logged, never told to the caller
        logs.logger().warning(
            "sign-in email not sent",
            extra={"tenant": member.tenant, "member": member.id, "error": type(exc).__name__},
        )
        return False
    return True


def _count_start(ctx: Context, tenant: str, subject: str, limit: int) -> None:
    now = ctx.clock()
    window = now // START_WINDOW_MS
    reset_s = (window + 1) * START_WINDOW_MS // 1000
    digest = hmac.new(ctx.secret, f"signin|{tenant}|{subject}".encode(), hashlib.sha256)
    hits, _ = ctx.store.hit_rate(
        tenant, f"signin.{digest.hexdigest()[:24]}", window, reset_s + START_WINDOW_MS // 1000
    )
    if hits > limit:
        raise RateLimitedError(
            "too many sign-in links asked for; retry after the Retry-After seconds",
            reset_s - now // 1000,
        )


def start(ctx: Context, body: SessionStart, client_ip: str) -> dict[str, str]:
    """``POST /v1/session/start``: the same answer for members and strangers, after the
    same counting (per client address, then per email) for both."""
    _count_start(ctx, body.tenant, f"ip|{address_bucket(client_ip)}", STARTS_PER_ADDRESS)
    _count_start(ctx, body.tenant, f"email|{body.email.lower()}", STARTS_PER_EMAIL)
    member = ctx.store.find_member(body.tenant, body.email)
    tenant = ctx.store.get_tenant(body.tenant) if member else None
    if member and tenant:
        _send_link(ctx, member, tenant.name, None)
    return {"message": STARTED}


def verify(ctx: Context, token: str) -> dict[str, Any]:
    """``POST /v1/session/verify``: the token, once, within 15 minutes, for a member that
    still exists; every failure is the same 401."""
    found = _SIGNIN.match(token)
    if not found:
        raise UnauthenticatedError(INVALID_LINK)
    tenant, now = found.group(1), ctx.clock()
    held = ctx.store.take_signin_token(tenant, hash_key(token))
    if held is None or held["expiresMs"] <= now:
        raise UnauthenticatedError(INVALID_LINK)
    member = ctx.store.get_member(tenant, held["memberId"])
    if member is None:
        raise UnauthenticatedError(INVALID_LINK)
    return open_session(ctx, member)


def open_session(ctx: Context, member: Member) -> dict[str, Any]:
    """A new 12-hour session for ``member`` (who proved who it is): its token, shown once."""
    tenant, now = member.tenant, ctx.clock()
    session_id = secrets.token_hex(8)
    session_token = f"{SESSION_PREFIX}{tenant}_{session_id}_{secrets.token_urlsafe(32)}"
    expires = now + SESSION_TTL_MS
    ctx.store.put_session(Session(tenant, session_id, hash_key(session_token), member.id, expires))
    ctx.store.signed_in(tenant, member.id, now)
    member = _member(ctx, tenant, member.id)
    return {"sessionToken": session_token, "expiresAt": iso(expires), "member": member_out(member)}


# ---------------------------------------------------------------- sessions


def _session(ctx: Context, key: ParsedKey) -> Session:
    session = ctx.store.get_session(key.tenant, key.ident) if len(key.ident) <= 32 else None
    if (
        session is None
        or not keys_match(key.raw, session.token_hash)
        or session.expires_ms <= ctx.clock()
    ):
        raise UnauthenticatedError(SESSION_ENDED)
    return session


def session_member(ctx: Context, key: ParsedKey) -> Member:
    """The member behind a session token, as it is now (its role may have changed)."""
    member = ctx.store.get_member(key.tenant, _session(ctx, key).member_id)
    if member is None:
        raise UnauthenticatedError(SESSION_ENDED)
    return member


def _own_session(ctx: Context, authorization: str | None) -> Session:
    key = parse_key(authorization)
    if key.role != "session":
        raise BadRequestError("only a member's session signs out; an admin key is revoked")
    return _session(ctx, key)


def sign_out(ctx: Context, authorization: str | None) -> None:
    """``DELETE /v1/session``: this session ends now."""
    session = _own_session(ctx, authorization)
    ctx.store.delete_session(session.tenant, session.id)


def current(ctx: Context, caller: Caller, authorization: str | None) -> dict[str, Any]:
    """``GET /v1/session``: who the console is signed in as; an admin key is an owner."""
    if caller.member is None:
        return {"role": "owner", "member": None, "expiresAt": None}
    session = _own_session(ctx, authorization)
    return {
        "role": caller.member.role,
        "member": member_out(caller.member),
        "expiresAt": iso(session.expires_ms),
    }
