"""GitHub round trip against a fake GitHub on 127.0.0.1: the team opens an issue from a request,
sees the link, and the repository's signed ``issues`` webhook closing it completes the request."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.helpers import Api, Tenant

SECRET = "gh-webhook-secret-0123456789"
TOKEN = "ghp_fake_token"


class FakeGitHub:
    """GitHub's ``POST /repos/{owner}/{repo}/issues``: keeps what it got, numbers the issues."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(401)
                    self.end_headers()
                    return
                repo = self.path.removeprefix("/repos/").removesuffix("/issues")
                number = len(owner.received) + 41
                answer = json.dumps({"number": number, "state": "open", "html_url": f"https://github.example/{repo}/issues/{number}"}).encode()  # fmt: skip
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def github(settings_env: Any) -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    settings_env(GITHUB_API_URL=fake.url)
    yield fake
    fake.server.shutdown()


def deliver(api: Api, target: str, payload: dict[str, Any], secret: str = SECRET, event: str = "issues") -> Any:  # fmt: skip
    """What GitHub's webhook sender does: the raw body signed with the shared secret."""
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return api.post(
        f"/v1/integrations/github/webhook?app={target}",
        raw=raw,
        headers={"Content-Type": "application/json", "X-GitHub-Event": event, "X-Hub-Signature-256": signature},
    )  # fmt: skip


def issue_event(action: str, repo: str, number: int) -> dict[str, Any]:
    return {"action": action, "issue": {"number": number, "state": "closed"}, "repository": {"full_name": repo}}  # fmt: skip


def test_open_an_issue_and_close_the_loop(api: Api, tenant: Tenant, github: FakeGitHub) -> None:
    rid = tenant.create("Export to PDF", description="For the board meeting.")["id"]
    link_path = tenant.path(f"/requests/{rid}/links")
    body = {"provider": "github", "repo": "acme/app"}
    unset = api.post(link_path, key=tenant.admin_key, body=body)
    assert unset.status == 409 and unset.code == "conflict"
    r = api.patch(tenant.path(), key=tenant.admin_key, body={"integrations": {"github": {"token": TOKEN, "webhookSecret": SECRET}}})  # fmt: skip
    assert r.status == 200 and r.body["integrations"] == {"github": {"configured": True}}
    assert TOKEN not in json.dumps(r.body) and SECRET not in json.dumps(r.body)  # write-only

    made = api.post(link_path, key=tenant.admin_key, body=body)
    assert made.status == 201, made.body
    assert made.body == {"provider": "github", "repo": "acme/app", "number": 42, "state": "open", "url": "https://github.example/acme/app/issues/42"}  # fmt: skip
    (sent,) = github.received
    assert sent["path"] == "/repos/acme/app/issues"
    assert (
        sent["body"]["title"] == "Export to PDF"
        and "For the board meeting." in sent["body"]["body"]
    )
    assert sent["headers"]["Accept"] == "application/vnd.github+json"
    assert api.get(link_path, key=tenant.pub_key).status == 403  # the team only
    assert "links" not in api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body

    target = f"{tenant.id}/web"
    forged = deliver(
        api, target, issue_event("closed", "acme/app", 42), secret="not-the-secret-at-all"
    )
    assert forged.status == 401 and forged.code == "unauthenticated"
    unsigned = api.post(f"/v1/integrations/github/webhook?app={target}", raw=b"{}", headers={"Content-Type": "application/json", "X-GitHub-Event": "issues"})  # fmt: skip
    assert unsigned.status == 401
    assert deliver(api, "nobody-here/web", issue_event("closed", "acme/app", 42)).status == 404
    assert deliver(api, target, {"zen": "hi"}, event="ping").body == {"handled": False}
    assert deliver(api, target, {"action": "closed"}).status == 400
    assert deliver(api, target, issue_event("closed", "acme/other", 42)).body == {"handled": False}
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["status"] == "open"

    closed = deliver(api, target, issue_event("closed", "acme/app", 42))
    assert closed.status == 200 and closed.body == {"handled": True}
    assert (
        api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["status"] == "completed"
    )
    (link,) = api.get(link_path, key=tenant.admin_key).body["items"]
    assert link["state"] == "closed"
    shown = api.get(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).body["links"]
    assert shown == [link]  # on the request, for the team
    assert deliver(api, target, issue_event("reopened", "acme/app", 42)).body == {"handled": False}
    assert api.get(link_path, key=tenant.admin_key).body["items"][0]["state"] == "open"


def test_bad_links_and_other_tenants(api: Api, tenant: Tenant, other: Tenant, github: FakeGitHub) -> None:  # fmt: skip
    rid = tenant.create("Linked elsewhere")["id"]
    api.patch(tenant.path(), key=tenant.admin_key, body={"integrations": {"github": {"token": "wrong", "webhookSecret": SECRET}}})  # fmt: skip
    path = tenant.path(f"/requests/{rid}/links")
    for bad in ({"provider": "jira", "repo": "a/b"}, {"provider": "github", "repo": "no-slash"}, {"provider": "github"}):  # fmt: skip
        r = api.post(path, key=tenant.admin_key, body=bad)
        assert r.status == 400 and r.code == "validation_error", r.body
    refused = api.post(path, key=tenant.admin_key, body={"provider": "github", "repo": "a/b"})
    assert refused.status == 409 and "(401)" in refused.body["error"]["message"]
    assert api.post(other.path(f"/requests/{rid}/links"), key=other.admin_key, body={"provider": "github", "repo": "a/b"}).status == 404  # fmt: skip
    short = api.patch(tenant.path(), key=tenant.admin_key, body={"integrations": {"github": {"token": "t", "webhookSecret": "short"}}})  # fmt: skip
    assert short.status == 400
    removed = api.patch(
        tenant.path(), key=tenant.admin_key, body={"integrations": {"github": None}}
    )
    assert removed.status == 200 and removed.body["integrations"] == {}
