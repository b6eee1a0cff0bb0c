"""Test helpers: one API client for chalice's Client and real HTTP, tenants, a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

__all__ = [
    "Api",
    "Reply",
    "Tenant",
    "Receiver",
    "user_token",
    "unique",
    "ENVELOPE_KEYS",
    "LAMBDA_ROLE",
    "lambda_function",
    "within",
]

ENVELOPE_KEYS = {"error", "requestId"}


def unique(prefix: str = "t") -> str:
    """A tenant or app id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def user_token(
    secret: str,
    sub: str,
    name: str | None = None,
    email: str | None = None,
    expires_in: int = 600,
    algorithm: str = "HS256",
) -> str:
    claims: dict[str, Any] = {"sub": sub, "exp": int(time.time()) + expires_in}
    if name:
        claims["name"] = name
    if email:
        claims["email"] = email
    return jwt.encode(claims, secret, algorithm=algorithm)


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> str | None:
        return (
            self.body["error"]["code"]
            if isinstance(self.body, dict) and "error" in self.body
            else None
        )


class Api:
    """``send`` goes through chalice's test client or through real HTTP, same interface."""

    def __init__(self, *, chalice_client: Any = None, base_url: str | None = None) -> None:
        self._client = chalice_client
        self._base = base_url
        if base_url:
            import requests

            self._session = requests.Session()

    def send(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if key is not None:
            sent.setdefault("Authorization", f"Bearer {key}")
        if token is not None:
            sent["X-User-Token"] = token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        if self._client is not None:
            r = self._client.http.request(method, path, headers=sent, body=data or b"")
            text, status, out_headers = r.body, r.status_code, dict(r.headers)
        else:
            r = self._session.request(
                method, self._base + path, headers=sent, data=data, timeout=60
            )
            text, status, out_headers = r.content, r.status_code, dict(r.headers)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text.decode() if isinstance(text, bytes) else text
        return Reply(status, parsed, {k.lower(): v for k, v in out_headers.items()})

    def get(self, path: str, **kw: Any) -> Reply:
        return self.send("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.send("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Reply:
        return self.send("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Reply:
        return self.send("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.send("DELETE", path, **kw)


@dataclass
class Tenant:
    """A tenant made for one test, with an app whose keys we hold."""

    api: Api
    id: str
    admin_key: str
    app_id: str = "web"
    pub_key: str = ""
    user_secret: str = ""
    apps: dict[str, dict[str, str]] = field(default_factory=dict)

    def make_app(self, app_id: str, **settings: Any) -> dict[str, str]:
        r = self.api.post(
            "/v1/apps", key=self.admin_key, body={"id": app_id, "name": app_id.title(), **settings}
        )
        assert r.status == 201, r.body
        self.apps[app_id] = {"pub": r.body["publishableKey"], "secret": r.body["userTokenSecret"]}
        return self.apps[app_id]

    def token(self, sub: str, app_id: str | None = None, **claims: Any) -> str:
        secret = self.apps[app_id or self.app_id]["secret"]
        return user_token(secret, sub, **claims)

    def path(self, rest: str = "", app_id: str | None = None) -> str:
        return f"/v1/apps/{app_id or self.app_id}{rest}"

    def create(self, title: str, as_user: str = "u-1", **fields: Any) -> dict[str, Any]:
        r = self.api.post(
            self.path("/requests"),
            key=self.pub_key,
            token=self.token(as_user),
            body={"title": title, **fields},
        )
        assert r.status == 201, r.body
        return r.body


def make_tenant(tenant_id: str) -> str:
    """A tenant made through the operator's use case (as the CLI does); its admin key."""
    from chalicelib.context import get_context
    from chalicelib.services import tenants

    return tenants.create_tenant(get_context(), tenant_id)["adminKey"]


def new_tenant(api: Api, allow_anonymous: bool = False) -> Tenant:
    """A fresh tenant with an app ``web`` whose keys the test holds."""
    tenant_id = unique()
    t = Tenant(api, tenant_id, make_tenant(tenant_id))
    keys = t.make_app("web", allowAnonymous=allow_anonymous)
    t.pub_key, t.user_secret = keys["pub"], keys["secret"]
    return t


class Receiver:
    """An HTTP server that answers from a script of status codes and keeps what it got."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.script: list[int] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append({"headers": dict(self.headers), "body": body})
                status = owner.script.pop(0) if owner.script else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [
            json.loads(r["body"]) for r in self.received if json.loads(r["body"])["type"] == kind
        ]


# ---------------------------------------------------------------- CloudFormation parts


def lambda_function(role: str, variables: dict[str, str] | None = None) -> dict[str, Any]:
    """A CloudFormation Lambda function that does nothing, for a stack the tests make."""
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.11",
            "Handler": "app.app",
            "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Code": {"ZipFile": "def app(event, context):\n    return {}\n"},
            "Environment": {"Variables": variables or {}},
        },
    }


LAMBDA_ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    },
}


def within(ours: Any, documented: Any, where: str = "$") -> None:
    """Every key we send is one the documented example has, holding the same kind of value;
    a list item is matched with the documented item of the same ``type``, if it has one."""
    if isinstance(documented, dict):
        assert isinstance(ours, dict), where
        for key, value in ours.items():
            assert key in documented, f"{where}.{key} is not in the documented example"
            within(value, documented[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(ours, list), where
        for n, item in enumerate(ours):
            kinds = [d for d in documented if isinstance(d, dict) and d.get("type") == (item or {}).get("type")] if isinstance(item, dict) else documented  # fmt: skip
            assert kinds, f"{where}[{n}] has a type the example does not show"
            within(item, kinds[0], f"{where}[{n}]")
    else:
        assert type(ours) is type(documented), f"{where}: {ours!r} vs {documented!r}"
