"""Feature requests: read by id, created, edited and deleted with their tag copies; their counters."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import replace
from typing import Any

from ..records import FeatureRequest, Person
from .codec import _to_ddb
from .keys import Keys
from .request_items import (
    GENERAL,
    MAIN_ONLY,
    _request_item,
    _request_record,
    _with_count,
    list_keys,
    stored_items,
)
from .request_lists import RequestLists
from .table import ConditionFailedError


def _key(item: dict[str, Any]) -> dict[str, str]:
    return {"pk": item["pk"], "sk": item["sk"]}


class Requests(RequestLists):
    """Requests and their tag copies (with their lists and board moves); counters change
    only in a transaction with the item that justifies them."""

    def get_request(
        self,
        tenant: str,
        app: str,
        request_id: str,
        consistent: bool = False,
        pending: bool = False,
    ) -> FeatureRequest | None:
        """The request with its exact vote count: the item and its counter in one call (the
        item's own ``votes`` follows the counter through the stream). With ``pending``, the
        same call also reads the moderation queue's copy of a request not yet approved."""
        item, counter = self._locate(tenant, app, [request_id], consistent, pending).get(
            request_id, (None, None)
        )
        if not item:
            return None
        found = _request_record(tenant, _with_count(item, counter))
        left_on = (counter or {}).get("leftOn")
        return replace(found, left_on=left_on) if left_on else found

    def _locate(
        self, tenant: str, app: str, ids: list[str], consistent: bool = False, pending: bool = False
    ) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
        """``{id: (item, counter)}`` of the requests that exist, in whichever board. Each is
        read at board ``general``'s key with its counter (and, with ``pending``, its place in
        the moderation queue), in one call; the counter names any other board (set with the
        request's creation or move), read in one call more."""
        keys = [
            k for r in ids for k in (Keys.request(tenant, app, r), Keys.counter(tenant, app, r))
        ]
        if pending:
            keys += [Keys.pending(tenant, app, r) for r in ids]
        found = self._batch_get(keys, consistent)
        counters = {i["pk"]: i for i in found if i["sk"] == "N"}
        # an item marked ``movedTo`` is the old copy of a move under way: the counter names
        # the board it moved to, read below
        items = {i["id"]: i for i in found if i.get("type") == "request" and "movedTo" not in i}
        boards = {}
        for r in ids:
            counter = counters.get(Keys.counter(tenant, app, r)["pk"])
            boards[r] = (counter or {}).get("board", GENERAL)
        elsewhere = [
            Keys.request(tenant, app, r, board=b)
            for r, b in boards.items()
            if b != GENERAL and r not in items
        ]
        if elsewhere:
            items |= {i["id"]: i for i in self._batch_get(elsewhere, consistent)}
        return {
            r: (items[r], counters.get(Keys.counter(tenant, app, r)["pk"]))
            for r in ids
            if r in items and items[r].get("board", GENERAL) == boards[r]
        }

    def get_requests(self, tenant: str, app: str, ids: list[str]) -> list[FeatureRequest]:
        """These requests, whichever their boards, in this order (missing ones left out)."""
        found = self._locate(tenant, app, ids)
        return [_request_record(tenant, found[r][0]) for r in ids if r in found]

    def boards_of(self, tenant: str, app: str, ids: list[str]) -> dict[str, str]:
        """Each id's board, from its small counter (which names any board but ``general``),
        in one BatchGetItem whatever the requests weigh; an id without one is ``general``."""
        found = self._batch_get([Keys.counter(tenant, app, r) for r in ids])
        named = {i["pk"]: i.get("board", GENERAL) for i in found}
        return {r: named.get(Keys.counter(tenant, app, r)["pk"], GENERAL) for r in ids}

    def create_request(
        self,
        req: FeatureRequest,
        idempotency: dict[str, Any] | None,
        subscriber: Person,
        queued: dict[str, Any] | None = None,
    ) -> None:
        """The request, one copy per tag, the author's subscription and the replay record,
        unless the author is banned (the last operation). A pending request goes to the
        moderation queue instead, with ``queued`` (its spam score) and no tag copies."""
        ops = [self._put_op({**_request_item(req), **(queued or {})}, "attribute_not_exists(pk)")]
        if req.moderation != "pending":
            ops += [self._put_op(_request_item(req, tag)) for tag in req.tags]
        if req.board != GENERAL:
            ops.append(self._board_op(req))
        ops.append(self._subscription_op(req, subscriber))
        if idempotency is not None:
            ops.append(self._put_unless_live_op(idempotency, req.created_ms))
        ops.append(self._ban_guard(req.tenant, req.app, req.author.id, req.created_ms))
        self.transact(ops)

    def bulk_put_requests(self, reqs: Iterable[FeatureRequest]) -> int:
        """Load many requests (with their tag copies, unless pending) in batches: imports and
        benchmarks."""
        batch, count = [], 0
        for req in reqs:
            for item in stored_items(req):
                batch.append({"PutRequest": {"Item": _to_ddb(item)}})
                if len(batch) == 25:
                    count += self._write_batch(batch)
                    batch = []
        if batch:
            count += self._write_batch(batch)
        return count

    def update_request(
        self,
        old: FeatureRequest,
        new: FeatureRequest,
        *,
        condition: str | None = None,
        also: list[dict[str, Any]] | None = None,
    ) -> None:
        """Write the changed fields of ``new`` if ``old`` is still current (and ``condition``
        holds), with the operations ``also`` in the same transaction.

        Counters (votes, comments) are never written from a read value except for a new tag
        copy: then the transaction checks that the comment count is unchanged, and the
        stream re-orders the copies from the vote counter (``reorder``).
        """
        fields = _request_item(new)
        changed = {
            k: v
            for k, v in fields.items()
            if k not in ("pk", "sk", "uk", "votes", "commentCount", "top", "lk", "mergesIn")
            and _request_item(old).get(k) != v
        }
        changed["version"] = new.version
        changed["updatedAt"] = new.updated_ms
        guard = "attribute_exists(pk) AND version = :expected"
        if condition:
            guard += f" AND {condition}"
        values: dict[str, Any] = {":expected": old.version}
        added = [t for t in new.tags if t not in old.tags]
        if added:  # a new copy's vote count is re-ordered from the counter after the edit
            guard += " AND commentCount = :comments"
            values |= {":comments": old.comment_count}
        ops = [
            self._set_op(
                Keys.request(new.tenant, new.app, new.id, board=new.board),
                changed,
                list_keys(new)["lk"],
                guard,
                values,
            )
        ]
        for tag in new.tags:
            if tag in added:
                ops.append(self._put_op(_request_item(new, tag)))
            else:
                ops.append(
                    self._set_op(
                        Keys.request(new.tenant, new.app, new.id, tag, new.board),
                        {k: v for k, v in changed.items() if k not in MAIN_ONLY},
                        list_keys(new, tag)["lk"],
                    )
                )
        ops += [
            self._delete_op(Keys.request(old.tenant, old.app, old.id, tag, old.board))
            for tag in old.tags
            if tag not in new.tags
        ]
        self.transact(ops + (also or []))

    def _set_op(
        self,
        key: dict[str, str],
        fields: dict[str, Any],
        status_list: str,
        condition: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict:
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        sets, removes, vals = ["#lk = :lk"], [], dict(values or {})
        names["#lk"] = "lk"
        vals[":lk"] = status_list
        for alias, name in names.items():
            if name == "lk":
                continue
            value = fields[name]
            if value is None:
                removes.append(alias)
            else:
                sets.append(f"{alias} = :{alias[1:]}")
                vals[f":{alias[1:]}"] = value
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        return self._update_op(key, expression, vals, condition, names)

    def delete_request(self, req: FeatureRequest, now_ms: int) -> None:
        """Remove the request and its copies at once, then its votes, comments, follows and
        pending comments (found by their authors' copies).
        Its counter stays a day as a tombstone, so a vote that read the request just before
        fails instead of counting on a deleted request.

        Not while a merge from or into it is under way (ConditionFailedError)."""
        self.finish_move(req)
        counter = Keys.counter(req.tenant, req.app, req.id)
        expires = now_ms // 1000 + 86400
        ops = [
            self._delete_op(
                Keys.request(req.tenant, req.app, req.id, board=req.board),
                "attribute_exists(pk) AND attribute_not_exists(mergeStep)"
                " AND attribute_not_exists(mergesIn)",
            )
        ]
        ops += [
            self._delete_op(Keys.request(req.tenant, req.app, req.id, t, req.board))
            for t in req.tags
        ]
        ops.append(self._put_op({**counter, "type": "counter", "gone": True, "expiresAt": expires}))
        self.transact(ops)
        children = list(self._query_all(Keys.request_children(req.tenant, req.app, req.id), ""))
        held = [  # its pending comments leave the queue too: nothing is left to decide
            Keys.pending(req.tenant, req.app, i["id"])
            for i in children
            if i.get("type") == "heldComment"
        ]
        self._batch_delete([*(_key(i) for i in children if i["sk"] != counter["sk"]), *held])

    def set_insights(self, req: FeatureRequest, insights: dict[str, Any]) -> bool:
        """Put the analysis on the request (lists read it there); False if it was deleted."""
        try:
            self._call(
                "update_item",
                **self._update_op(
                    Keys.request(req.tenant, req.app, req.id, board=req.board),
                    "SET insights = :i",
                    {":i": insights},
                    "attribute_exists(pk)",
                )["Update"],
            )
            return True
        except ConditionFailedError:
            return False

    def put_insights_run(self, tenant: str, app: str, run: dict[str, Any]) -> None:
        self._put({**Keys.insights(tenant, app), "type": "insightsRun", **run})

    def get_insights_run(self, tenant: str, app: str) -> dict[str, Any] | None:
        item = self._get(Keys.insights(tenant, app))
        return {k: v for k, v in item.items() if k not in ("pk", "sk", "type")} if item else None

    def _comment_count_ops(self, req: FeatureRequest, delta: int) -> list[dict[str, Any]]:
        """ADD to the comment count of the request and every tag copy, in the caller's
        transaction."""
        return [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id, tag, req.board),
                "ADD commentCount :c",
                {":c": delta},
                "attribute_exists(pk) AND attribute_not_exists(movedTo)",  # not while it moves
            )
            for tag in (None, *req.tags)
        ]

    def _count_op(
        self, req: FeatureRequest, delta: int, condition: str, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """ADD ``delta`` to the request's vote counter if ``condition`` holds on it. A request
        from before counters gets one here, starting from its item's exact count."""
        return self._update_op(
            Keys.counter(req.tenant, req.app, req.id),
            "SET #type = :type, votes = if_not_exists(votes, :base) + :d",
            {":type": "counter", ":base": req.votes, ":d": delta, **(values or {})},
            condition,
            {"#type": "type"},
        )

    def _step_op(self, req: FeatureRequest, step: str | None) -> dict[str, Any]:
        """Put the merge step on the request's counter (or take it off), so that votes,
        checked against the counter alone, are refused while voters move."""
        key = Keys.counter(req.tenant, req.app, req.id)
        if step is None:
            return self._update_op(key, "REMOVE merging")
        return self._update_op(
            key,
            "SET #type = :type, votes = if_not_exists(votes, :base), merging = :step",
            {":type": "counter", ":base": req.votes, ":step": step},
            "attribute_not_exists(gone)",
            {"#type": "type"},
        )

    def reorder(self, tenant: str, app: str, request_id: str, copies: bool = False) -> int:
        """Give the request and its tag copies the count of its counter (their place in the
        vote-ordered lists); the stream calls it once per request per batch, ``copies`` when
        the tags changed (a new copy took the count read before the edit). Returns the
        items written: none when the request already agrees with its counter."""
        item, counter = self._locate(tenant, app, [request_id], consistent=True).get(
            request_id, (None, None)
        )
        if item is None or counter is None or "votes" not in counter:
            return 0
        votes = counter["votes"]
        if item.get("votes") == votes and not copies:
            return 0
        tags = (None, *item.get("tags", ()))
        for tag in tags:
            with suppress(ConditionFailedError):  # deleted (or untagged) since the read
                self._call(
                    "update_item",
                    **self._update_op(
                        Keys.request(tenant, app, request_id, tag, item.get("board", GENERAL)),
                        "SET votes = :v, #top = :t",
                        {":v": votes, ":t": Keys.top(votes, item["createdAt"])},
                        "attribute_exists(pk)",
                        {"#top": "top"},
                    )["Update"],
                )
        return len(tags)
