"""Structured JSON logs, one line per event, always with the request id.

Never logged: keys, tokens, emails or bodies; only ids, counts and timings.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from .store import meter

if TYPE_CHECKING:
    from .rest import Call, RouteSpec

__all__ = ["logger", "access", "metric", "JsonFormatter"]

_FIELDS = (
    "requestId",
    "tenant",
    "app",
    "method",
    "route",
    "status",
    "ms",
    "ddbCalls",
    "readUnits",
    "writeUnits",
    "messages",
    "costMicroUsd",
    "coldStart",
    "consumer",
    "eventId",
    "eventType",
    "messageId",
    "error",
    "_aws",
    "Requests",
    "Errors",
    "DynamoDBCalls",
    "ColdStarts",
    "CostMicroUsd",
    "metric",
    "value",
    "Votes",
    "EmailsSent",
    "WebhookFailures",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
        }
        out.update({k: getattr(record, k) for k in _FIELDS if hasattr(record, k)})
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


_configured: logging.Logger | None = None
_cold = True  # the first call of this process (a Lambda cold start)


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


def access(call: Call, spec: RouteSpec, status: int, started: float) -> None:
    """One line per API call: who (tenant, app), what, how long, what it cost.

    The line is also a CloudWatch embedded-metric record (``_aws``), so requests, errors and
    DynamoDB calls become metrics by route without an API call or a library.
    """
    from .pricing import request_cost

    global _cold
    cold, _cold = _cold, False
    m = meter()
    caller = call.caller
    ms = round((time.perf_counter() - started) * 1000, 1)
    cost = round(request_cost(m.read_units, m.write_units, ms, m.messages) * 1e6, 3)
    logger().info(
        "request",
        extra={
            "requestId": call.request_id,
            "tenant": caller.tenant if caller else None,
            "app": call.app.id if call.app else None,
            "method": spec.method,
            "route": spec.path,
            "status": status,
            "ms": ms,
            "ddbCalls": m.calls,
            "readUnits": m.read_units,
            "writeUnits": m.write_units,
            "messages": m.messages or None,
            "costMicroUsd": cost,
            "coldStart": cold,
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["route"], []],  # by route, and in all
                        "Metrics": [
                            {"Name": "Requests", "Unit": "Count"},
                            {"Name": "Errors", "Unit": "Count"},
                            {"Name": "DynamoDBCalls", "Unit": "Count"},
                            {"Name": "ColdStarts", "Unit": "Count"},
                            {"Name": "CostMicroUsd", "Unit": "None"},
                        ],
                    }
                ],
            },
            "Requests": 1,
            "Errors": int(status >= 500),
            "DynamoDBCalls": m.calls,
            "ColdStarts": int(cold),
            "CostMicroUsd": cost,
        },
    )


NAMESPACE = "Featureboard"


def metric(name: str, value: float = 1, **fields: Any) -> None:
    """One CloudWatch embedded metric (votes, emails sent, webhook failures…), no API call."""
    logger().info(
        "metric",
        extra={
            "metric": name,
            "value": value,
            name: value,
            **fields,
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [[]],
                        "Metrics": [{"Name": name, "Unit": "Count"}],
                    }
                ],
            },
        },
    )
