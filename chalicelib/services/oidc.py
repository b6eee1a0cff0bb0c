"""Sign-in with the team's identity provider: OpenID Connect, authorization code + PKCE.

The console makes the PKCE verifier and keeps it; ``start`` stores only its S256 challenge
with a random ``state`` (hashed) and ``nonce`` for 10 minutes, and answers the provider's
authorization URL. ``finish`` takes the state once, checks the verifier against the
challenge (so a code and state stolen or planted from another browser are worthless),
trades the code at the provider's token endpoint, and accepts the ID token only if it is
RS256-signed by a key of the provider's JWKS, from the configured issuer, for our client id,
unexpired and carrying our nonce. Its email must be a member's: the member signs in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import urllib.parse
import urllib.request
from functools import lru_cache
from typing import Any

from .. import logs
from ..auth import hash_key
from ..context import Context
from ..errors import NotFoundError, UnauthenticatedError, ValidationFailedError
from ..models import OidcFinish, OidcStart
from .team import open_session

__all__ = ["configure", "start", "finish", "challenge_of"]

FLOW_TTL_MS = 10 * 60_000
FAILED = "the sign-in with your identity provider did not succeed: try again"
_STATE = re.compile(r"^([a-z0-9-]{2,40})\.[A-Za-z0-9_-]{40,60}$")
_TIMEOUT_S = 5


def challenge_of(verifier: str) -> str:
    """PKCE S256: the unpadded base64url SHA-256 of the verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _check_url(url: str, stage: str, field: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    plain_ok = stage == "local"
    if parsed.scheme != "https" and not (plain_ok and parsed.scheme == "http"):
        raise ValidationFailedError.for_field(field, "must be an https URL")
    if not parsed.netloc:
        raise ValidationFailedError.for_field(field, "must be an absolute URL")
    return url


def configure(
    ctx: Context, tenant: str, issuer: str, client_id: str, redirect_uris: list[str]
) -> dict[str, Any]:
    """The operator sets (or, with no issuer, removes) the tenant's identity provider."""
    if ctx.store.get_tenant(tenant) is None:
        raise NotFoundError(f"no tenant {tenant!r}")
    if not issuer:
        ctx.store.set_oidc(tenant, None)
        return {"tenant": tenant, "oidc": None}
    if not client_id or not redirect_uris:
        raise ValidationFailedError.for_field(
            "clientId", "a client id and a redirect URI are needed"
        )
    stage = ctx.settings.stage
    config = {
        "issuer": _check_url(issuer.rstrip("/"), stage, "issuer"),
        "clientId": client_id,
        "redirectUris": [_check_url(u, stage, "redirectUri") for u in redirect_uris],
    }
    ctx.store.set_oidc(tenant, config)
    return {"tenant": tenant, "oidc": config}


@lru_cache(maxsize=32)
def _discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (once per process); its issuer must be ours."""
    url = f"{issuer}/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer:
        found = json.load(answer)
    if found.get("issuer", "").rstrip("/") != issuer:
        raise ValueError("the discovery document names another issuer")
    return found


@lru_cache(maxsize=32)
def _keys(jwks_uri: str) -> Any:
    import jwt

    return jwt.PyJWKClient(jwks_uri, cache_keys=True, timeout=_TIMEOUT_S)


def _config(ctx: Context, tenant: str) -> dict[str, Any]:
    config = ctx.store.get_oidc(tenant)
    if not config:
        raise NotFoundError("this tenant signs in by email link only")
    return config


def start(ctx: Context, body: OidcStart) -> dict[str, str]:
    """``POST /v1/session/oidc/start``: where to send the browser."""
    config = _config(ctx, body.tenant)
    if body.redirectUri not in config["redirectUris"]:
        raise ValidationFailedError.for_field("redirectUri", "is not one of the team's")
    try:
        endpoint = _discovery(config["issuer"])["authorization_endpoint"]
    except Exception as exc:
        logs.logger().warning("identity provider unreachable", extra={"error": repr(exc)})
        raise UnauthenticatedError(FAILED) from None
    state = f"{body.tenant}.{secrets.token_urlsafe(32)}"
    nonce = secrets.token_urlsafe(24)
    flow = {
        "nonce": nonce,
        "challenge": body.codeChallenge,
        "redirectUri": body.redirectUri,
        "expiresMs": ctx.clock() + FLOW_TTL_MS,
    }
    ctx.store.put_oidc_flow(body.tenant, hash_key(state), flow)
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config["clientId"],
            "redirect_uri": body.redirectUri,
            "scope": "openid email",
            "state": state,
            "nonce": nonce,
            "code_challenge": body.codeChallenge,
            "code_challenge_method": "S256",
        }
    )
    return {"authorizationUrl": f"{endpoint}?{query}"}


def finish(ctx: Context, body: OidcFinish) -> dict[str, Any]:
    """``POST /v1/session/oidc/finish``: the provider's code for a session; every failure
    is the same 401 (the reason goes to the log)."""
    found = _STATE.match(body.state)
    if not found:
        raise UnauthenticatedError(FAILED)
    tenant = found.group(1)
    flow = ctx.store.take_oidc_flow(tenant, hash_key(body.state))
    try:
        if flow is None or flow["expiresMs"] <= ctx.clock():
            raise ValueError("no such sign-in under way, or it expired")
        if not secrets.compare_digest(challenge_of(body.codeVerifier), flow["challenge"]):
            raise ValueError("the PKCE verifier does not match")
        config = _config(ctx, tenant)
        email = _email_of(_id_token(config, body.code, body.codeVerifier, flow), config, flow)
    except (ValueError, KeyError, OSError, NotFoundError) as exc:
        logs.logger().warning("OIDC sign-in refused", extra={"tenant": tenant, "error": str(exc)})
        raise UnauthenticatedError(FAILED) from None
    member = ctx.store.find_member(tenant, email)
    if member is None:
        logs.logger().warning("OIDC sign-in of a non-member", extra={"tenant": tenant})
        raise UnauthenticatedError(FAILED)
    return open_session(ctx, member)


def _id_token(config: dict[str, Any], code: str, verifier: str, flow: dict[str, Any]) -> str:
    """Trade the code (with the PKCE verifier) at the token endpoint."""
    endpoint = _discovery(config["issuer"])["token_endpoint"]
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": flow["redirectUri"],
            "client_id": config["clientId"],
            "code_verifier": verifier,
        }
    ).encode()
    request = urllib.request.Request(
        endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:
        token = json.load(answer).get("id_token")
    if not isinstance(token, str):
        raise ValueError("the token endpoint sent no ID token")
    return token


def _email_of(token: str, config: dict[str, Any], flow: dict[str, Any]) -> str:
    """The verified email of a valid ID token."""
    import jwt

    try:
        key = _keys(_discovery(config["issuer"])["jwks_uri"]).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=config["clientId"],
            issuer=config["issuer"],
            leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise ValueError(f"ID token refused: {type(exc).__name__}") from None
    if not secrets.compare_digest(str(claims.get("nonce", "")), flow["nonce"]):
        raise ValueError("ID token refused: another nonce")
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        raise ValueError("ID token refused: no verified email")
    return email
