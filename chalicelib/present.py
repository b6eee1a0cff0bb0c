"""Records to the API's JSON: the one place that decides what each caller may see."""

from __future__ import annotations

from typing import Any

from .auth import TEAM_ID, is_team_id
from .ids import iso
from .records import App, ChangelogEntry, Comment, FeatureRequest, Feedback, Person
from .workflow import boards, on_roadmap, statuses

__all__ = [
    "public_actor",
    "user",
    "app",
    "request",
    "comment",
    "feedback",
    "delivery",
    "changelog",
    "status",
    "board",
]


def user(person: Person, admin: bool) -> dict[str, Any]:
    """``email`` is for admins only, whoever the person is; the team is ``team``, whichever
    admin key wrote (key ids are for the audit trail, not for every reader of the board)."""
    if is_team_id(person.id):
        person = Person(id=TEAM_ID, name=person.name or "Team")
    out: dict[str, Any] = {"id": person.id, "name": person.name}
    if admin:
        out["email"] = person.email
    return out


def public_actor(user_id: str | None) -> str | None:
    """Who made a change, as events show it: the team without its key id."""
    return TEAM_ID if user_id and is_team_id(user_id) else user_id


def app(record: App, new_secrets: dict[str, str] | None = None) -> dict[str, Any]:
    """An app; webhook secrets appear only in the response that generated them."""
    new_secrets = new_secrets or {}
    return {
        "id": record.id,
        "name": record.name,
        "allowAnonymous": record.allow_anonymous,
        "moderation": record.moderation,
        "notifyEmails": list(record.notify_emails),
        "webhooks": [
            {
                "url": h["url"],
                "events": h["events"],
                "format": h.get("format", "json"),
                "privateBoards": h.get("privateBoards", False),
                **({"secret": new_secrets[h["url"]]} if h["url"] in new_secrets else {}),
            }
            for h in record.webhooks
        ],
        "statuses": [status(s) for s in statuses(record)],
        "boards": [board(b) for b in boards(record)],
        "integrations": {name: {"configured": True} for name in record.integrations},
        "branding": branding(record),
        "createdAt": iso(record.created_ms),
        "updatedAt": iso(record.updated_ms),
        "version": record.version,
    }


def status(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stored["id"],
        "name": stored["name"],
        "color": stored["color"],
        "kind": stored["kind"],
        "roadmap": on_roadmap(stored),
    }


def board(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stored["id"],
        "name": stored["name"],
        "description": stored.get("description", ""),
        "visibility": stored["visibility"],
    }


def branding(record: App) -> dict[str, Any]:
    """The brand as set, with the text colour that reads on its accent."""
    out: dict[str, Any] = dict(record.branding)
    if "accentColor" in out:
        from .branding import text_on

        out["accentText"] = text_on(out["accentColor"])
    return out


def app_public(record: App) -> dict[str, Any]:
    """What a publishable key may see of an app: how to show it, nothing of its settings."""
    return {
        "id": record.id,
        "name": record.branding.get("name") or record.name,
        "branding": branding(record),
    }


def request(req: FeatureRequest, voted: bool, admin: bool) -> dict[str, Any]:
    return {
        "id": req.id,
        "appId": req.app,
        "board": req.board,
        "title": req.title,
        "description": req.description,
        "status": req.status,
        "priority": req.priority,
        "tags": list(req.tags),
        "votes": req.votes,
        "commentCount": req.comment_count,
        "voted": voted,
        "author": user(req.author, admin),
        "response": req.response,
        "duplicateOf": req.duplicate_of,
        "insights": req.insights,
        "createdAt": iso(req.created_ms),
        "updatedAt": iso(req.updated_ms),
        "version": req.version,
        **_moderation(req.moderation),
    }


def _moderation(state: str | None) -> dict[str, Any]:
    """Only on what waited (or waits) for the team."""
    return {"moderation": state} if state else {}


def comment(record: Comment, admin: bool, reacted: list[str] | None = None) -> dict[str, Any]:
    """``reacted`` (the caller's own reactions) is shown where a caller is known, not in events."""
    out = {
        "id": record.id,
        "body": record.body,
        "author": user(record.author, admin),
        "createdAt": iso(record.created_ms),
        "internal": record.internal,
        "edited": record.edited_ms is not None,
        "editedAt": iso(record.edited_ms) if record.edited_ms is not None else None,
        "reactions": dict(record.reactions),
        **_moderation(record.moderation),
    }
    return out if reacted is None else {**out, "reacted": sorted(reacted)}


def queued(entry: dict[str, Any]) -> dict[str, Any]:
    """One post of the moderation queue (for the team: authors with their email)."""
    record = entry["record"]
    is_request = entry["kind"] == "request"
    return {
        "kind": entry["kind"],
        "id": record.id,
        "requestId": record.id if is_request else record.request_id,
        "requestTitle": record.title if is_request else entry["requestTitle"],
        "title": record.title if is_request else None,
        "body": record.description if is_request else record.body,
        "author": user(record.author, True),
        "createdAt": iso(record.created_ms),
        "spamScore": entry["spamScore"],
        "spamReasons": entry["spamReasons"],
    }


def feedback(record: Feedback, admin: bool) -> dict[str, Any]:
    return {
        "id": record.id,
        "appId": record.app,
        "message": record.message,
        "rating": record.rating,
        "type": record.type,
        "name": record.name,
        **({"email": record.email} if admin else {}),
        "sentiment": record.sentiment,
        "createdAt": iso(record.created_ms),
    }


def delivery(attempt: dict[str, Any]) -> dict[str, Any]:
    retry = attempt.get("nextRetryAt")
    return {
        "eventId": attempt["eventId"],
        "type": attempt["eventType"],
        "url": attempt["url"],
        "statusCode": attempt.get("statusCode"),
        "attempt": attempt["attempt"],
        "at": iso(attempt["at"]),
        "error": attempt.get("error"),
        "nextRetryAt": iso(retry) if retry else None,
    }


def changelog(entry: ChangelogEntry) -> dict[str, Any]:
    """A changelog entry: the Markdown as written and its sanitised HTML."""
    return {
        "id": entry.id,
        "appId": entry.app,
        "title": entry.title,
        "body": entry.body,
        "html": entry.html,
        "requestIds": list(entry.request_ids),
        "completeLinked": entry.complete_linked,
        "status": entry.status,
        "createdAt": iso(entry.created_ms),
        "updatedAt": iso(entry.updated_ms),
        "publishedAt": iso(entry.published_ms) if entry.published_ms is not None else None,
        "version": entry.version,
    }
