"""Email on events: followers hear about status, answers and comments; the team about news.

Each (event, recipient) is claimed before sending and released if SES fails, so a
redelivered event sends nothing twice and a throttled one is sent on the retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from .. import aws, signed
from ..addresses import is_plain_address
from ..context import Context
from ..errors import ValidationFailedError
from ..events import DomainEvent
from ..templating import environment

__all__ = ["Email", "plan", "notify", "render", "unsubscribe_token", "read_unsubscribe_token"]

CLAIM_TTL_S = 7 * 24 * 3600
UNSUBSCRIBE_TTL_S = 60 * 24 * 3600
SUBJECTS = {
    "status_changed": "“{title}” is now {status}",
    "response": "The team answered “{title}”",
    "comment": "New comment on “{title}”",
    "new_request": "New feature request: {title}",
    "new_feedback": "New feedback for {app}",
    "changelog": "New in {app}: {title}",
    "approved": "Approved: “{title}”",
}
PERMANENT_SES_ERRORS = ("MessageRejected", "InvalidParameterValue")
REASONS = {
    "follower": "You get this because you follow this request.",
    "team": "You get this because this address is on the app's notification list.",
    "shipped": "You get this because you follow a request this update ships.",
    "author": "You get this because you posted this and it waited for approval.",
}


@dataclass(frozen=True)
class Email:
    recipient_id: str  # the user id, or "email:<address>" for notification lists
    address: str
    template: str
    reason: str
    context: dict[str, Any]


def unsubscribe_token(secret: bytes, tenant: str, app: str, recipient: str, now_s: int) -> str:
    return signed.encode(
        secret,
        "unsubscribe",
        {"t": tenant, "a": app, "r": recipient, "exp": now_s + UNSUBSCRIBE_TTL_S},
    )


def read_unsubscribe_token(secret: bytes, token: str, now_s: int) -> dict[str, Any]:
    """The token's tenant, app and recipient; a 400 for a forged, altered or expired one."""
    claims = signed.decode(
        secret, "unsubscribe", token, field="token", problem="is not a valid unsubscribe link"
    )
    if not isinstance(claims.get("exp"), int) or claims["exp"] < now_s:
        raise ValidationFailedError.for_field("token", "has expired; use a newer email's link")
    return claims


def _subject(email: Email, app_name: str) -> str:
    request = email.context.get("request") or email.context.get("entry") or {}
    status = str(email.context.get("status_to", "")).replace("_", " ")
    title = request.get("title", "")
    if len(title) > 80:
        title = title[:79] + "…"
    return SUBJECTS[email.template].format(title=title, status=status, app=app_name)


def render(
    email: Email,
    app_name: str,
    unsubscribe_url: str,
    board_url: str = "",
    branding: Mapping[str, str] | None = None,
) -> tuple[str, str, str]:
    """Subject, plain text and HTML: autoescaped HTML, text as written. With ``board_url``
    an email about a request links to its page on the board; ``branding`` (the app's) sets
    the name, the logo and the accent colour."""
    from ..branding import email_brand

    env = environment()
    brand = email_brand(app_name, branding)
    subject = _subject(email, brand["name"])
    request = email.context.get("request") or {}
    entry = email.context.get("entry") or {}
    values = {
        "request_url": f"{board_url}#/r/{quote(request['id'])}"
        if board_url and request.get("id")
        else "",
        "entry_url": f"{board_url}#/changelog/{quote(entry['id'])}"
        if board_url and entry.get("id")
        else "",
        **email.context,
        "subject": subject,
        "app_name": brand["name"],
        "brand": brand,
        "reason": REASONS[email.reason],
        "unsubscribe_url": unsubscribe_url,
    }
    text = env.get_template(f"email/{email.template}.txt").render(values)
    html = env.get_template(f"email/{email.template}.html").render(values)
    return subject, text, html


def _users_may_see(ctx: Context, event: DomainEvent, board_id: str) -> bool:
    """Whether end users may see a board (``public`` or ``signed_in``, as followers are)."""
    from ..workflow import team_only

    app = ctx.store.get_app(event.tenant, event.app)
    return app is not None and not team_only(app, board_id)


def _followers(
    ctx: Context,
    event: DomainEvent,
    request_id: str,
    actor: str | None,
    template: str,
    extra: dict[str, Any],
    board: str,
) -> list[Email]:
    if not _users_may_see(ctx, event, board):
        return []  # a private board's followers outside the team hear nothing of it
    people = ctx.store.followers_voted(event.tenant, event.app, request_id)
    return [
        Email(p.id, p.email, template, "follower", {**extra, "voted": voted})
        for p, voted in people
        if p.email and p.id != actor
    ]


def _shipped(ctx: Context, event: DomainEvent) -> list[Email]:
    """A published changelog entry: one email to each follower of any linked request, however
    many of them they follow, naming the ones they follow."""
    entry = event.data["entry"]
    titles = {
        r.id: r.title
        for r in ctx.store.get_requests(event.tenant, event.app, entry["requestIds"])
        if _users_may_see(ctx, event, r.board)
    }
    people: dict[str, Any] = {}
    followed: dict[str, list[dict[str, str]]] = {}
    for request_id, title in titles.items():
        for person in ctx.store.followers(event.tenant, event.app, request_id):
            people.setdefault(person.id, person)
            followed.setdefault(person.id, []).append({"id": request_id, "title": title})
    return [
        Email(p.id, p.email, "changelog", "shipped", {"entry": entry, "shipped": followed[p.id]})
        for p in people.values()
        if p.email
    ]


def _team(ctx: Context, event: DomainEvent, template: str, extra: dict[str, Any]) -> list[Email]:
    app = ctx.store.get_app(event.tenant, event.app)
    addresses = app.notify_emails if app else ()
    return [Email(f"email:{a.lower()}", a, template, "team", extra) for a in addresses]


def _status_name(ctx: Context, event: DomainEvent, status: str) -> str:
    """The app's name for a status id (the id itself for one it no longer has)."""
    from ..workflow import statuses

    app = ctx.store.get_app(event.tenant, event.app)
    found = [s["name"] for s in statuses(app) if s["id"] == status] if app else []
    return found[0] if found else status


def _approved(ctx: Context, event: DomainEvent) -> list[Email]:
    """The author of a post that waited for the team: it is public now."""
    data = event.data
    req = ctx.store.get_request(event.tenant, event.app, data["requestId"])
    comment = ctx.store.get_comment(req, data["commentId"]) if req and "commentId" in data else None
    if req is None or ("commentId" in data and comment is None):
        return []  # deleted since
    author = comment.author if comment else req.author
    if not author.email:
        return []
    extra = {
        "request": {"id": req.id, "title": req.title},
        "comment": {"body": comment.body} if comment else None,
    }
    return [Email(author.id, author.email, "approved", "author", extra)]


def plan(ctx: Context, event: DomainEvent) -> list[Email]:
    """Who gets which email for ``event`` (before opt-outs)."""
    data = event.data
    request = data.get("request")
    if event.type == "changelog.published":
        return _shipped(ctx, event)
    if event.type == "request.status_changed" and data.get("changelog"):
        return []  # completed by publishing a changelog entry: its email says so
    if event.type in ("request.status_changed", "request.merged"):
        into = None
        if event.type == "request.merged":
            target = ctx.store.get_request(event.tenant, event.app, data["into"])
            if target and _users_may_see(ctx, event, target.board):  # a private one stays unnamed
                into = {"title": target.title}
        return _followers(
            ctx,
            event,
            request["id"],
            data.get("actor"),
            "status_changed",
            {
                "request": request,
                "status_from": _status_name(ctx, event, data["from"]),
                "status_to": _status_name(ctx, event, data.get("to", "duplicate")),
                "into": into,
                "merged": event.type == "request.merged",
            },
            request.get("board", "general"),
        )
    if event.type == "request.updated" and "response" in data["changed"] and request["response"]:
        return _followers(
            ctx,
            event,
            request["id"],
            data.get("actor"),
            "response",
            {"request": request},
            request.get("board", "general"),
        )
    if event.type == "comment.created" and not data.get("internal"):  # internal: the team's
        req = ctx.store.get_request(event.tenant, event.app, data["requestId"])
        if req is None:
            return []
        author = data["comment"]["author"]["id"]
        return _followers(
            ctx,
            event,
            req.id,
            author,
            "comment",
            {"request": {"id": req.id, "title": req.title}, "comment": data["comment"]},
            req.board,
        )
    if event.type in ("request.approved", "comment.approved"):
        return _approved(ctx, event)
    if event.type == "request.created":
        return _team(ctx, event, "new_request", {"request": request})
    if event.type == "feedback.created":
        return _team(ctx, event, "new_feedback", {"feedback": data["feedback"]})
    return []


def notify(ctx: Context, event: DomainEvent) -> int:
    """Send every email ``event`` calls for, once each; returns how many went out now."""
    emails = plan(ctx, event)
    if not emails:
        return 0
    opted_out = ctx.store.opted_out(event.tenant, event.app, [e.recipient_id for e in emails])
    app = ctx.store.get_app(event.tenant, event.app)
    app_name = app.name if app else event.app
    branding = app.branding if app else None
    now_s = ctx.clock() // 1000
    sent, retry = 0, None
    for email in emails:
        if email.recipient_id in opted_out:
            continue
        if not is_plain_address(email.address):  # stored by older code: never worth a try
            _skipped(event, "not one plain address")
            continue
        consumer = f"email:{email.recipient_id}"
        if not ctx.store.claim(event.tenant, event.id, consumer, now_s + CLAIM_TTL_S):
            continue
        try:
            _send(
                ctx,
                email,
                app_name,
                unsubscribe_token(ctx.secret, event.tenant, event.app, email.recipient_id, now_s),
                branding,
            )
        except Exception as exc:
            if _refused_for_good(exc):  # keep the claim: a retry would be refused again
                _skipped(event, type(exc).__name__)
                continue
            ctx.store.release(event.tenant, event.id, consumer)
            retry = retry or exc  # the others still go now; the retry sends only this one
            continue
        sent += 1
    if sent:
        from .. import logs

        logs.metric("EmailsSent", sent, eventId=event.id)
    if retry is not None:
        raise retry
    return sent


def _refused_for_good(exc: Exception) -> bool:
    """SES (or the message builder) refusing this one recipient, as opposed to SES being
    busy or unreachable, which a retry of the event cures."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") in PERMANENT_SES_ERRORS
    return isinstance(exc, (ValueError, TypeError))


def _skipped(event: DomainEvent, reason: str) -> None:
    from .. import logs

    logs.logger().warning("email recipient skipped", extra={"eventId": event.id, "reason": reason})


def _send(
    ctx: Context, email: Email, app_name: str, token: str, branding: Mapping[str, str] | None
) -> None:
    url = f"{ctx.settings.api_base_url.rstrip('/')}/v1/unsubscribe?token={quote(token)}"
    subject, text, html = render(email, app_name, url, ctx.settings.board_url, branding)
    message = EmailMessage()
    message["From"] = ctx.settings.sender_email
    message["To"] = email.address
    message["Subject"] = subject
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    aws.client("ses").send_raw_email(
        Source=ctx.settings.sender_email,
        Destinations=[email.address],
        RawMessage={"Data": message.as_bytes()},
    )
