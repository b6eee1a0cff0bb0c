"""Comments on a request, counted on it; their edits and reactions.

A comment's reaction counts live on the comment item (``rx<reaction>``), so a page of
comments carries them with no extra read; each user's reactions to one comment are one
small item (``X#user#comment``) holding a string set, changed in the same transaction as
the count, so a count is never lost or doubled, and a replay changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import REACTIONS, Comment, FeatureRequest, Person
from .codec import _from_ddb, _values
from .keys import Keys
from .table import _readable
from .votes import Votes

_COUNT = "rx"  # the prefix of a reaction's count on the comment item
HELD_SHOWN = 20  # of one viewer's held comments, a page shows at most this many


@dataclass(frozen=True)
class CommentPage:
    """One page of comments as one viewer sees it."""

    comments: list[Comment]  # oldest first: internal notes too, the viewer's held ones among
    next_cursor: str | None
    reacted: dict[str, list[str]]  # the viewer's reactions, by comment id


def _comment_record(tenant: str, app: str, item: dict[str, Any]) -> Comment:
    counts = {r: int(item.get(_COUNT + r, 0)) for r in REACTIONS}
    return Comment(
        tenant=tenant,
        app=app,
        request_id=item["requestId"],
        id=item["id"],
        body=item["body"],
        author=Person.from_dict(item["author"]),
        created_ms=item["createdAt"],
        moderation=item.get("moderation"),
        internal=bool(item.get("internal", False)),
        edited_ms=item.get("editedAt"),
        reactions={r: n for r, n in counts.items() if n > 0},
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
        **({"internal": True} if comment.internal else {}),
    }
    if comment.moderation:
        item["moderation"] = comment.moderation
    return item


def _held_item(req: FeatureRequest, comment: Comment) -> dict[str, Any]:
    """The author's copy of a pending comment, under its request (the queue holds the one
    the team decides on): it shows the comment to its author alone until the decision."""
    key = Keys.held_comment(req.tenant, req.app, req.id, comment.author.id, comment.id)
    return {**_comment_item(req, comment), **key, "type": "heldComment"}


def portable_comment(item: dict[str, Any]) -> dict[str, Any]:
    """A comment item's attributes for the way out: the counts as one ``reactions`` map."""
    out = {k: v for k, v in item.items() if not k.startswith(_COUNT)}
    counts = {r: int(item[_COUNT + r]) for r in REACTIONS if item.get(_COUNT + r)}
    return {**out, "reactions": counts} if counts else out


def comment_counts(record: dict[str, Any]) -> dict[str, Any]:
    """The way back: a portable comment's ``reactions`` map as the item's count attributes."""
    out = {k: v for k, v in record.items() if k != "reactions"}
    return out | {_COUNT + r: int(n) for r, n in (record.get("reactions") or {}).items()}


class Comments(Votes):
    """A comment also follows its author to the request. Internal notes are not counted in
    the request's ``commentCount``: that count is shown to everyone."""

    def add_comment(
        self,
        req: FeatureRequest,
        comment: Comment,
        queued: dict[str, Any] | None = None,
        idempotency: dict[str, Any] | None = None,
    ) -> None:
        """The comment counted on its request (an internal note is not), the author following
        it, and the replay record, unless the author is banned (the last operation). A
        pending one waits in the moderation queue with ``queued`` (its spam score), counted
        when approved, the request checked to exist."""
        item = {**_comment_item(req, comment), **(queued or {})}
        ops = [self._put_op(item, "attribute_not_exists(pk)")]
        if comment.moderation == "pending":
            where = Keys.request(req.tenant, req.app, req.id, board=req.board)
            ops += [
                self._check_op(where, "attribute_exists(pk)"),
                self._put_op(_held_item(req, comment)),
            ]
        else:
            counts = [] if comment.internal else self._comment_count_ops(req, 1)
            ops += [*counts, self._subscription_op(req, comment.author)]
        if idempotency is not None:
            ops.append(self._put_unless_live_op(idempotency, comment.created_ms))
        ops.append(self._ban_guard(req.tenant, req.app, comment.author.id, comment.created_ms))
        self.transact(ops)

    def get_comment(
        self, req: FeatureRequest, comment_id: str, consistent: bool = False
    ) -> Comment | None:
        item = self._get(Keys.comment(req.tenant, req.app, req.id, comment_id), consistent)
        return _comment_record(req.tenant, req.app, item) if item else None

    def delete_comment(self, req: FeatureRequest, comment: Comment) -> None:
        key = Keys.comment(req.tenant, req.app, req.id, comment.id)
        counts = [] if comment.internal else self._comment_count_ops(req, -1)
        self.transact([self._delete_op(key, "attribute_exists(pk)"), *counts])

    def edit_comment(
        self, req: FeatureRequest, comment_id: str, body: str, now_ms: int, since_ms: int = 0
    ) -> Comment:
        """Set the body if the comment still exists (and was made at ``since_ms`` or later:
        an author's window is checked by the write itself); the comment as written."""
        response = self._call(
            "update_item",
            TableName=self.table,
            Key=_values(Keys.comment(req.tenant, req.app, req.id, comment_id)),
            UpdateExpression="SET body = :b, editedAt = :t",
            ConditionExpression="attribute_exists(pk) AND createdAt >= :since",
            ExpressionAttributeValues=_values({":b": body, ":t": now_ms, ":since": since_ms}),
            ReturnValues="ALL_NEW",
        )
        return _comment_record(req.tenant, req.app, _from_ddb(response["Attributes"]))

    def react(
        self,
        req: FeatureRequest,
        comment_id: str,
        user: str,
        reaction: str,
        on: bool,
        now_ms: int,
    ) -> bool:
        """Add (``on``) or take back one user's reaction and its count at once; False when
        there was nothing to change (already so). Raises ConditionFailedError with the
        comment's reason when the comment is gone, or the ban guard's (the last operation)
        when the user is banned."""
        from .table import ConditionFailedError

        mine = Keys.reactions(req.tenant, req.app, req.id, user, comment_id)
        values = {":x": {reaction}}
        if on:
            expression = "ADD r :x SET #t = :type, uk = :uk, userId = :u, commentId = :c"
            condition = "NOT contains(r, :r)"
            values |= {
                ":type": "reactions",
                ":uk": Keys.user(req.tenant, req.app, user),
                ":u": user,
                ":c": comment_id,
            }
        else:
            expression, condition = "DELETE r :x", "contains(r, :r)"
        values[":r"] = reaction
        names = {"#t": "type"} if on else None
        try:
            self.transact(
                [
                    self._update_op(mine, expression, values, condition, names),
                    self._update_op(
                        Keys.comment(req.tenant, req.app, req.id, comment_id),
                        "ADD #n :d",
                        {":d": 1 if on else -1},
                        "attribute_exists(pk)",
                        {"#n": _COUNT + reaction},
                    ),
                    self._ban_guard(req.tenant, req.app, user, now_ms),
                ]
            )
        except ConditionFailedError as exc:
            if exc.failed_at(1) or exc.failed_at(2):
                raise
            return False
        return True

    def forget_reactions(self, item: dict[str, Any]) -> None:
        """Take back all of one user's reactions to one comment (a forgotten user): the item
        goes, and the counts with it while the comment is there."""
        from .table import ConditionFailedError

        key = {"pk": item["pk"], "sk": item["sk"]}
        tenant, app, rest = Keys.scope(item["pk"])
        comment = Keys.comment(tenant, app or "", rest.removeprefix("R#"), item["commentId"])
        names = {f"#n{n}": _COUNT + r for n, r in enumerate(item.get("r") or [])}
        adds = ", ".join(f"{name} :d" for name in names)  # one operation per item
        counts = (
            [self._update_op(comment, f"ADD {adds}", {":d": -1}, "attribute_exists(pk)", names)]
            if names
            else []
        )
        try:
            self.transact([self._delete_op(key), *counts])
        except ConditionFailedError:  # the comment went meanwhile: only the item is left
            self.transact([self._delete_op(key)])

    def reacted(
        self, req: FeatureRequest, user: str, first_id: str, last_id: str
    ) -> dict[str, list[str]]:
        """The user's reactions to the comments from ``first_id`` to ``last_id``: one Query,
        at most one small item per comment."""
        return self._viewer_items(req, user, first_id, last_id)[0]

    def _viewer_items(
        self, req: FeatureRequest, user: str, after: str, upto: str | None, limit: int = 0
    ) -> tuple[dict[str, list[str]], list[Comment]]:
        """One user's reactions and held comments in a window of comment ids (one Query,
        ``limit`` items at most when given)."""
        partition, low, high = Keys.viewer_window(req.tenant, req.app, req.id, user, after, upto)
        response = self._call(
            "query",
            TableName=self.table,
            KeyConditionExpression="pk = :p AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues=_values({":p": partition, ":low": low, ":high": high}),
            **({"Limit": limit} if limit else {}),
        )
        reacted: dict[str, list[str]] = {}
        held: list[Comment] = []
        prefix = f"X#{user}#"
        for item in (_from_ddb(i) for i in response.get("Items", [])):
            rest = item["sk"][len(prefix) :]
            if not item["sk"].startswith(prefix):
                continue
            if item.get("type") == "heldComment":
                held += _readable([item], lambda i: _comment_record(req.tenant, req.app, i))
            elif "#" not in rest and item.get("r"):
                reacted[rest] = list(item["r"])
        return reacted, [c for c in held if c.author.id == user]

    def comment_page(
        self, req: FeatureRequest, limit: int, cursor: str | None, viewer: str | None
    ) -> CommentPage:
        """One page, oldest first, and for a ``viewer`` one more Query: their reactions to it
        and their own comments awaiting moderation whose ids fall in the page's range (after
        the previous page's last, up to this page's last, or on to the end on the last page),
        so each shows once, where it was posted."""
        children = Keys.request_children(req.tenant, req.app, req.id)
        items, next_cursor = self._query(children, prefix="C#", limit=limit, cursor=cursor)
        comments = _readable(items, lambda i: _comment_record(req.tenant, req.app, i))
        if viewer is None:
            return CommentPage(comments, next_cursor, {})
        after = self._page_start(children, "C#", cursor).removeprefix("C#")
        upto = items[-1]["sk"].removeprefix("C#") if next_cursor else None
        window = len(items) + 1 + HELD_SHOWN  # a reaction per comment, the one before, held
        reacted, held = self._viewer_items(req, viewer, after, upto, window)
        return CommentPage(sorted(comments + held, key=lambda c: c.id), next_cursor, reacted)
