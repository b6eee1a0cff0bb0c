"""The moderation queue: requests and comments that wait for the team, oldest first, and
the decisions on them. A pending post lives only in the queue's partition (no list key, no
tag copy, no count), so no list, search, count or event sees it; approving moves it where
an approved post lives, in one transaction, and that write is its ``created`` event."""

from __future__ import annotations

from typing import Any

from ..records import Comment, FeatureRequest
from .comments import Comments, _comment_item, _comment_record
from .keys import Keys
from .request_items import GENERAL, _request_item, _request_record
from .table import Page

DECISION_TTL_S = 30 * 86400  # how long a repeated approve or reject is answered as the first


class Moderation(Comments):
    """Queue, approve, reject: each decision one transaction."""

    def list_queue(self, tenant: str, app: str, limit: int, cursor: str | None) -> Page:
        """One Query of the queue's partition: a page costs the same at any table size."""
        items, next_cursor = self._query(
            Keys.moderation_queue(tenant, app), prefix="Q#", limit=limit, cursor=cursor
        )
        return Page([self._queued(tenant, app, i) for i in items], next_cursor)

    @staticmethod
    def _queued(tenant: str, app: str, item: dict[str, Any]) -> dict[str, Any]:
        kind = item["type"]
        record = (
            _request_record(tenant, item)
            if kind == "request"
            else _comment_record(tenant, app, item)
        )
        return {
            "kind": kind,
            "record": record,
            "spamScore": float(item.get("spamScore", 0)),
            "spamReasons": list(item.get("spamReasons", ())),
            "requestTitle": item.get("requestTitle"),
        }

    def get_pending_comment(self, tenant: str, app: str, comment_id: str) -> Comment | None:
        item = self._get(Keys.pending(tenant, app, comment_id), consistent=True)
        if item is None or item.get("type") != "comment":
            return None
        return _comment_record(tenant, app, item)

    def get_decision(self, tenant: str, app: str, item_id: str) -> dict[str, Any] | None:
        return self._get(Keys.decision(tenant, app, item_id), consistent=True)

    def _decision_ops(
        self,
        tenant: str,
        app: str,
        kind: str,
        item_id: str,
        request_id: str,
        author: str,
        decision: str,
        actor: str,
        now_ms: int,
    ) -> list[dict[str, Any]]:
        """Take the post off the queue (if still there), record the decision (its event)
        and count it on the author's standing."""
        return [
            self._delete_op(Keys.pending(tenant, app, item_id), "attribute_exists(pk)"),
            self._put_op(
                {
                    **Keys.decision(tenant, app, item_id),
                    "type": "decision",
                    "kind": kind,
                    "id": item_id,
                    "requestId": request_id,
                    "decision": decision,
                    "actor": actor,
                    "createdAt": now_ms,
                    "expiresAt": now_ms // 1000 + DECISION_TTL_S,
                }
            ),
            self._standing_op(tenant, app, author, decision),
        ]

    def decide_request(
        self, req: FeatureRequest, decision: str, actor: str, now_ms: int, posted_on: str
    ) -> None:
        """Approve: the request joins the lists (with its tag copies) on ``req.board``;
        reject: it goes, with the author's follow. ``posted_on`` is the board it waited for:
        its counter names any board but ``general``, and follows the request (or goes with
        it). Raises ConditionFailedError when it left the queue meanwhile."""
        ops = self._decision_ops(
            req.tenant, req.app, "request", req.id, req.id, req.author.id, decision, actor, now_ms
        )
        if decision == "approved":
            ops.append(self._put_op(_request_item(req), "attribute_not_exists(pk)"))
            ops += [self._put_op(_request_item(req, tag)) for tag in req.tags]
            if posted_on != req.board:
                ops.append(self._board_op(req))
        else:
            ops.append(
                self._delete_op(Keys.subscription(req.tenant, req.app, req.id, req.author.id))
            )
            if posted_on != GENERAL:
                ops.append(self._delete_op(Keys.counter(req.tenant, req.app, req.id)))
        self.transact(ops)

    def decide_comment(
        self, req: FeatureRequest, comment: Comment, decision: str, actor: str, now_ms: int
    ) -> None:
        """Approve: the comment joins its request, counted; reject: it goes. Either way its
        author's copy goes too."""
        ops = self._decision_ops(
            req.tenant,
            req.app,
            "comment",
            comment.id,
            req.id,
            comment.author.id,
            decision,
            actor,
            now_ms,
        )
        ops.append(self._held_drop(comment))
        if decision == "approved":
            ops += [
                self._put_op(_comment_item(req, comment), "attribute_not_exists(pk)"),
                *self._comment_count_ops(req, 1),
                self._subscription_op(req, comment.author),
            ]
        self.transact(ops)

    def reject_orphan_comment(self, comment: Comment, actor: str, now_ms: int) -> None:
        """Reject a pending comment whose request was deleted since: it only leaves the queue
        (its author's copy went with the request)."""
        self.transact(
            self._decision_ops(
                comment.tenant,
                comment.app,
                "comment",
                comment.id,
                comment.request_id,
                comment.author.id,
                "rejected",
                actor,
                now_ms,
            )
        )

    def _held_drop(self, comment: Comment) -> dict[str, Any]:
        """Delete the author's copy of a pending comment, decided now (none: a no-op)."""
        return self._delete_op(
            Keys.held_comment(
                comment.tenant, comment.app, comment.request_id, comment.author.id, comment.id
            )
        )
