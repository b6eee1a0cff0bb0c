"""Comments on a request, counted on it."""

from __future__ import annotations

from typing import Any

from ..records import Comment, FeatureRequest, Person
from .keys import Keys
from .table import Page, _readable
from .votes import Votes


def _comment_record(tenant: str, app: str, item: dict[str, Any]) -> Comment:
    return Comment(
        tenant=tenant,
        app=app,
        request_id=item["requestId"],
        id=item["id"],
        body=item["body"],
        author=Person.from_dict(item["author"]),
        created_ms=item["createdAt"],
        moderation=item.get("moderation"),
    )


def _comment_item(req: FeatureRequest, comment: Comment) -> dict[str, Any]:
    """A comment under its request, or, while pending, in the moderation queue."""
    pending = comment.moderation == "pending"
    item = {
        **(
            Keys.pending(req.tenant, req.app, comment.id)
            if pending
            else Keys.comment(req.tenant, req.app, req.id, comment.id)
        ),
        "type": "comment",
        "id": comment.id,
        "requestId": req.id,
        "body": comment.body,
        "author": comment.author.to_dict(),
        "createdAt": comment.created_ms,
        "uk": Keys.user(req.tenant, req.app, comment.author.id),
    }
    if comment.moderation:
        item["moderation"] = comment.moderation
    return item


class Comments(Votes):
    """A comment also follows its author to the request."""

    def add_comment(
        self, req: FeatureRequest, comment: Comment, queued: dict[str, Any] | None = None
    ) -> None:
        """The comment counted on its request, the author following it, unless the author
        is banned (the last operation). A pending one waits in the moderation queue with
        ``queued`` (its spam score), counted when approved, the request checked to exist."""
        item = {**_comment_item(req, comment), **(queued or {})}
        ops = [self._put_op(item, "attribute_not_exists(pk)")]
        if comment.moderation == "pending":
            ops.append(
                self._check_op(Keys.request(req.tenant, req.app, req.id), "attribute_exists(pk)")
            )
        else:
            ops += [*self._comment_count_ops(req, 1), self._subscription_op(req, comment.author)]
        ops.append(self._ban_guard(req.tenant, req.app, comment.author.id, comment.created_ms))
        self.transact(ops)

    def get_comment(self, req: FeatureRequest, comment_id: str) -> Comment | None:
        item = self._get(Keys.comment(req.tenant, req.app, req.id, comment_id))
        return _comment_record(req.tenant, req.app, item) if item else None

    def delete_comment(self, req: FeatureRequest, comment_id: str) -> None:
        self.transact(
            [
                self._delete_op(
                    Keys.comment(req.tenant, req.app, req.id, comment_id), "attribute_exists(pk)"
                ),
                *self._comment_count_ops(req, -1),
            ]
        )

    def list_comments(self, req: FeatureRequest, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.request_children(req.tenant, req.app, req.id),
            prefix="C#",
            limit=limit,
            cursor=cursor,
        )
        return Page(
            _readable(items, lambda i: _comment_record(req.tenant, req.app, i)), next_cursor
        )
