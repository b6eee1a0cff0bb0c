"""Feature requests: the request item, one copy per tag, and their counters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import replace
from typing import Any

from ..records import FeatureRequest, Person
from .codec import _to_ddb
from .keys import Keys
from .standing import Standing
from .table import ConditionFailedError, Page, _readable

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


def _key(item: dict[str, Any]) -> dict[str, str]:
    return {"pk": item["pk"], "sk": item["sk"]}


def _with_count(item: dict[str, Any], counter: dict[str, Any] | None) -> dict[str, Any]:
    """The request item with the count of its counter, when it has one (requests written
    before counters existed have none until their first vote: their item's count is exact)."""
    return {**item, "votes": counter["votes"]} if counter and "votes" in counter else item


class Requests(Standing):
    """Requests and their tag copies; lists are one Query each; counters change only in a
    transaction with the item that justifies them."""

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

    def _board_op(self, req: FeatureRequest, left_on: str | None = None) -> dict[str, Any]:
        """Name the request's board on its counter: where a read by id finds it; with
        ``left_on``, also the board a move is leaving, until its old items are deleted."""
        values = {":type": "counter", ":b": req.board}
        expression = "SET #type = :type, board = :b"
        if left_on:
            expression += ", leftOn = :l"
            values[":l"] = left_on
        return self._update_op(
            Keys.counter(req.tenant, req.app, req.id), expression, values, names={"#type": "type"}
        )

    def _leftover_ops(self, old: FeatureRequest) -> list[dict[str, Any]]:
        """Delete a move's old items on ``old.board``: the main one only while it is still
        marked ``movedTo`` (so never a request moved back meanwhile), and its tag copies."""
        main = Keys.request(old.tenant, old.app, old.id, board=old.board)
        copies = [Keys.request(old.tenant, old.app, old.id, t, old.board) for t in old.tags]
        return [
            self._delete_op(main, "attribute_exists(movedTo)"),
            *[self._delete_op(k) for k in copies],
        ]

    def _drop_leftovers(self, tenant: str, items: Iterable[dict[str, Any]]) -> None:
        """Delete the old items of moves that stopped between their two writes (``items``
        are their main items, marked ``movedTo``); one a concurrent call deleted is skipped."""
        for item in items:
            with suppress(ConditionFailedError):
                self.transact(self._leftover_ops(_request_record(tenant, item)))

    def finish_move(self, req: FeatureRequest) -> None:
        """Complete a move of ``req`` that stopped between its two writes: delete what it
        left on ``req.left_on`` and take the mark off the counter (a repeat does nothing)."""
        if not req.left_on:
            return
        board = req.left_on
        item = self._get(Keys.request(req.tenant, req.app, req.id, board=board), True)
        ops = self._leftover_ops(_request_record(req.tenant, item)) if item else []
        if item and "movedTo" not in item:
            ops = []  # not a leftover (cannot be while the counter names another board)
        with suppress(ConditionFailedError):  # finished, or moved again, meanwhile
            self.transact([*ops, self._unmark_op(req, board)])

    def _unmark_op(self, req: FeatureRequest, board: str) -> dict[str, Any]:
        """Take ``board`` off the counter as the board a move left items on."""
        return self._update_op(
            Keys.counter(req.tenant, req.app, req.id),
            "REMOVE leftOn",
            {":l": board},
            "leftOn = :l",
        )

    def board_ids(self, tenant: str, app: str) -> list[str]:
        """The ids of an app's boards, ``general`` first (read from the app's item)."""
        item = self._get(Keys.app(tenant, app)) or {}
        others = [b["id"] for b in item.get("boards") or () if b["id"] != GENERAL]
        return [GENERAL, *others]

    def iter_requests(
        self, tenant: str, app: str, page_size: int = 200, boards: Iterable[str] | None = None
    ) -> Iterator[FeatureRequest]:
        """Every request of these boards (all of the app's by default), board by board,
        newest first, one page in memory at a time."""
        for board in self.board_ids(tenant, app) if boards is None else boards:
            cursor = None
            while True:
                items, cursor = self._query(
                    Keys.requests(tenant, app, board=board),
                    forward=False,
                    limit=page_size,
                    cursor=cursor,
                )
                yield from _records(tenant, items)
                if not cursor:
                    break

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

    def list_requests(
        self,
        tenant: str,
        app: str,
        *,
        status: str | None,
        tag: str | None,
        sort: str,
        limit: int,
        cursor: str | None,
        viewer: str | None = None,
        board: str = GENERAL,
    ) -> Page:
        """One Query, on the index built for this combination of filters; from an index or
        a tag's copies, one BatchGetItem more for the requests themselves, which also reads
        the ``viewer``'s voted set (so a page stays within four calls, auth included)."""
        if status:
            partition = Keys.status_list(tenant, app, status, tag, board)
            index = "byStatusTop" if sort == "top" else "byStatus"
            attr = "lk"
        else:
            partition = Keys.requests(tenant, app, tag, board)
            index = "byTop" if sort == "top" else None
            attr = "pk"
        items, next_cursor = self._query(
            partition, index=index, partition_attr=attr, forward=False, limit=limit, cursor=cursor
        )
        also = [Keys.voted(tenant, app, viewer)] if viewer and items else []
        if index or tag:
            # the list indexes project keys only and tag copies hold no description, so a
            # vote's re-order writes small items: the page's requests come from here
            ids = [Keys.request_id(i["sk"]) for i in items]
            items, sets = self._request_items(tenant, app, ids, also, board)
        else:
            sets = [found for found in map(self._get, also) if found]
        voted = frozenset(sets[0].get("ids", ())) if sets else frozenset()
        return Page(_records(tenant, items), next_cursor, voted if viewer else None)

    def with_status(
        self, tenant: str, app: str, status: str, boards: Iterable[str], limit: int
    ) -> list[FeatureRequest]:
        """Up to ``limit`` requests in ``status``, from each board's status list."""
        return self._board_by_board(
            tenant, app, boards, limit, lambda b: Keys.status_list(tenant, app, status, board=b)
        )

    def with_tag(
        self, tenant: str, app: str, tag: str, boards: Iterable[str], limit: int
    ) -> list[FeatureRequest]:
        """Up to ``limit`` listed requests that have ``tag``, from each board's copies of it
        (a request awaiting moderation has no copies yet)."""
        return self._board_by_board(
            tenant, app, boards, limit, lambda b: Keys.requests(tenant, app, tag, b), index=None
        )

    def _board_by_board(
        self,
        tenant: str,
        app: str,
        boards: Iterable[str],
        limit: int,
        partition: Callable[[str], str],
        index: str | None = "byStatus",
    ) -> list[FeatureRequest]:
        """Up to ``limit`` requests of one list per board, board by board: per board that has
        any, one Query and one BatchGetItem."""
        found: list[FeatureRequest] = []
        for board in boards:
            cursor = None
            while len(found) < limit:
                items, cursor = self._query(
                    partition(board),
                    index=index,
                    partition_attr="lk" if index else "pk",
                    limit=limit - len(found),
                    cursor=cursor,
                )
                ids = [Keys.request_id(i["sk"]) for i in items]
                read = self._request_items(tenant, app, ids, board=board)[0] if ids else []
                live = [i for i in read if "movedTo" not in i]
                self._drop_leftovers(tenant, (i for i in read if "movedTo" in i))
                found += _records(tenant, live)
                if not cursor or len(live) == len(ids):  # nothing stale took a place
                    break
        return found

    def board_is_empty(self, tenant: str, app: str, board: str) -> bool:
        """No request on it; what an unfinished move left there is deleted, not counted."""
        while True:
            items, _ = self._query(Keys.requests(tenant, app, board=board), limit=1)
            if not items or "movedTo" not in items[0]:
                return not items
            self._drop_leftovers(tenant, items)

    def _request_items(
        self,
        tenant: str,
        app: str,
        ids: list[str],
        also: list[dict[str, str]] = (),
        board: str = GENERAL,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The items of these requests of one board in this order, and those of the keys
        ``also`` that exist, in one BatchGetItem (per 100)."""
        keys = [Keys.request(tenant, app, r, board=board) for r in ids]
        found = self._batch_get(keys + list(also))
        requests = {i["id"]: i for i in found if i.get("type") == "request"}
        others = [i for i in found if i.get("type") != "request"]
        return [requests[r] for r in ids if r in requests], others

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

    def move_request(self, old: FeatureRequest, new: FeatureRequest) -> None:
        """Move ``old`` to ``new.board`` (nothing else changes): first the new items beside
        the old, the old marked ``movedTo`` and the counter naming the new board and the one
        left (``leftOn``), in one transaction (the stream makes one ``request.updated`` of
        it); then the old items go and the counter's mark with them. A move that stopped
        between the two is finished first (``finish_move``): moving back would find its old
        item in the way. Not while a merge from or into it is under way
        (ConditionFailedError)."""
        self.finish_move(old)
        main = Keys.request(old.tenant, old.app, old.id, board=old.board)
        comments = (  # a comment counted since the read would be lost with the old item
            "commentCount = :cc"
            if old.comment_count
            else "(attribute_not_exists(commentCount) OR commentCount = :cc)"
        )
        ops = [
            self._update_op(
                main,
                "SET movedTo = :b",
                {":b": new.board, ":v": old.version, ":cc": old.comment_count},
                "version = :v AND attribute_not_exists(movedTo) AND attribute_not_exists(mergeStep)"
                f" AND attribute_not_exists(mergesIn) AND {comments}",
            ),
            self._put_op(
                {**_request_item(new), "movedFrom": old.board}, "attribute_not_exists(pk)"
            ),
            self._board_op(new, left_on=old.board),
        ]
        ops += [self._put_op(_request_item(new, tag)) for tag in new.tags]
        self.transact(ops)
        with suppress(ConditionFailedError):  # a later move or a repair finished it meanwhile
            self.transact([*self._leftover_ops(old), self._unmark_op(old, old.board)])

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

    def requests_on_board(
        self, tenant: str, app: str, board: str, ids: list[str], viewer: str | None = None
    ) -> Page:
        """These requests of one board in this order, one item each, and the ``viewer``'s
        voted set, in one BatchGetItem (a search page, whose board is known); one moved away
        or deleted is left out."""
        keys = [Keys.request(tenant, app, r, board=board) for r in ids]
        also = [Keys.voted(tenant, app, viewer)] if viewer and ids else []
        read = self._batch_get(keys + also)
        found = {i["id"]: i for i in read if i.get("type") == "request"}
        sets = [i for i in read if also and i["pk"] == also[0]["pk"] and i["sk"] == also[0]["sk"]]
        voted = frozenset(sets[0].get("ids", ())) if sets else frozenset()
        records = _records(tenant, [found[r] for r in ids if r in found])
        return Page(records, None, voted if viewer else None)

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
