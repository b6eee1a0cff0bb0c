"""Feature requests: the request item, one copy per tag, and their counters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..records import FeatureRequest, Person
from .codec import _to_ddb
from .keys import TOP_UNIT, Keys
from .table import ConditionFailedError, Page, Table, _readable


def _request_item(req: FeatureRequest, tag: str | None = None) -> dict[str, Any]:
    item = {
        **Keys.request(req.tenant, req.app, req.id, tag),
        "lk": Keys.status_list(req.tenant, req.app, req.status, tag),
        "top": Keys.top(req.votes, req.created_ms),
        "type": "request",
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
    if tag is None:
        item["uk"] = Keys.user(req.tenant, req.app, req.author.id)
        if req.merges_in:
            item["mergesIn"] = set(req.merges_in)
    return item


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
    )


class Requests(Table):
    """Requests and their tag copies; lists are one Query each; counters change only in a
    transaction with the item that justifies them."""

    def get_request(
        self, tenant: str, app: str, request_id: str, consistent: bool = False
    ) -> FeatureRequest | None:
        item = self._get(Keys.request(tenant, app, request_id), consistent)
        return _request_record(tenant, item) if item else None

    def create_request(
        self, req: FeatureRequest, idempotency: dict[str, Any] | None, subscriber: Person
    ) -> None:
        """The request, one copy per tag, the author's subscription and the replay record."""
        ops = [self._put_op(_request_item(req), "attribute_not_exists(pk)")]
        ops += [self._put_op(_request_item(req, tag)) for tag in req.tags]
        ops.append(self._subscription_op(req, subscriber))
        if idempotency is not None:
            ops.append(self._put_op(idempotency, "attribute_not_exists(pk)"))
        self.transact(ops)

    def iter_requests(
        self, tenant: str, app: str, page_size: int = 200
    ) -> Iterator[FeatureRequest]:
        """Every request of an app, newest first, one page in memory at a time."""
        cursor = None
        while True:
            items, cursor = self._query(
                Keys.requests(tenant, app), forward=False, limit=page_size, cursor=cursor
            )
            yield from _readable(items, lambda i: _request_record(tenant, i))
            if not cursor:
                return

    def bulk_put_requests(self, reqs: Iterable[FeatureRequest]) -> int:
        """Load many requests (with their tag copies) in batches: imports and benchmarks."""
        batch, count = [], 0
        for req in reqs:
            for tag in (None, *req.tags):
                batch.append({"PutRequest": {"Item": _to_ddb(_request_item(req, tag))}})
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
    ) -> Page:
        """One Query, on the index built for this combination of filters."""
        if status:
            partition = Keys.status_list(tenant, app, status, tag)
            index = "byStatusTop" if sort == "top" else "byStatus"
            attr = "lk"
        else:
            partition = Keys.requests(tenant, app, tag)
            index = "byTop" if sort == "top" else None
            attr = "pk"
        items, next_cursor = self._query(
            partition, index=index, partition_attr=attr, forward=False, limit=limit, cursor=cursor
        )
        return Page(_readable(items, lambda i: _request_record(tenant, i)), next_cursor)

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
        copy, and then the transaction also checks that the counters are unchanged.
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
        if added:
            guard += " AND votes = :votes AND commentCount = :comments"
            values |= {":votes": old.votes, ":comments": old.comment_count}
        ops = [
            self._set_op(
                Keys.request(new.tenant, new.app, new.id),
                changed,
                Keys.status_list(new.tenant, new.app, new.status),
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
                        Keys.request(new.tenant, new.app, new.id, tag),
                        changed,
                        Keys.status_list(new.tenant, new.app, new.status, tag),
                    )
                )
        ops += [
            self._delete_op(Keys.request(old.tenant, old.app, old.id, tag))
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

    def get_requests(self, tenant: str, app: str, ids: list[str]) -> list[FeatureRequest]:
        found = {
            i["id"]: _request_record(tenant, i)
            for i in self._batch_get([Keys.request(tenant, app, r) for r in ids])
        }
        return [found[r] for r in ids if r in found]

    def set_insights(self, req: FeatureRequest, insights: dict[str, Any]) -> bool:
        """Put the analysis on the request and its tag copies; False if it was deleted."""
        ops = [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id, tag),
                "SET insights = :i",
                {":i": insights},
                "attribute_exists(pk)",
            )
            for tag in (None, *req.tags)
        ]
        try:
            self.transact(ops)
            return True
        except ConditionFailedError:
            return False

    def put_insights_run(self, tenant: str, app: str, run: dict[str, Any]) -> None:
        self._put({**Keys.insights(tenant, app), "type": "insightsRun", **run})

    def get_insights_run(self, tenant: str, app: str) -> dict[str, Any] | None:
        item = self._get(Keys.insights(tenant, app))
        return {k: v for k, v in item.items() if k not in ("pk", "sk", "type")} if item else None

    def delete_request(self, req: FeatureRequest) -> None:
        """Remove the request and its copies at once, then its votes, comments and follows.

        Not while a merge from or into it is under way (ConditionFailedError)."""
        ops = [
            self._delete_op(
                Keys.request(req.tenant, req.app, req.id),
                "attribute_exists(pk) AND attribute_not_exists(mergeStep)"
                " AND attribute_not_exists(mergesIn)",
            )
        ]
        ops += [self._delete_op(Keys.request(req.tenant, req.app, req.id, t)) for t in req.tags]
        self.transact(ops)
        children = Keys.request_children(req.tenant, req.app, req.id)
        self._batch_delete({"pk": i["pk"], "sk": i["sk"]} for i in self._query_all(children, ""))

    def _counter_ops(
        self, req: FeatureRequest, votes: int = 0, comments: int = 0, expect_version: bool = True
    ) -> list[dict[str, Any]]:
        """ADD to the counters of the request and every tag copy, in the caller's transaction."""
        expression = "ADD votes :v, commentCount :c, #top :t"
        values = {":v": votes, ":c": comments, ":t": votes * TOP_UNIT}
        names = {"#top": "top"}
        main_condition = "attribute_exists(pk)"
        main_values = dict(values)
        if expect_version:
            main_condition += " AND version = :expected"
            main_values[":expected"] = req.version
        ops = [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id),
                expression,
                main_values,
                main_condition,
                names,
            )
        ]
        ops += [
            self._update_op(
                Keys.request(req.tenant, req.app, req.id, tag),
                expression,
                values,
                "attribute_exists(pk)",
                names,
            )
            for tag in req.tags
        ]
        return ops
