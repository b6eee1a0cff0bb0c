"""Whole apps as portable records without table keys: the way out (dump) and back in (load)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..records import REACTIONS, Person
from .changelog import _entry_item, _entry_record
from .codec import _to_ddb
from .comments import _comment_record, comment_counts, portable_comment
from .feedback import _feedback_record
from .keys import Keys
from .request_items import _request_record, _with_count, stored_items
from .votes import Votes


class Portable(Votes):
    """``dump_app`` and ``load_app``."""

    def dump_app(self, tenant: str, app: str) -> Iterator[dict[str, Any]]:
        """Every request of an app, each followed by its votes, moved votes, followers and
        comments, then the app's feedback and changelog entries: portable records without table keys (times in ms
        since the epoch), what tools/postgres/load.sql loads into PostgreSQL."""
        counter = Keys.counter(tenant, app, "")["sk"]
        settings = self._get(Keys.app(tenant, app)) or {}
        workflow = {k: settings[k] for k in WORKFLOW if settings.get(k)}
        if workflow:  # the app's own statuses and boards, before the requests that use them
            yield {"kind": "settings", **workflow}
        boards = self.board_ids(tenant, app)
        reqs = (
            r for b in boards for r in self._query_all(Keys.requests(tenant, app, board=b), "R#")
        )
        for req in reqs:
            children = list(self._query_all(Keys.request_children(tenant, app, req["id"]), ""))
            count = next((c for c in children if c["sk"] == counter), None)
            yield _portable(_with_count(req, count))  # the exact count, not the list's copy
            yield from (_portable(c, req["id"]) for c in children if _is_portable(c))
        for held in self._query_all(Keys.moderation_queue(tenant, app), "Q#"):  # still pending
            record = {k: v for k, v in _portable(held).items() if not k.startswith("spam")}
            yield {k: v for k, v in record.items() if k != "requestTitle"}
        yield from (_portable(f) for f in self._query_all(Keys.feedback(tenant, app)["pk"], "F#"))
        yield from (_portable(e) for e in self._query_all(Keys.changelog(tenant, app)["pk"], "E#"))

    def load_app(
        self, tenant: str, app: str, records: Iterable[dict[str, Any]], feedback_days: int
    ) -> dict[str, int]:
        """Write dumped records into an app, ids kept, 25 to a batch. Loading the same records
        twice writes the same items again. Items are marked ``imported``: their events update
        statistics and search but send no email and no webhook."""
        counts: dict[str, int] = {}
        batch: list[dict[str, Any]] = []
        voted: dict[str, list[str]] = {}
        for number, record in enumerate(records, 1):
            if record.get("kind") == "settings":
                self._load_settings(tenant, app, record)
                counts["settings"] = 1
                continue
            try:
                items = _items_of(tenant, app, record, feedback_days)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"record {number}: {type(exc).__name__} {exc}") from None
            for item in items:
                batch.append({"PutRequest": {"Item": _to_ddb({**item, "imported": True})}})
                if len(batch) == 25:
                    self._write_batch(batch)
                    batch = []
            counts[record["kind"]] = counts.get(record["kind"], 0) + 1
            if record["kind"] == "vote":
                voted.setdefault(record["user"]["id"], []).append(str(record["requestId"]))
        if batch:
            self._write_batch(batch)
        for user, request_ids in voted.items():
            self._call(
                "update_item", **self._voted_op(tenant, app, user, request_ids, True)["Update"]
            )
        return counts

    def _load_settings(self, tenant: str, app: str, record: dict[str, Any]) -> None:
        """Give the app the dumped statuses and boards (the app must exist)."""
        values = {f":{k}": record[k] for k in WORKFLOW if isinstance(record.get(k), list)}
        if not values:
            raise ValueError("a settings record without statuses or boards")
        sets = ", ".join(f"{k[1:]} = {k}" for k in values)
        self._call(
            "update_item",
            **self._update_op(
                Keys.app(tenant, app),
                f"SET {sets} ADD version :one",
                {**values, ":one": 1},
                "attribute_exists(pk)",
            )["Update"],
        )


WORKFLOW = ("statuses", "boards")  # the app's settings a dump carries (kind "settings")
PORTABLE = (
    "request",
    "vote",
    "movedVote",
    "subscription",
    "comment",
    "reactions",
    "feedback",
    "changelog",
)
_TABLE_ONLY = {"pk", "sk", "uk", "lk", "top", "type", "appId", "imported", "expiresAt"}


def _is_portable(item: dict[str, Any]) -> bool:
    """A kind the way out carries; a user's reactions only while it holds any."""
    return item.get("type") in PORTABLE and (item["type"] != "reactions" or bool(item.get("r")))


def _portable(item: dict[str, Any], request_id: str | None = None) -> dict[str, Any]:
    if item["type"] == "comment":
        item = portable_comment(item)
    elif item["type"] == "reactions":  # a user's reactions to one comment, as a sorted list
        item = {**{k: v for k, v in item.items() if k != "r"}, "reactions": sorted(item["r"])}
    record = {"kind": item["type"], **{k: v for k, v in item.items() if k not in _TABLE_ONLY}}
    if request_id is not None:
        record["requestId"] = request_id
    return record


def _items_of(
    tenant: str, app: str, record: dict[str, Any], feedback_days: int
) -> list[dict[str, Any]]:
    """The table items one portable record becomes (a request: one per tag copy too)."""
    kind = record["kind"]
    if kind not in PORTABLE:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(PORTABLE)}")
    body = {k: v for k, v in record.items() if k not in ("kind", "requestId")}
    if kind == "request":
        req = _request_record(tenant, {**body, "appId": app})
        return stored_items(req)
    if kind == "changelog":
        return [_entry_item(_entry_record(tenant, {**body, "appId": app}))]
    if kind == "feedback":
        fb = _feedback_record(tenant, {**body, "appId": app})
        item = {**Keys.feedback(tenant, app, fb.id), "type": kind, "appId": app, **body}
        if fb.user_id:
            item["uk"] = Keys.user(tenant, app, fb.user_id)
        if feedback_days:
            item["expiresAt"] = fb.created_ms // 1000 + feedback_days * 86400
        return [item]
    request_id = str(record["requestId"])
    if kind == "comment":
        body = comment_counts(body)
        comment = _comment_record(tenant, app, {**body, "requestId": request_id})
        key, user = Keys.comment(tenant, app, request_id, comment.id), comment.author.id
        if comment.moderation == "pending":  # back into the queue, not under its request
            key = Keys.pending(tenant, app, comment.id)
        body["requestId"] = request_id
    elif kind == "reactions":
        user, reactions = str(body["userId"]), set(body.pop("reactions"))
        if not reactions or not reactions <= set(REACTIONS):
            raise ValueError(f"reactions must be some of {', '.join(REACTIONS)}")
        key = Keys.reactions(tenant, app, request_id, user, str(body["commentId"]))
        body["r"] = reactions  # a string set, as the reaction writes keep it
    else:
        user = Person.from_dict(body["user"]).id
        key = (
            Keys.subscription(tenant, app, request_id, user)
            if kind == "subscription"
            else Keys.vote(tenant, app, request_id, user, moved=kind == "movedVote")
        )
    found = {**key, "type": kind, **body}
    if kind != "vote":  # a vote is found from the voted set, like one made by the API
        found["uk"] = Keys.user(tenant, app, user)
    if kind == "comment" and body.get("moderation") == "pending":  # and its author's copy
        held = Keys.held_comment(tenant, app, request_id, user, str(body["id"]))
        return [found, {**found, **held, "type": "heldComment"}]
    return [found]
