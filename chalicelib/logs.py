"""Structured JSON logs: one short line per API call, always with the request id.

Never logged: keys, tokens, emails or bodies; only ids, counts and timings. Every line is
passed through ``redact`` on its way out, so a credential that reaches a message anyway (a
``?key=`` in a path, an ``Authorization`` value in an exception) leaves as ``[redacted]``.

Metrics: no line carries an embedded-metric record. The template turns fields of these
lines into a fixed set of custom metrics with CloudWatch Logs metric filters (``METRICS``,
no dimensions), so the number of metrics does not grow with the routes and the lines stay
short. Per-route figures come from the line's ``route`` field with Logs Insights (the
template's query definition) or ``manage.py cost --from-logs``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from .store import meter

if TYPE_CHECKING:
    from .rest import Call, RouteSpec

__all__ = [
    "logger",
    "begin",
    "access",
    "metric",
    "redact",
    "JsonFormatter",
    "NAMESPACE",
    "METRICS",
    "COUNTED",
]

NAMESPACE = "Featureboard"
# every custom metric, as CloudWatch Logs metric filters make them from these lines (name:
# filter pattern, value); none has a dimension, so the monthly bill for custom metrics is
# at most len(METRICS) x the price of one, however many routes the app serves, and each is
# billed only for the hours it gets data in: these get none in a healthy hour of reads and
# votes. What every call would feed (latency, calls, cold starts, votes) is left to AWS's
# own free metrics (Lambda's Duration and Invocations, the HTTP API's Count and Latency) and
# to the lines themselves (``COUNTED``, the Logs Insights query, ``cost --from-logs``).
METRICS = {
    "Errors": ("{ $.status >= 500 }", "1"),  # 5xx answers: the canary's rollback alarm
    "EmailsSent": ("{ $.EmailsSent > 0 }", "$.EmailsSent"),
    "WebhookFailures": ("{ $.WebhookFailures > 0 }", "$.WebhookFailures"),
}
COUNTED = ("Votes",)  # counted on the call's line, no metric: Logs Insights sums them

_FIELDS = (
    "requestId",
    "tenant",
    "app",
    "route",
    "status",
    "ms",
    "readUnits",
    "writeUnits",
    "messages",
    "cost",
    "cold",
    "consumer",
    "eventId",
    "eventType",
    "messageId",
    "error",
    "Votes",
    "EmailsSent",
    "WebhookFailures",
)

# a credential's value in a query string, a header-like "name: value" or "name=value", or
# one of our own keys wherever it appears
_SECRETS = (
    re.compile(
        r"(?i)([?&;](?:key|api_?key|token|access_token|id_token|user_?token|secret|signature"
        r"|sig|password|auth)=)[^&\s\"']+"
    ),
    re.compile(
        r"(?i)((?:authorization|x-user-token|x-api-key|cookie)[\"']?\s*[:=]\s*[\"']?)"
        r"(?:(?:bearer|basic|token)\s+)?[^\s\"',;}]+"
    ),
    re.compile(r"(fr_(?:admin|pub)_)[A-Za-z0-9_\-]+"),
)


def redact(text: str) -> str:
    """``text`` with every credential value it holds replaced by ``[redacted]``."""
    for pattern in _SECRETS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class JsonFormatter(logging.Formatter):
    """Known fields only (``_FIELDS``), compact separators, credentials redacted; ``level``
    only above INFO (most lines are INFO, and every byte is billed)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"message": record.getMessage()}
        if record.levelno != logging.INFO:
            out["level"] = record.levelname
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(out, default=str, separators=(",", ":")))


_configured: logging.Logger | None = None
_cold = True  # the first call of this process (a Lambda cold start)
_local = threading.local()  # the metrics the current API call adds to its line


def logger() -> logging.Logger:
    global _configured
    if _configured is None:
        from .settings import get_settings

        log = logging.getLogger("featureboard")
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        log.handlers = [handler]
        log.propagate = False
        log.setLevel(get_settings().log_level.upper())
        _configured = log
    return _configured


def begin() -> None:
    """An API call starts on this thread: metrics it emits join its one line."""
    _local.pending = {}


def access(call: Call, spec: RouteSpec, status: int, started: float) -> float:
    """The one line of an API call: who (tenant, app), which route, its status, how long,
    the table units it used, what it cost, a cold start, and what it counted (Votes).
    Returns that cost in dollars."""
    from .pricing import request_cost

    global _cold
    cold, _cold = _cold, False
    pending: dict[str, float] = getattr(_local, "pending", None) or {}
    _local.pending = None
    m = meter()
    caller = call.caller
    ms = round((time.perf_counter() - started) * 1000, 1)
    dollars = request_cost(m.read_units, m.write_units, ms, m.messages)
    logger().info(
        "request",
        extra={
            "requestId": call.request_id,
            "tenant": caller.tenant if caller else None,
            "app": call.app.id if call.app else None,
            "route": spec.name,  # the view's name: one per method and path, and shorter
            "status": status,
            "ms": ms,
            "readUnits": round(m.read_units, 2) or None,
            "writeUnits": round(m.write_units, 2) or None,
            "messages": m.messages or None,
            "cost": round(dollars * 1e6, 3),
            "cold": 1 if cold else None,
            **pending,
        },
    )
    return dollars


def metric(name: str, value: float = 1, **fields: Any) -> None:
    """Count ``name`` (one of ``METRICS`` or ``COUNTED``): on the API call's own line when
    there is one, else (consumers, jobs) a line of its own. No API call either way."""
    if name not in METRICS and name not in COUNTED:
        known = ", ".join((*METRICS, *COUNTED))
        raise ValueError(f"{name} is not one of the app's metrics: {known}")
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending[name] = pending.get(name, 0) + value
        return
    logger().info("metric", extra={name: value, **fields})


def _redact_http_server_log() -> None:
    """A server built on ``http.server`` (``chalice local``) logs each request line, query
    string included: make it write the redacted line. Nothing to do inside Lambda."""
    server = sys.modules.get("http.server")
    if server is None or getattr(server.BaseHTTPRequestHandler, "_redacted", False):
        return
    original = server.BaseHTTPRequestHandler.log_message

    def log_message(self: Any, format: str, *args: Any) -> None:
        original(self, "%s", redact(format % args))

    server.BaseHTTPRequestHandler.log_message = log_message
    server.BaseHTTPRequestHandler._redacted = True


_redact_http_server_log()
