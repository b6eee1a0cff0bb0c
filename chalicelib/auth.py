"""Who is calling: admin and publishable keys, user tokens, the acting end user.

Keys carry their tenant (and app) in clear so a key is found with one GetItem on the
tenant's own partition; the secret part is random and only its SHA-256 is stored.
The user-token secret cannot be a hash (HS256 needs the key itself on both sides), so it
is derived from the deployment's signing secret and a random per-app salt: the table alone
does not reveal it, and rotating the salt replaces it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .addresses import is_plain_address
from .errors import BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError
from .records import App, Member, Person

__all__ = [
    "Caller",
    "RateState",
    "new_admin_key",
    "new_publishable_key",
    "new_salt",
    "hash_key",
    "parse_key",
    "user_token_secret",
    "verify_user_token",
    "anonymous_id",
]

TEAM_ID = "team"  # the team as an author, in every answer: admin key ids stay private
DELETED_ID = "deleted"  # the author of what a forgotten user wrote
_SERVICE_ID_PREFIXES = ("admin.", "anon-")  # the team's key behind a write; anonymous visitors
ADMIN_PREFIX = "fr_admin_"
PUB_PREFIX = "fr_pub_"
SESSION_PREFIX = "fr_sess_"  # a team member's session: fr_sess_<tenant>_<id>_<secret>
_ID = re.compile(r"^[a-z0-9-]{2,40}$")
_USER_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


@dataclass(frozen=True)
class ParsedKey:
    role: Literal["admin", "public", "session"]
    tenant: str
    ident: str  # admin: the key id; public: the app id
    raw: str


@dataclass(frozen=True)
class RateState:
    """Where a caller stands in the current one-minute window, for the X-RateLimit headers."""

    limit: int
    used: int
    reset_s: int  # Unix time, in seconds, when the window ends and the count starts over
    writes: int = 0  # anonymous writes in the window

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Reset": str(self.reset_s),
        }


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one API call."""

    tenant: str
    role: Literal["admin", "public"]
    key_id: str
    client_ip: str
    app: App | None = None  # the app of a publishable key
    user: Person | None = None  # the end user, when known
    anonymous: bool = False
    browser: str | None = None  # an anonymous browser's own random id (X-Anonymous-Id)
    rate: RateState | None = None  # set once the call is counted
    member: Member | None = None  # the team member behind a session (role "admin": the team)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise ForbiddenError("this needs an admin key")


def is_service_id(user_id: str) -> bool:
    """Ids this service makes (the team, deleted users, anonymous visitors), never a client's:
    a user token's ``sub`` or an ``X-User-Id`` that is one is refused, so no client can
    act as the team, as every deleted user at once, or as an anonymous visitor."""
    return user_id in (TEAM_ID, DELETED_ID) or user_id.startswith(_SERVICE_ID_PREFIXES)


def team_member(key_id: str) -> Person:
    """Who a write made with an admin key (and no acting user) is by."""
    return Person(id=f"admin.{key_id}", name="Team")


def is_team_id(user_id: str) -> bool:
    return user_id.startswith("admin.")


def new_admin_key(tenant: str) -> tuple[str, str]:
    """A new admin key and its id: ``fr_admin_<tenant>_<id>_<secret>``."""
    key_id = secrets.token_hex(6)
    return f"{ADMIN_PREFIX}{tenant}_{key_id}_{secrets.token_urlsafe(32)}", key_id


def new_publishable_key(tenant: str, app: str) -> str:
    return f"{PUB_PREFIX}{tenant}_{app}_{secrets.token_urlsafe(24)}"


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_key(key: str) -> str:
    """Keys are long and random, so one SHA-256 is enough (no password-style stretching)."""
    return hashlib.sha256(key.encode()).hexdigest()


def keys_match(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def parse_key(authorization: str | None, query_key: str | None = None) -> ParsedKey:
    """The key of ``Authorization: Bearer …`` (or ``?key=`` where a route allows it)."""
    raw = None
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise UnauthenticatedError("use 'Authorization: Bearer <key>'")
        raw = value.strip()
    elif query_key:
        raw = query_key.strip()
    if query_key and query_key.strip().startswith((ADMIN_PREFIX, SESSION_PREFIX)):
        # a URL ends up in logs, histories and Referer headers: no secret key belongs there
        raise UnauthenticatedError(
            "?key= takes a publishable key only; send an admin key as 'Authorization: Bearer'"
        )
    if not raw:
        raise UnauthenticatedError("an API key is required")
    if len(raw) > 200:
        raise UnauthenticatedError("unknown API key")
    for prefix, role in (
        (ADMIN_PREFIX, "admin"),
        (PUB_PREFIX, "public"),
        (SESSION_PREFIX, "session"),
    ):
        if raw.startswith(prefix):
            parts = raw[len(prefix) :].split("_", 2)
            if len(parts) == 3 and _ID.match(parts[0]) and parts[1] and parts[2]:
                return ParsedKey(role, parts[0], parts[1], raw)  # type: ignore[arg-type]
    raise UnauthenticatedError("unknown API key")


def user_token_secret(signing_secret: bytes, tenant: str, app: str, salt: str) -> str:
    digest = hmac.new(
        signing_secret, f"user-token|{tenant}|{app}|{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify_user_token(token: str, secret: str) -> Person:
    """Signature, algorithm (HS256 only) and expiry; ``sub`` is required."""
    import jwt  # imported here: only calls that carry a user token pay for it

    if len(token) > 4096:
        raise UnauthenticatedError("invalid user token")
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], leeway=30, options={"require": ["sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise UnauthenticatedError("the user token has expired") from None
    except jwt.PyJWTError:
        raise UnauthenticatedError("invalid user token") from None
    sub, name, email = claims.get("sub"), claims.get("name"), claims.get("email")
    if not isinstance(sub, str) or not _USER_ID.match(sub):
        raise UnauthenticatedError("invalid user token: sub must be 1 to 128 characters")
    if is_service_id(sub):
        raise UnauthenticatedError(
            "invalid user token: sub 'team', 'deleted', 'admin.…' and 'anon-…' are reserved"
        )
    return Person(
        id=sub,
        name=_display_name(name),
        # only ever used to send this user email: a claim that is not one plain address is
        # ignored rather than refused, so a typo in a profile never locks the user out
        email=email if is_plain_address(email) else None,
    )


def _display_name(value: object) -> str | None:
    """A name claim or header as shown beside the user's words: at most 120 characters, and
    none at all if it carries control characters (line breaks have no place in a name)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return None
    return value.strip()[:120]


def acting_user(user_id: str | None, name: str | None, email: str | None) -> Person | None:
    """The ``X-User-*`` headers an admin key may send to act for one of its users."""
    if user_id is None:
        return None
    if not _USER_ID.match(user_id):
        raise BadRequestError("X-User-Id must be 1 to 128 printable characters")
    if is_service_id(user_id):
        raise BadRequestError("X-User-Id 'team', 'deleted', 'admin.…' and 'anon-…' are reserved")
    if email and not is_plain_address(email):
        raise BadRequestError("X-User-Email must be one plain address, like ada@example.com")
    return Person(id=user_id, name=_display_name(name), email=email or None)


def anonymous_id(
    signing_secret: bytes, tenant: str, app: str, client_ip: str, browser: str | None = None
) -> str:
    """A stable pseudonym for an anonymous visitor, no IP or browser id stored: per browser
    when it sends its random id (X-Anonymous-Id), else per client address. Either way it is
    an HMAC the server makes, so every anonymous id stays in the ``anon-`` namespace."""
    who = f"browser|{browser}" if browser else client_ip
    digest = hmac.new(
        signing_secret, f"anon|{tenant}|{app}|{who}".encode(), hashlib.sha256
    ).hexdigest()
    return f"anon-{digest[:20]}"


def check_app_access(caller: Caller, app_id: str) -> None:
    """A publishable key reaches its own app only; any other id does not exist for it."""
    if caller.role == "public" and (caller.app is None or caller.app.id != app_id):
        raise NotFoundError("no such app")
