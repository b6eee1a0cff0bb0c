"""Table changes as the stream reports them, turned into records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .apps import _app_record
from .changelog import _entry_record
from .codec import _from_ddb
from .comments import _comment_record
from .feedback import _feedback_record
from .keys import Keys
from .request_items import _request_record
from .votes import _vote_record


@dataclass(frozen=True)
class Change:
    """One table change, as records: what the stream says happened, keys already parsed."""

    kind: str  # "request", "vote", "comment", "feedback", "changelog"
    tenant: str
    app: str
    old: Any
    new: Any
    request_id: str | None = None


def change_from_stream(record: dict[str, Any]) -> Change | None:
    """The change of a Lambda-shaped stream record, or None for items no event is made of.

    Tolerates key-only images (moto emits one for an UpdateItem that creates an item).
    """
    data = record.get("dynamodb", {})
    old = _from_ddb(data["OldImage"]) if data.get("OldImage") else None
    new = _from_ddb(data["NewImage"]) if data.get("NewImage") else None
    if old is not None and "type" not in old:
        old = None
    if new is not None and "type" not in new:
        new = None
    image = new or old
    if image is None:
        return None
    tenant, app, rest = Keys.scope(image["pk"])
    kind = image["type"]
    if kind == "app":  # a change of settings (statuses, boards): not a creation or removal
        if old is None or new is None:
            return None
        return Change(kind, tenant, image["id"], _app_record(tenant, old), _app_record(tenant, new))
    if not app or (kind == "request" and not Keys.is_request_partition(rest)):
        return None  # tag copies and posts awaiting moderation make no events
    if kind == "request" and "movedTo" in image:
        return None  # a move's old item: the new one (``movedFrom``) makes the event
    if rest == "MOD" and kind != "decision":  # awaiting moderation: no event until approved
        return None
    convert = {
        "request": lambda i: _request_record(tenant, i),
        "vote": _vote_record,
        "comment": lambda i: _comment_record(tenant, app, i),
        "feedback": lambda i: _feedback_record(tenant, i),
        "changelog": lambda i: _entry_record(tenant, i),
        "decision": dict,  # a moderator's approve or reject (see moderation.py)
    }.get(kind)
    if convert is None:
        return None
    if kind == "decision":
        request_id = image["requestId"]
    elif kind == "request":
        request_id = image["id"]
    else:
        request_id = rest[2:] if rest.startswith("R#") else None
    before, after = old and convert(old), new and convert(new)
    if kind == "request" and old is None and new.get("movedFrom"):
        before = replace(after, board=new["movedFrom"], version=after.version - 1)
    return Change(kind, tenant, app, before, after, request_id)


def reorder_from_stream(record: dict[str, Any]) -> tuple[str, str, str, bool] | None:
    """``(tenant, app, request id, copies)`` when a record moves a request in the
    vote-ordered lists: its counter changed, or its tags did (``copies``: a new tag copy
    holds the count read before the edit). None for every other record."""
    data = record.get("dynamodb", {})
    new = _from_ddb(data["NewImage"]) if data.get("NewImage") else {}
    old = _from_ddb(data["OldImage"]) if data.get("OldImage") else {}
    keys = _from_ddb(data["Keys"]) if data.get("Keys") else new or old
    tenant, app, rest = Keys.scope(keys.get("pk", ""))
    if not app:
        return None
    if keys.get("sk") == "N" and rest.startswith("R#"):
        return tenant, app, rest[2:], False
    if Keys.is_request_partition(rest) and new and old and new.get("tags") != old.get("tags"):
        return tenant, app, new["id"], True
    return None
