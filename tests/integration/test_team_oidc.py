"""Sign-in with the team's identity provider (OIDC, code + PKCE), against a small provider
this test starts on 127.0.0.1: discovery, JWKS, a token endpoint that checks PKCE, RS256 ID
tokens; each wrong one is refused."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.services import oidc
from tests.helpers import Api, Tenant, unique
from tests.team import invite

CLIENT_ID = "featureboard-console"
REDIRECT = "http://127.0.0.1:9/admin/"


def _rsa() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """An OpenID provider: what it signs can be spoiled with ``spoil`` (claims) or
    ``mangle`` (the finished token)."""

    def __init__(self) -> None:
        self.key = _rsa()
        self.codes: dict[str, dict[str, str]] = {}
        self.spoil: dict[str, Any] = {}
        self.mangle: Callable[[str], str] = lambda token: token
        self.signer = self.key
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": owner.issuer,
                            "authorization_endpoint": f"{owner.issuer}/authorize",
                            "token_endpoint": f"{owner.issuer}/token",
                            "jwks_uri": f"{owner.issuer}/jwks",
                        }
                    )
                elif self.path == "/jwks":
                    public = jwt.algorithms.RSAAlgorithm.to_jwk(
                        owner.key.public_key(), as_dict=True
                    )
                    self._json({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                else:
                    self._json({}, 404)

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = owner.codes.pop(form.get("code", ""), None)
                if (
                    grant is None
                    or oidc.challenge_of(form.get("code_verifier", "")) != grant["challenge"]
                    or form.get("redirect_uri") != grant["redirect"]
                    or form.get("client_id") != CLIENT_ID
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                self._json({"id_token": owner.id_token(grant), "token_type": "Bearer"})

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def authorize(self, url: str, email: str) -> tuple[str, str]:
        """What the provider does when the person signs in: a code for the request."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert url.startswith(f"{self.issuer}/authorize?")
        assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query["code_challenge"],
            "nonce": query["nonce"],
            "redirect": query["redirect_uri"],
            "email": email,
        }
        return query["state"], code

    def id_token(self, grant: dict[str, str]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": f"idp-{grant['email']}",
            "email": grant["email"],
            "email_verified": True,
            "nonce": grant["nonce"],
            "iat": now,
            "exp": now + 300,
            **self.spoil,
        }
        pem = self.signer.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return self.mangle(jwt.encode(claims, pem, algorithm="RS256", headers={"kid": "k1"}))


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
    idp.signer = _rsa() if setup.get("signer") else idp.key
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
