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
    )


class Comments(Votes):
    """A comment also follows its author to the request."""

    def add_comment(self, req: FeatureRequest, comment: Comment) -> None:
        item = {
            **Keys.comment(req.tenant, req.app, req.id, comment.id),
            "type": "comment",
            "id": comment.id,
            "requestId": req.id,
            "body": comment.body,
            "author": comment.author.to_dict(),
            "createdAt": comment.created_ms,
            "uk": Keys.user(req.tenant, req.app, comment.author.id),
        }
        self.transact(
            [
                self._put_op(item, "attribute_not_exists(pk)"),
                *self._comment_count_ops(req, 1),
                self._subscription_op(req, comment.author),
            ]
        )

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
