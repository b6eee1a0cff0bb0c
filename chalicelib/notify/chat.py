"""An event as a chat message: the body Slack, Discord or Microsoft Teams expects from an
incoming webhook. Delivery, retries and the delivery log are the signed webhooks' own
(``webhooks.deliver``); only the body and its headers differ.

Documented formats (recorded examples in tests/data/chat/):
- Slack, "Sending messages using incoming webhooks" (docs.slack.dev): ``text`` (the
  notification's fallback) and Block Kit ``blocks``; ``&``, ``<`` and ``>`` in user text are
  escaped, so a title cannot ping ``<!channel>`` or forge a link.
- Discord, "Execute Webhook" (discord.com/developers/docs/resources/webhook): ``username``,
  ``embeds`` (title ≤ 256, description ≤ 4096, ≤ 25 fields) and ``allowed_mentions`` with no
  parse, so ``@everyone`` in a title pings nobody.
- Microsoft Teams, "Create an Incoming Webhook" / Workflows (learn.microsoft.com): a
  ``message`` with one Adaptive Card attachment (schema 1.4: TextBlock, FactSet,
  Action.OpenUrl).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

__all__ = ["FORMATS", "CHAT_FORMATS", "Message", "message_of", "body_of", "TEST_EVENT"]

FORMATS = ("json", "slack", "discord", "teams")
CHAT_FORMATS = FORMATS[1:]
TEST_EVENT = "webhook.test"
NAME = "Featureboard"
COLORS = {
    "request": 0x2563EB,
    "vote": 0x16A34A,
    "comment": 0x9333EA,
    "feedback": 0xEA580C,
    "changelog": 0x0D9488,
}


@dataclass(frozen=True)
class Message:
    """What every chat format says about one event, before its own markup."""

    title: str
    text: str
    context: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    link: str | None = None
    color: int = 0x64748B


def _short(text: Any, limit: int) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _who(person: dict[str, Any] | None) -> str:
    person = person or {}
    return str(person.get("name") or person.get("id") or "someone")


def message_of(event: dict[str, Any], board_url: str = "") -> Message:
    """The words for an event envelope (``{"id", "type", "createdAt", "appId", "data"}``)."""
    kind, data = event["type"], event.get("data") or {}
    req = data.get("request") or {}
    request_id = req.get("id") or data.get("requestId")
    link = f"{board_url}#/r/{quote(str(request_id))}" if board_url and request_id else None
    context = f"{kind} · {event.get('appId', '')} · {event.get('createdAt', '')}"
    color = COLORS.get(kind.split(".")[0], 0x64748B)
    title = _short(req.get("title"), 200)
    note = "Internal note" if data.get("internal") else "Comment"
    facts = [("Status", str(req.get("status")))] if req else []
    if req:
        facts.append(("Votes", str(req.get("votes", 0))))
        if req.get("tags"):
            facts.append(("Tags", ", ".join(req["tags"])))
    said = {
        "request.created": (f"New request: {title}", _short(req.get("description"), 500)),
        "request.updated": (
            f"Request edited: {title}",
            "Changed: " + ", ".join(data.get("changed") or []),
        ),
        "request.status_changed": (
            f"{title}: {data.get('from')} → {data.get('to')}",
            _short(req.get("response"), 500),
        ),
        "request.merged": (
            f"Merged: {title}",
            f"Merged into request {data['into']}"
            if data.get("into")
            else "Merged into another request",
        ),
        "request.deleted": (f"Request deleted: {title}", ""),
        "vote.created": (f"New vote by {_who(data.get('user'))}", f"On request {request_id}"),
        "vote.deleted": (f"Vote removed by {_who(data.get('user'))}", f"On request {request_id}"),
        "comment.created": (
            f"New {note.lower()} by {_who((data.get('comment') or {}).get('author'))}",
            _short((data.get("comment") or {}).get("body"), 500),
        ),
        "comment.updated": (
            f"{note} edited by {_who((data.get('comment') or {}).get('author'))}",
            _short((data.get("comment") or {}).get("body"), 500),
        ),
        "comment.deleted": ("Comment deleted", f"On request {request_id}"),
        "request.approved": ("Request approved", f"Request {request_id} is public now"),
        "request.rejected": ("Request rejected", f"Request {request_id} was removed"),
        "comment.approved": ("Comment approved", f"On request {request_id}"),
        "comment.rejected": ("Comment rejected", f"On request {request_id}"),
        "app.updated": (
            f"App settings changed: {_short((data.get('app') or {}).get('name'), 200)}",
            "Changed: " + ", ".join(data.get("changed") or []),
        ),
        TEST_EVENT: (
            f"Test message from {NAME}",
            f"Webhooks of app {event.get('appId', '')} reach this channel.",
        ),
    }
    if kind == "feedback.created":
        fb = data.get("feedback") or {}
        stars = f" ({fb['rating']}★)" if fb.get("rating") else ""
        return Message(
            f"New feedback{stars}", _short(fb.get("message"), 500), context, [], None, color
        )
    if kind == "changelog.published":
        entry = data.get("entry") or {}
        shipped = len(entry.get("requestIds") or [])
        url = f"{board_url}#/changelog/{quote(str(entry.get('id', '')))}" if board_url else None
        return Message(
            f"Shipped: {_short(entry.get('title'), 200)}",
            _short(entry.get("body"), 500),
            context,
            [("Requests", str(shipped))] if shipped else [],
            url,
            color,
        )
    heading, text = said.get(kind, (kind, ""))
    return Message(heading, text, context, facts, link, color)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(m: Message) -> dict[str, Any]:
    title = _slack_escape(m.title)
    heading = f"*<{m.link}|{title}>*" if m.link else f"*{title}*"
    lines = [heading, _slack_escape(m.text)] if m.text else [heading]
    lines += [f"*{_slack_escape(k)}:* {_slack_escape(v)}" for k, v in m.facts]
    return {
        "text": _slack_escape(_short(m.title, 150)),  # notifications read it as mrkdwn too
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(m.context)}]},
        ],
    }


def discord(m: Message) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": _short(m.title, 256),
        "color": m.color,
        "footer": {"text": m.context[:2048]},
    }
    if m.text:  # Discord refuses an empty string where it wants text
        embed["description"] = m.text[:4096]
    if m.facts:
        embed["fields"] = [{"name": k, "value": v[:1024], "inline": True} for k, v in m.facts[:25]]
    if m.link:
        embed["url"] = m.link
    return {"username": NAME, "embeds": [embed], "allowed_mentions": {"parse": []}}


def teams(m: Message) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": m.title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    if m.text:
        body.append({"type": "TextBlock", "text": m.text, "wrap": True})
    if m.facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in m.facts]})
    body.append({"type": "TextBlock", "text": m.context, "isSubtle": True, "size": "Small"})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if m.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the request", "url": m.link}]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


BUILDERS = {"slack": slack, "discord": discord, "teams": teams}


def body_of(fmt: str, event: dict[str, Any], board_url: str = "") -> bytes:
    """The request body for one of ``CHAT_FORMATS``."""
    payload = BUILDERS[fmt](message_of(event, board_url))
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
