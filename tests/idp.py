"""A small OpenID provider on 127.0.0.1 for the tests: discovery, JWKS, an authorization
endpoint that signs the chosen person in at once, a token endpoint that checks PKCE, and
RS256 ID tokens that a test can spoil."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.services.oidc import challenge_of

__all__ = ["CLIENT_ID", "Provider", "new_key"]

CLIENT_ID = "featureboard-console"


def new_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """An OpenID provider: what it signs can be spoiled with ``spoil`` (claims) or
    ``mangle`` (the finished token)."""

    def __init__(self) -> None:
        self.key = new_key()
        self.codes: dict[str, dict[str, str]] = {}
        self.spoil: dict[str, Any] = {}
        self.mangle: Callable[[str], str] = lambda token: token
        self.signer = self.key
        self.next_email = ""  # who signs in at /authorize, the browser's way in
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
                elif self.path.startswith("/authorize?"):
                    state, code = owner.authorize(owner.issuer + self.path, owner.next_email)
                    back = parse_qs(urlsplit(self.path).query)["redirect_uri"][0]
                    self.send_response(302)
                    self.send_header(
                        "Location", f"{back}?{urlencode({'code': code, 'state': state})}"
                    )
                    self.end_headers()
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
                    or challenge_of(form.get("code_verifier", "")) != grant["challenge"]
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
