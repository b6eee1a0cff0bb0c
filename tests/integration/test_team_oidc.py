"""Sign-in with the team's identity provider (OIDC, code + PKCE), against a small provider
this test starts on 127.0.0.1: discovery, JWKS, a token endpoint that checks PKCE, RS256 ID
tokens; each wrong one is refused."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.services import oidc
from tests.helpers import Api, Tenant, unique
from tests.idp import CLIENT_ID, Provider, new_key
from tests.team import invite

REDIRECT = "http://127.0.0.1:9/admin/"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    found = Provider()
    yield found
    found.server.shutdown()


@pytest.fixture
def idp(provider: Provider, tenant: Tenant, ctx: Any) -> Provider:
    provider.spoil, provider.mangle, provider.signer = {}, lambda token: token, provider.key
    oidc.configure(ctx, tenant.id, provider.issuer, CLIENT_ID, [REDIRECT])
    return provider


def _begin(api: Api, tenant: Tenant, idp: Provider, email: str) -> dict[str, str]:
    verifier = secrets.token_urlsafe(48)
    started = api.post(
        "/v1/session/oidc/start",
        body={
            "tenant": tenant.id,
            "redirectUri": REDIRECT,
            "codeChallenge": oidc.challenge_of(verifier),
        },
    )
    assert started.status == 200, started.body
    state, code = idp.authorize(started.body["authorizationUrl"], email)
    return {"state": state, "code": code, "codeVerifier": verifier}


def test_a_member_signs_in_with_the_identity_provider(
    api: Api, tenant: Tenant, idp: Provider
) -> None:
    member = invite(api, tenant, "moderator")
    done = api.post("/v1/session/oidc/finish", body=_begin(api, tenant, idp, member.email))
    assert done.status == 200, done.body
    assert done.body["member"]["email"] == member.email
    me = api.get("/v1/session", key=done.body["sessionToken"]).body
    assert me["role"] == "moderator"


def _swap_payload(token: str) -> str:
    """The same signature over other claims: another person's email."""
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["email"] = "owner@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{signature}"


BAD_TOKENS: dict[str, dict[str, Any]] = {
    "wrong issuer": {"spoil": {"iss": "http://127.0.0.1:1"}},
    "wrong audience": {"spoil": {"aud": "someone-else"}},
    "wrong nonce": {"spoil": {"nonce": "replayed"}},
    "expired": {"spoil": {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}},
    "unverified email": {"spoil": {"email_verified": False}},
    "tampered": {"mangle": _swap_payload},
    "signed by another key": {"signer": "other"},
    "no signature": {"mangle": lambda t: t.rsplit(".", 1)[0] + "."},
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_id_tokens_are_refused(api: Api, tenant: Tenant, idp: Provider, case: str) -> None:
    member = invite(api, tenant, "owner")
    setup = BAD_TOKENS[case]
    idp.spoil = setup.get("spoil", {})
    idp.mangle = setup.get("mangle", idp.mangle)
    idp.signer = new_key() if setup.get("signer") else idp.key
    r = api.post("/v1/session/oidc/finish", body=_begin(api, tenant, idp, member.email))
    assert (r.status, r.code) == (401, "unauthenticated"), (case, r.body)
    assert r.body["error"]["message"] == oidc.FAILED and "sessionToken" not in str(r.body)


def test_a_flow_is_single_use_bound_to_its_verifier_and_tenant(
    api: Api, tenant: Tenant, other: Tenant, idp: Provider
) -> None:
    member = invite(api, tenant, "admin")
    stolen = _begin(api, tenant, idp, member.email)
    wrong = {**stolen, "codeVerifier": secrets.token_urlsafe(48)}
    assert api.post("/v1/session/oidc/finish", body=wrong).status == 401
    again = api.post("/v1/session/oidc/finish", body=stolen)
    assert again.status == 401, "a failed finish uses the state up"

    flow = _begin(api, tenant, idp, member.email)
    moved = {**flow, "state": flow["state"].replace(f"{tenant.id}.", f"{other.id}.", 1)}
    assert api.post("/v1/session/oidc/finish", body=moved).status == 401
    assert api.post("/v1/session/oidc/finish", body=flow).status == 200
    assert api.post("/v1/session/oidc/finish", body=flow).status == 401, "used once"

    stranger = _begin(api, tenant, idp, f"stranger-{unique()}@example.com")
    r = api.post("/v1/session/oidc/finish", body=stranger)
    assert (r.status, r.body["error"]["message"]) == (401, oidc.FAILED)


def test_start_checks_the_redirect_and_the_tenant(
    api: Api, tenant: Tenant, other: Tenant, idp: Provider
) -> None:
    challenge = oidc.challenge_of(secrets.token_urlsafe(48))
    body = {"tenant": tenant.id, "redirectUri": "https://evil.example/", "codeChallenge": challenge}
    r = api.post("/v1/session/oidc/start", body=body)
    assert (r.status, r.code) == (400, "validation_error")
    r = api.post(
        "/v1/session/oidc/start", body={**body, "tenant": other.id, "redirectUri": REDIRECT}
    )
    assert (r.status, r.code) == (404, "not_found")
    r = api.post("/v1/session/oidc/start", body={**body, "codeChallenge": "short"})
    assert (r.status, r.code) == (400, "validation_error")
