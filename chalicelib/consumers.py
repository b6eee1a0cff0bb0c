"""The loops around event consumers: one record at a time, failures reported per record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import aws, logs
from .context import Context
from .events import DomainEvent, parse_message

__all__ = ["on_event", "sqs_batch", "attempt_of", "retry_later", "FILTERS", "SPOKEN"]

# Each SNS consumer's subscription filter policy (on the message attributes events.py
# sets: ``type``, ``changed`` for request.updated, ``quiet`` for an import's events), so
# SNS invokes a consumer only for the events it acts on: an invocation not made is not
# billed. Keyed by the handler's name in app.py; tools/package.py puts them in the template.
SPOKEN = {"quiet": [{"exists": False}]}
# decisions: an approved post is counted and indexed by the created event its approval makes
MODERATED = [
    "request.approved",
    "request.rejected",
    "comment.approved",
    "comment.rejected",
]  # people are not told about imported records
FILTERS: dict[str, dict] = {
    "email_on_event": {
        **SPOKEN,
        "$or": [
            {
                "type": [
                    "request.created",
                    "request.status_changed",
                    "request.merged",
                    "comment.created",
                    "feedback.created",
                    "changelog.published",
                    "request.approved",
                    "comment.approved",
                ]
            },
            {"type": ["request.updated"], "changed": ["response"]},
        ],
    },
    "webhooks_on_event": SPOKEN,  # an app's webhooks may ask for any type
    "stats_on_event": {
        "$or": [
            {
                "type": [
                    {
                        "anything-but": [
                            "request.updated",
                            "changelog.published",
                            "app.updated",
                            "comment.updated",
                            *MODERATED,
                        ]
                    }
                ]
            },
            {"type": ["request.updated"], "changed": ["tags", "board"]},
        ]
    },
    "sentiment_on_event": {"type": ["feedback.created"]},
    "search_on_event": {
        "$or": [
            {
                "type": [
                    "request.created",
                    "request.status_changed",
                    "request.merged",
                    "request.deleted",
                ]
            },
            {"type": ["request.updated"], "changed": ["title", "description", "tags", "board"]},
        ]
    },
}


def on_event(
    ctx: Context,
    name: str,
    message: str,
    handle: Callable[[Context, DomainEvent], Any],
    tells_people: bool = False,
) -> Any:
    """One SNS delivery: parse it, run the consumer; an exception makes Lambda retry it.

    Consumers that tell people (emails, webhooks) skip the quiet events of an import.
    """
    event = parse_message(message)
    if tells_people and event.quiet:
        return None
    result = handle(ctx, event)
    logs.logger().info(
        "event consumed",
        extra={
            "consumer": name,
            "eventId": event.id,
            "eventType": event.type,
            "tenant": event.tenant,
            "app": event.app,
        },
    )
    return result


def attempt_of(record: dict[str, Any]) -> int:
    """1 on the first delivery of an SQS message, 2 on its first retry, …"""
    return int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))


def sqs_batch(
    records: list[dict[str, Any]], handle: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """Run ``handle(record)`` per message; report the failed ones, keep the rest going."""
    failures = []
    for record in records:
        try:
            handle(record)
        except Exception as exc:
            logs.logger().warning(
                "message failed", extra={"messageId": record["messageId"], "error": str(exc)[:300]}
            )
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def retry_later(queue_url: str, record: dict[str, Any], seconds: int) -> None:
    """Bring a failed message back after ``seconds`` instead of the queue's default."""
    aws.client("sqs").change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=seconds
    )
