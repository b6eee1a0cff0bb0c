"""How a request is stored: its item, its tag copies' items and the record read back from them."""

from __future__ import annotations

from typing import Any

from ..records import FeatureRequest, Person
from .keys import Keys
from .table import _readable

GENERAL = "general"  # the board of every request written before boards
MAIN_ONLY = ("description", "insights")  # not on tag copies: a re-order then writes small items


def list_keys(req: FeatureRequest, tag: str | None = None) -> dict[str, Any]:
    """Where the request (or its copy for ``tag``) sits in the lists, the one place that says
    so: its board's partition (``pk``, newest first, and ``byTop``), its board's status list
    (``lk``: ``byStatus``, ``byStatusTop``) and its place by votes (``top``). Board
    ``general`` has the keys from before boards."""
    return {
        **Keys.request(req.tenant, req.app, req.id, tag, req.board),
        "lk": Keys.status_list(req.tenant, req.app, req.status, tag, req.board),
        "top": Keys.top(req.votes, req.created_ms),
    }


def _request_item(req: FeatureRequest, tag: str | None = None) -> dict[str, Any]:
    item = {
        **list_keys(req, tag),
        "type": "request",
        "board": req.board,
        "id": req.id,
        "appId": req.app,
        "title": req.title,
        "description": req.description,
        "status": req.status,
        "priority": req.priority,
        "tags": list(req.tags),
        "votes": req.votes,
        "commentCount": req.comment_count,
        "author": req.author.to_dict(),
        "response": req.response,
        "duplicateOf": req.duplicate_of,
        "statusBeforeMerge": req.status_before_merge,
        "insights": req.insights,
        "createdAt": req.created_ms,
        "updatedAt": req.updated_ms,
        "updatedBy": req.updated_by,
        "version": req.version,
        "mergeStep": req.merge_step,
        "mergeTarget": req.merge_target,
    }
    if req.shipped_in:
        item["shippedIn"] = req.shipped_in
    if req.moderation:
        item["moderation"] = req.moderation
    if req.moderation == "pending":  # in the moderation queue, in no list until approved
        item.update(Keys.pending(req.tenant, req.app, req.id))
        del item["lk"], item["top"]
    if tag is None:
        item["uk"] = Keys.user(req.tenant, req.app, req.author.id)
        if req.merges_in:
            item["mergesIn"] = set(req.merges_in)
    else:
        for wide in MAIN_ONLY:  # a tag list reads these from the request itself
            del item[wide]
    return item


def stored_items(req: FeatureRequest) -> list[dict[str, Any]]:
    """The items a request is written as by a bulk load: itself, its tag copies and, outside
    ``general``, a counter naming its board."""
    copies = req.tags if req.moderation != "pending" else ()  # pending: the queue's only
    items = [_request_item(req, tag) for tag in (None, *copies)]
    if req.board != GENERAL:
        counter = Keys.counter(req.tenant, req.app, req.id)
        items.append({**counter, "type": "counter", "board": req.board})
    return items


def _request_record(tenant: str, item: dict[str, Any]) -> FeatureRequest:
    return FeatureRequest(
        tenant=tenant,
        app=item["appId"],
        id=item["id"],
        title=item["title"],
        description=item.get("description", ""),
        author=Person.from_dict(item["author"]),
        created_ms=item["createdAt"],
        updated_ms=item["updatedAt"],
        status=item["status"],
        priority=item["priority"],
        tags=tuple(item.get("tags", ())),
        votes=item.get("votes", 0),
        comment_count=item.get("commentCount", 0),
        response=item.get("response"),
        duplicate_of=item.get("duplicateOf"),
        status_before_merge=item.get("statusBeforeMerge"),
        insights=item.get("insights"),
        version=item["version"],
        updated_by=item.get("updatedBy"),
        merge_step=item.get("mergeStep"),
        merge_target=item.get("mergeTarget"),
        merges_in=tuple(item.get("mergesIn", ())),
        shipped_in=item.get("shippedIn"),
        board=item.get("board", GENERAL),
        moderation=item.get("moderation"),
    )


def _records(tenant: str, items: list[dict[str, Any]]) -> list[FeatureRequest]:
    """The readable requests of a page, less the old item of a move not yet deleted."""
    return _readable([i for i in items if "movedTo" not in i], lambda i: _request_record(tenant, i))


def _with_count(item: dict[str, Any], counter: dict[str, Any] | None) -> dict[str, Any]:
    """The request item with the count of its counter, when it has one (requests written
    before counters existed have none until their first vote: their item's count is exact)."""
    return {**item, "votes": counter["votes"]} if counter and "votes" in counter else item
