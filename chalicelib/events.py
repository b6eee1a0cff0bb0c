"""Table changes -> domain events -> one SNS topic. The stream is the only source of events.

An event's id is derived from the stream record that caused it, so a redelivered record
makes the same ids and every consumer can drop what it has already handled.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from . import aws, present
from .context import Context
from .ids import iso
from .records import ChangelogEntry, FeatureRequest, Feedback
from .store import Change, change_from_stream, reorder_from_stream

__all__ = [
    "DomainEvent",
    "EVENT_TYPES",
    "attributes",
    "derive",
    "publish_changes",
    "reorder_changes",
    "parse_message",
]

EVENT_TYPES = (
    "request.created",
    "request.updated",
    "request.status_changed",
    "request.deleted",
    "request.merged",
    "vote.created",
    "vote.deleted",
    "comment.created",
    "comment.updated",
    "comment.deleted",
    "feedback.created",
    "changelog.published",
    "request.approved",
    "request.rejected",
    "comment.approved",
    "comment.rejected",
    "app.updated",
)
APP_FIELDS = ("name", "statuses", "boards")  # what app.updated tells (never keys or secrets)
CONTENT_FIELDS = ("title", "description", "priority", "tags", "response", "board")


@dataclass(frozen=True)
class DomainEvent:
    id: str
    type: str
    created_ms: int
    tenant: str
    app: str
    data: dict[str, Any]
    quiet: bool = False  # made by an import: counted, indexed, but no email or webhook

    def envelope(self) -> dict[str, Any]:
        """What a webhook receives (no tenant: the receiver is the tenant)."""
        return {
            "id": self.id,
            "type": self.type,
            "createdAt": iso(self.created_ms),
            "appId": self.app,
            "data": self.data,
        }

    def message(self) -> str:
        extra = {"quiet": True} if self.quiet else {}
        return json.dumps(
            {**self.envelope(), "tenant": self.tenant, "createdMs": self.created_ms, **extra},
            separators=(",", ":"),
        )


def parse_message(text: str) -> DomainEvent:
    raw = json.loads(text)
    return DomainEvent(
        raw["id"],
        raw["type"],
        raw["createdMs"],
        raw["tenant"],
        raw["appId"],
        raw["data"],
        raw.get("quiet", False),
    )


def _request_data(req: FeatureRequest) -> dict[str, Any]:
    return {
        "request": present.request(req, False, admin=False),
        "actor": present.public_actor(req.updated_by),
    }


def _request_events(change: Change) -> list[tuple[str, int, dict[str, Any]]]:
    old, new = change.old, change.new
    if new is None:
        return [("request.deleted", old.updated_ms, _request_data(old))]
    if old is None:
        return [("request.created", new.created_ms, _request_data(new))]
    found = []
    if new.status != old.status:
        if new.status == "duplicate":
            found.append(
                (
                    "request.merged",
                    new.updated_ms,
                    {**_request_data(new), "into": new.duplicate_of, "from": old.status},
                )
            )
        else:
            shipped = {"changelog": new.shipped_in} if new.shipped_in != old.shipped_in else {}
            found.append(
                (
                    "request.status_changed",
                    new.updated_ms,
                    {**_request_data(new), "from": old.status, "to": new.status, **shipped},
                )
            )
    changed = [f for f in CONTENT_FIELDS if getattr(old, f) != getattr(new, f)]
    if changed:
        previous = {f: list(v) if isinstance(v := getattr(old, f), tuple) else v for f in changed}
        found.append(
            (
                "request.updated",
                new.updated_ms,
                {**_request_data(new), "changed": changed, "previous": previous},
            )
        )
    return found


def _feedback_data(fb: Feedback) -> dict[str, Any]:
    return {"feedback": present.feedback(fb, admin=False)}


def _published(old: ChangelogEntry | None, new: ChangelogEntry | None) -> bool:
    return (
        new is not None and new.status == "published" and (old is None or old.status != new.status)
    )


def _decision_events(change: Change) -> list[tuple[str, int, dict[str, Any]]]:
    """A moderator's decision, when its record is written (not when it expires). An
    approved post also makes its ``created`` event then: nothing was sent while it waited."""
    made = change.new
    if made is None or change.old is not None:
        return []
    data = {"requestId": made["requestId"], "actor": present.public_actor(made.get("actor"))}
    if made["kind"] == "comment":
        data["commentId"] = made["id"]
    return [(f"{made['kind']}.{made['decision']}", made["createdAt"], data)]


def _comment_events(
    change: Change, created: bool, removed: bool, now_ms: int
) -> list[tuple[str, int, dict[str, Any]]]:
    """Created, edited (its body changed: a reaction is no event) or deleted; an internal
    note's events say ``internal: true`` at the top of ``data``, so a receiver can drop them."""
    comment = change.new or change.old
    data: dict[str, Any] = {"requestId": change.request_id}
    if comment.internal:
        data["internal"] = True
    if removed:
        return [("comment.deleted", now_ms, {**data, "commentId": comment.id})]
    data["comment"] = present.comment(comment, admin=False)
    if created:
        return [("comment.created", comment.created_ms, data)]
    if change.old.body != comment.body:
        edited = {**data, "previous": {"body": change.old.body}}
        return [("comment.updated", comment.edited_ms or now_ms, edited)]
    return []


def _app_events(change: Change) -> list[tuple[str, int, dict[str, Any]]]:
    """``app.updated`` when the app's name, statuses or boards changed."""
    old, new = present.app(change.old), present.app(change.new)
    changed = [f for f in APP_FIELDS if old[f] != new[f]]
    if not changed:
        return []
    data = {
        "app": {k: new[k] for k in ("id", *APP_FIELDS)},
        "changed": changed,
        "previous": {f: old[f] for f in changed},
    }
    return [("app.updated", change.new.updated_ms, data)]


def _events_of(change: Change, now_ms: int) -> list[tuple[str, int, dict[str, Any]]]:
    if change.kind == "request":
        return _request_events(change)
    if change.kind == "decision":
        return _decision_events(change)
    if change.kind == "app":
        return _app_events(change)
    if change.kind == "changelog":
        if not _published(change.old, change.new):
            return []
        entry = change.new
        return [("changelog.published", entry.published_ms, {"entry": present.changelog(entry)})]
    created = change.new is not None and change.old is None
    removed = change.new is None
    if change.kind == "vote" and (created or removed):
        vote = change.new or change.old
        data = {
            "requestId": change.request_id,
            "user": {"id": vote.user.id, "name": vote.user.name},
            "origin": vote.origin,
        }
        return [
            (
                "vote.created" if created else "vote.deleted",
                vote.created_ms if created else now_ms,
                data,
            )
        ]
    if change.kind == "comment":
        return _comment_events(change, created, removed, now_ms)
    if change.kind == "feedback" and created:
        return [("feedback.created", change.new.created_ms, _feedback_data(change.new))]
    return []


def derive(record: dict[str, Any], now_ms: int) -> list[DomainEvent]:
    """The domain events one Lambda-shaped stream record stands for (often none)."""
    change = change_from_stream(record)
    if change is None:
        return []
    source = record.get("eventID") or record.get("dynamodb", {}).get("SequenceNumber", "")
    imported = record.get("eventName") == "INSERT" and "imported" in record["dynamodb"].get(
        "NewImage", {}
    )
    return [
        DomainEvent(
            hashlib.sha256(f"{source}|{kind}".encode()).hexdigest()[:32],
            kind,
            at,
            change.tenant,
            change.app,
            data,
            imported,
        )
        for kind, at, data in _events_of(change, now_ms)
    ]


def publish_changes(ctx: Context, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Publish the events of a batch, ten to an SNS call; report the records that failed.

    A record that cannot even be read is reported too, so the stream's retries and its
    on-failure destination take it instead of it being dropped.
    """
    failed: list[str] = []
    pending: list[tuple[str, DomainEvent]] = []
    for record in records:
        sequence = record.get("dynamodb", {}).get("SequenceNumber", "")
        try:
            pending += [(sequence, e) for e in derive(record, ctx.clock())]
        except Exception:  # a poison record: report it, keep going with the rest
            failed.append(sequence)
    for start in range(0, len(pending), 10):
        chunk = pending[start : start + 10]
        failed += _publish(ctx, chunk)
    ordered = [r.get("dynamodb", {}).get("SequenceNumber", "") for r in records]
    return {"batchItemFailures": [{"itemIdentifier": s} for s in ordered if s in set(failed)]}


def reorder_changes(ctx: Context, records: list[dict[str, Any]]) -> int:
    """Move the requests whose counters (or tags) changed in this batch to their place in
    the vote-ordered lists: once per request however many votes the batch holds, from the
    counter as it is now, so a replayed or late batch writes nothing wrong. Returns the items
    written."""
    pending: dict[tuple[str, str, str], bool] = {}
    for record in records:
        found = reorder_from_stream(record)
        if found is not None:
            key = found[:3]
            pending[key] = pending.get(key, False) or found[3]
    return sum(ctx.store.reorder(*key, copies) for key, copies in pending.items())


def attributes(event: DomainEvent) -> dict[str, Any]:
    """The message attributes the consumers' subscription filters read (consumers.FILTERS):
    the type, which fields a request.updated changed, and whether an import made it."""
    found: dict[str, Any] = {
        "type": {"DataType": "String", "StringValue": event.type},
        "tenant": {"DataType": "String", "StringValue": event.tenant},
        "appId": {"DataType": "String", "StringValue": event.app},
    }
    if "changed" in event.data:
        found["changed"] = {
            "DataType": "String.Array",
            "StringValue": json.dumps(event.data["changed"]),
        }
    if event.quiet:
        found["quiet"] = {"DataType": "String", "StringValue": "true"}
    return found


def _publish(ctx: Context, chunk: list[tuple[str, DomainEvent]]) -> list[str]:
    entries = [
        {"Id": str(n), "Message": event.message(), "MessageAttributes": attributes(event)}
        for n, (_, event) in enumerate(chunk)
    ]
    try:
        result = aws.client("sns").publish_batch(
            TopicArn=ctx.settings.events_topic_arn, PublishBatchRequestEntries=entries
        )
    except Exception:
        return [sequence for sequence, _ in chunk]
    return [chunk[int(f["Id"])][0] for f in result.get("Failed", [])]
