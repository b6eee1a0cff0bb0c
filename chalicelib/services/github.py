"""GitHub: open an issue from a request (REST API, the app's token), show it to the team, and
close the loop from the repository's ``issues`` webhook, verified with X-Hub-Signature-256."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from ..auth import Caller
from ..context import Context
from ..errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnauthenticatedError,
    UpstreamError,
)
from ..models import LinkCreate
from ..records import App
from ..store.links import ref_of
from .requests import complete, fetch

__all__ = ["create_link", "links", "webhook", "signature_ok"]

TIMEOUT_S = 10
GITHUB_ACTOR = "github"  # who closed the loop, as events show it


def _github(app: App) -> dict[str, str]:
    found = app.integrations.get("github")
    if not found:
        raise ConflictError("set integrations.github (token, webhookSecret) on the app first")
    return found


def _open_issue(ctx: Context, token: str, repo: str, title: str, body: str) -> dict[str, Any]:
    owner, name = repo.split("/")
    url = f"{ctx.settings.github_api_url.rstrip('/')}/repos/{quote(owner)}/{quote(name)}/issues"
    sent = urllib.request.Request(
        url,
        data=json.dumps({"title": title, "body": body}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
            "User-Agent": "Featureboard",
        },
    )
    try:
        with urllib.request.urlopen(sent, timeout=TIMEOUT_S) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500:  # the token or the repository: the team's to fix
            raise ConflictError(
                f"GitHub refused to open an issue in {repo} ({exc.code}): check the token"
                " and that the repository exists"
            ) from None
        raise UpstreamError(f"GitHub answered {exc.code}; try again") from None
    except (OSError, ValueError):
        raise UpstreamError("GitHub did not answer; try again") from None


def create_link(
    ctx: Context, caller: Caller, app: App, request_id: str, body: LinkCreate
) -> dict[str, Any]:
    """Open an issue for the request in ``body.repo`` and link it (team only)."""
    caller.require_admin()
    req = fetch(ctx, app, request_id)
    github = _github(app)
    page = f"{ctx.settings.board_url}#/r/{quote(req.id)}" if ctx.settings.board_url else ""
    text = "\n\n".join(p for p in (req.description, f"{req.votes} votes", page) if p)
    issue = _open_issue(ctx, github["token"], body.repo, req.title, text)
    try:
        link = {
            "provider": "github",
            "repo": body.repo,
            "url": str(issue["html_url"]),
            "number": int(issue["number"]),
            "state": "closed" if issue.get("state") == "closed" else "open",
        }
    except (KeyError, TypeError, ValueError):
        raise UpstreamError("GitHub's answer had no issue number or address") from None
    ctx.store.add_link(req, link)
    return link


def links(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    caller.require_admin()
    return {"items": ctx.store.links_of(fetch(ctx, app, request_id))}


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """GitHub's ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``, compared
    in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256="), expected)


def webhook(
    ctx: Context, target: str, event: str | None, signature: str | None, body: bytes
) -> dict[str, Any]:
    """An ``issues`` event for an app (``<tenant>/<appId>``): a closed issue moves its linked
    request to the done status; a reopened one only shows as open again."""
    tenant, app_id = target.split("/")
    app = ctx.store.get_app(tenant, app_id)
    github = app.integrations.get("github") if app else None
    if not github:
        raise NotFoundError("no such app with a GitHub integration")
    if not signature_ok(github["webhookSecret"], body, signature):
        raise UnauthenticatedError("X-Hub-Signature-256 does not match the webhook secret")
    if event != "issues":
        return {"handled": False}  # ping and the rest: nothing to do
    try:
        payload = json.loads(body)
        action = payload["action"]
        ref = ref_of("github", payload["repository"]["full_name"], int(payload["issue"]["number"]))
    except (KeyError, TypeError, ValueError):
        raise BadRequestError("not an issues event GitHub sends") from None
    request_id = ctx.store.linked_request(tenant, app_id, ref)
    if request_id is None or action not in ("closed", "reopened"):
        return {"handled": False}
    state = "closed" if action == "closed" else "open"
    ctx.store.set_link_state(tenant, app_id, request_id, ref, state)
    return {"handled": state == "closed" and complete(ctx, app, request_id, GITHUB_ACTOR)}
