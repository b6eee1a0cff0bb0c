"""Signed webhooks: events fan out to an SQS queue, a worker POSTs each to its URL.

A failed POST is retried by SQS itself (the message comes back after a growing visibility
timeout) and lands in the dead-letter queue after the last try. A URL is checked when it
is saved and again, after DNS resolution, right before each POST, and the POST goes to the
address that was checked (TLS still verifies the host name): a DNS answer that changes in
between (rebinding) cannot send it to a private address.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from .. import aws
from ..context import Context
from ..errors import ValidationFailedError
from ..events import DomainEvent
from .chat import CHAT_FORMATS, TEST_EVENT, body_of

__all__ = [
    "check_url",
    "signature",
    "fan_out",
    "deliver",
    "deliver_record",
    "queue_test",
    "backoff_seconds",
    "DeliveryFailedError",
    "UnsafeUrlError",
]

TIMEOUT_S = 5
DELIVERY_TTL_S = 7 * 24 * 3600
MARK_TTL_S = 7 * 24 * 3600


class UnsafeUrlError(ValueError):
    """The URL points somewhere a webhook must never go (or nowhere at all)."""


class DeliveryFailedError(Exception):
    """The target did not answer 2xx; SQS brings the message back later."""


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, stage: str) -> str:
    """https to a public address; the ``local`` stage also allows http://127.0.0.1 / localhost.
    Returns the address to connect to (the first the host resolved to)."""
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise UnsafeUrlError("must not contain spaces or control characters")
    try:  # urlsplit refuses a broken [IPv6] host, .port a port that is not 1-65535
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrlError("is not a valid URL (check the host and the port)") from None
    if port == 0:
        raise UnsafeUrlError("has port 0; use 1 to 65535")
    host = parts.hostname or ""
    local_ok = stage == "local" and host in ("127.0.0.1", "localhost")
    if parts.scheme != "https" and not (local_ok and parts.scheme == "http"):
        raise UnsafeUrlError("must be an https URL")
    if not host or parts.username or parts.password:
        raise UnsafeUrlError("must name a host, without user or password")
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise UnsafeUrlError(f"the host {host!r} does not resolve") from None
    if not local_ok and any(_blocked(info[4][0]) for info in infos):
        raise UnsafeUrlError("must not point to a private, loopback or link-local address")
    return infos[0][4][0]


def check_saved_urls(urls: list[str], stage: str) -> None:
    """The check made when an app's webhooks are saved, as a 400 naming the field."""
    for i, url in enumerate(urls):
        try:
            check_url(url, stage)
        except UnsafeUrlError as exc:
            raise ValidationFailedError.for_field(f"webhooks.{i}.url", str(exc)) from None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _url_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _on_private_board(ctx: Context, app: Any, event: DomainEvent) -> bool:
    """Whether the event is about a request on a ``private`` board: only the webhooks saved
    with ``privateBoards`` get those (a webhook may post into a channel outside the team)."""
    from ..workflow import team_only

    data = event.data
    request = data.get("request")
    if isinstance(request, dict) and "board" in request:
        board_id = request["board"]
    elif data.get("requestId"):
        found = ctx.store.get_request(event.tenant, event.app, data["requestId"])
        board_id = found.board if found else "general"
    else:
        return False
    return team_only(app, board_id)


def _without_private_boards(envelope: dict[str, Any]) -> dict[str, Any] | None:
    """An ``app.updated`` envelope as a webhook outside the team may see it: no private
    board named; None when a private board was all that changed."""
    data = envelope["data"]

    def shown(boards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [b for b in boards if b.get("visibility") != "private"]

    app = {**data["app"], "boards": shown(data["app"]["boards"])}
    previous = {f: shown(v) if f == "boards" else v for f, v in data["previous"].items()}
    changed = [f for f in data["changed"] if f != "boards" or previous["boards"] != app["boards"]]
    if not changed:
        return None
    redacted = {"app": app, "changed": changed, "previous": {f: previous[f] for f in changed}}
    return {**envelope, "data": redacted}


def _from_a_private_board(app: Any, envelope: dict[str, Any]) -> dict[str, Any]:
    """A request moved out of a private board: the move is told without naming that board."""
    from ..workflow import team_only

    previous = envelope["data"].get("previous") or {}
    moved_from = previous.get("board")
    if moved_from is None or not team_only(app, moved_from):
        return envelope  # no move, or from a board end users see
    hidden = {**previous, "board": None}
    return {**envelope, "data": {**envelope["data"], "previous": hidden}}


def _into_a_private_board(ctx: Context, app: Any, envelope: dict[str, Any]) -> dict[str, Any]:
    """A request merged into a private board's: told without naming the target (one read,
    only for an event about a duplicate)."""
    data = envelope["data"]
    request = data.get("request")
    into = isinstance(request, dict) and request.get("duplicateOf")
    if not into or into in _outside_the_team(ctx, app, [into]):
        return envelope
    hidden = {**data, "request": {**request, "duplicateOf": None}}
    if "into" in data:
        hidden["into"] = None
    return {**envelope, "data": hidden}


def _changelog_without_private(ctx: Context, app: Any, envelope: dict[str, Any]) -> dict[str, Any]:
    """A published entry as a webhook outside the team may see it: its ``requestIds`` less
    those on private boards (one read of the named requests' counters, only when the app
    has such a board)."""
    entry = envelope["data"].get("entry") or {}
    named = entry.get("requestIds") or []
    seen = _outside_the_team(ctx, app, named)
    if len(seen) == len(set(named)):
        return envelope
    shown = [r for r in named if r in seen]
    return {**envelope, "data": {**envelope["data"], "entry": {**entry, "requestIds": shown}}}


def _outside_the_team(ctx: Context, app: Any, ids: list[str]) -> set[str]:
    """The ids among ``ids`` of requests on boards end users see (``linked.ids_on``)."""
    from ..services.linked import ids_on
    from ..workflow import team_only

    return ids_on(ctx, app, ids, lambda board: not team_only(app, board))


def _messages(
    ctx: Context, app: Any, event: DomainEvent, hooks: list[dict[str, Any]]
) -> list[tuple[list[str], dict[str, Any]]]:
    """(URLs, envelope) to send: hooks without ``privateBoards`` get nothing of a private
    board's request, no private board's request id, and an ``app.updated`` without private
    boards in it."""
    envelope = event.envelope()
    trusted = [h["url"] for h in hooks if h.get("privateBoards")]
    others = [h["url"] for h in hooks if not h.get("privateBoards")]
    if others and event.type == "app.updated":
        redacted = _without_private_boards(envelope)
        sends = [(others, redacted)] if redacted else []
    elif others and event.type == "changelog.published":
        sends = [(others, _changelog_without_private(ctx, app, envelope))]
    elif others and not _on_private_board(ctx, app, event):
        told = _from_a_private_board(app, envelope)
        sends = [(others, _into_a_private_board(ctx, app, told))]
    else:
        sends = []
    return ([(trusted, envelope)] if trusted else []) + sends


def fan_out(ctx: Context, event: DomainEvent) -> int:
    """One queue message per webhook of the app that wants this event type."""
    app = ctx.store.get_app(event.tenant, event.app)
    hooks = [
        h for h in (app.webhooks if app else ()) if event.type in h["events"] or "*" in h["events"]
    ]
    sends = _messages(ctx, app, event, hooks) if hooks else []
    if not sends:
        return 0
    now_s = ctx.clock() // 1000
    if not ctx.store.claim(event.tenant, event.id, "webhook-fan-out", now_s + MARK_TTL_S):
        return 0
    try:
        for urls, envelope in sends:
            _enqueue(ctx, event.tenant, event.app, urls, envelope)
    except Exception:
        ctx.store.release(event.tenant, event.id, "webhook-fan-out")
        raise
    return sum(len(urls) for urls, _ in sends)


def _enqueue(
    ctx: Context, tenant: str, app_id: str, urls: list[str], envelope: dict[str, Any]
) -> None:
    """One queue message per URL: the worker delivers each, retries it and logs it."""
    entries = [
        {
            "Id": str(n),
            "MessageBody": json.dumps(
                {"tenant": tenant, "appId": app_id, "url": url, "event": envelope}
            ),
        }
        for n, url in enumerate(urls)
    ]
    for start in range(0, len(entries), 10):
        result = aws.client("sqs").send_message_batch(
            QueueUrl=ctx.settings.webhook_queue_url, Entries=entries[start : start + 10]
        )
        if result.get("Failed"):
            raise RuntimeError(f"SQS refused {len(result['Failed'])} webhook messages")


def queue_test(ctx: Context, tenant: str, app_id: str, url: str) -> dict[str, Any]:
    """A ``webhook.test`` event for one of the app's webhooks, through the same queue, retries
    and delivery log as every event; the envelope it will carry."""
    from ..ids import iso, new_id

    now_ms = ctx.clock()
    envelope = {
        "id": f"test-{new_id(now_ms)}",
        "type": TEST_EVENT,
        "createdAt": iso(now_ms),
        "appId": app_id,
        "data": {"message": "A test message: this webhook works."},
    }
    _enqueue(ctx, tenant, app_id, [url], envelope)
    return envelope


def backoff_seconds(attempt: int, base: int = 30) -> int:
    """30 s, 60 s, 2 min, 4 min, … at most 15 min (SQS's visibility limit is 12 h)."""
    return min(900, base * 2 ** max(0, attempt - 1))


def _post(url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to ``address`` (checked) as ``url``'s host: its name goes in the Host header and
    TLS's server name, and is what the certificate is verified against. Redirects are
    answers, never followed (one could lead past the check)."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=TIMEOUT_S)
    connection._create_connection = lambda target, *args, **kwargs: socket.create_connection(
        (address, target[1]), *args, **kwargs
    )
    try:
        path = parts.path or "/"
        connection.request("POST", f"{path}?{parts.query}" if parts.query else path, body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


def deliver(ctx: Context, message: dict[str, Any], attempt: int) -> int | None:
    """POST one event to one URL; raises DeliveryFailedError to have SQS retry it later.

    Returns the status code, or None when there is nothing to do (already delivered, the
    webhook was removed, or its URL became unsafe: retrying would not help).
    """
    tenant, app_id, url, event = (
        message["tenant"],
        message["appId"],
        message["url"],
        message["event"],
    )
    now_ms = ctx.clock()
    mark = f"webhook:{_url_id(url)}"
    app = ctx.store.get_app(tenant, app_id)
    hook = next((h for h in (app.webhooks if app else ()) if h["url"] == url), None)
    if hook is None or ctx.store.claimed(tenant, event["id"], mark):
        return None
    record = {"eventId": event["id"], "eventType": event["type"], "url": url, "attempt": attempt}
    body, headers = _request_of(ctx, hook, event, now_ms)
    status: int | None = None
    try:
        address = check_url(url, ctx.settings.stage)
        status = _post(url, address, body, headers)
        error = None if 200 <= status < 300 else f"answered {status}"
    except UnsafeUrlError as exc:
        _record(ctx, tenant, app_id, {**record, "error": f"refused: {exc}"}, now_ms)
        return None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    if error is None:
        _record(ctx, tenant, app_id, {**record, "statusCode": status}, now_ms)
        ctx.store.claim(tenant, event["id"], mark, now_ms // 1000 + MARK_TTL_S)
        return status
    from .. import logs

    logs.metric("WebhookFailures", 1, eventId=event["id"])
    retry_at = now_ms + backoff_seconds(attempt, ctx.settings.webhook_backoff_s) * 1000
    _record(
        ctx,
        tenant,
        app_id,
        {**record, "statusCode": status, "error": error, "nextRetryAt": retry_at},
        now_ms,
    )
    raise DeliveryFailedError(error)


def _request_of(
    ctx: Context, hook: dict[str, Any], event: dict[str, Any], now_ms: int
) -> tuple[bytes, dict[str, str]]:
    """The body and headers for the hook's ``format``: the signed event (``json``, the
    default), or a chat service's incoming-webhook message, which it does not verify."""
    headers = {"Content-Type": "application/json", "User-Agent": "Featureboard-Webhooks/1"}
    fmt = hook.get("format", "json")
    if fmt in CHAT_FORMATS:
        return body_of(fmt, event, ctx.settings.board_url), headers
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, {
        **headers,
        "X-Signature": signature(hook["secret"], now_ms // 1000, body),
        "X-Event-Id": event["id"],
        "X-Event-Type": event["type"],
    }


def deliver_record(ctx: Context, record: dict[str, Any]) -> int | None:
    """The SQS worker's step: deliver, or make the message come back after a backoff."""
    from ..consumers import attempt_of, retry_later

    attempt = attempt_of(record)
    try:
        return deliver(ctx, json.loads(record["body"]), attempt)
    except Exception:  # a failed POST, or a message we cannot read: either way, back off
        retry_later(
            ctx.settings.webhook_queue_url,
            record,
            backoff_seconds(attempt, ctx.settings.webhook_backoff_s),
        )
        raise


def _record(ctx: Context, tenant: str, app_id: str, attempt: dict[str, Any], now_ms: int) -> None:
    ctx.store.add_delivery(tenant, app_id, attempt, now_ms, now_ms // 1000 + DELIVERY_TTL_S)
