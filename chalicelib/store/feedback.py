"""Feedback: free-form messages with an optional rating, labelled by sentiment later."""

from __future__ import annotations

from typing import Any

from ..records import Feedback
from .keys import Keys
from .standing import Standing
from .table import ConditionFailedError, Page, _readable


def _feedback_record(tenant: str, item: dict[str, Any]) -> Feedback:
    return Feedback(
        tenant=tenant,
        app=item["appId"],
        id=item["id"],
        message=item["message"],
        created_ms=item["createdAt"],
        rating=item.get("rating"),
        type=item.get("feedbackType"),
        name=item.get("name"),
        email=item.get("email"),
        user_id=item.get("userId"),
        page=item.get("page"),
        sentiment=item.get("sentiment"),
        extra=item.get("extra") or {},
    )


class Feedbacks(Standing):
    """Feedback items, kept for the configured days."""

    def add_feedback(self, fb: Feedback, idempotency: dict[str, Any] | None = None) -> None:
        """The feedback, with the replay record of a keyed call, unless its user is banned."""
        item = {
            **Keys.feedback(fb.tenant, fb.app, fb.id),
            "type": "feedback",
            "id": fb.id,
            "appId": fb.app,
            "message": fb.message,
            "rating": fb.rating,
            "feedbackType": fb.type,
            "name": fb.name,
            "email": fb.email,
            "userId": fb.user_id,
            "page": fb.page,
            "sentiment": fb.sentiment,
            "createdAt": fb.created_ms,
            "extra": fb.extra or None,
        }
        if fb.user_id:
            item["uk"] = Keys.user(fb.tenant, fb.app, fb.user_id)
        if fb.expires_at:
            item["expiresAt"] = fb.expires_at
        ops = [self._put_op(item, "attribute_not_exists(pk)")]
        if idempotency is not None:
            ops.append(self._put_unless_live_op(idempotency, fb.created_ms))
        if fb.user_id:  # unless the user is banned: the last operation
            ops.append(self._ban_guard(fb.tenant, fb.app, fb.user_id, fb.created_ms))
        if len(ops) == 1:
            self._put(item, "attribute_not_exists(pk)")
        else:
            self.transact(ops)

    # what the list shows: not ``extra``, whose keys came from outside (an empty one, stored
    # by older code, made moto answer JSON that botocore cannot parse: the whole page failed)
    FEEDBACK_LISTED = (
        "pk", "sk", "id", "appId", "message", "createdAt", "rating", "feedbackType", "name",
        "email", "userId", "page", "sentiment",
    )  # fmt: skip

    def list_feedback(self, tenant: str, app: str, limit: int, cursor: str | None) -> Page:
        items, next_cursor = self._query(
            Keys.feedback(tenant, app)["pk"],
            prefix="F#",
            forward=False,
            limit=limit,
            cursor=cursor,
            projection=self.FEEDBACK_LISTED,
        )
        return Page(_readable(items, lambda i: _feedback_record(tenant, i)), next_cursor)

    def set_feedback_sentiment(
        self,
        tenant: str,
        app: str,
        feedback_id: str,
        sentiment: str,
        event_id: str,
        expires_at: int,
    ) -> bool:
        """Label one feedback and count the label, once per event, in one transaction."""
        marker = {**Keys.marker(tenant, event_id, "sentiment"), "expiresAt": expires_at}
        try:
            self.transact(
                [
                    self._put_op(marker, "attribute_not_exists(pk)"),
                    self._update_op(
                        Keys.feedback(tenant, app, feedback_id),
                        "SET sentiment = :s",
                        {":s": sentiment},
                        "attribute_exists(pk)",
                    ),
                    self._update_op(
                        Keys.stats(tenant, app),
                        "ADD #c :one",
                        {":one": 1},
                        None,
                        {"#c": f"sent_{sentiment}"},
                    ),
                ]
            )
            return True
        except ConditionFailedError as exc:
            if exc.failed_at(0) or exc.failed_at(1):  # seen already, or the feedback is gone
                return False
            raise
