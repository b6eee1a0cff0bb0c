"""What we hold about one end user in an app: show all of it, or forget them.

Forgetting deletes their votes (counts go down in the same transactions as any unvote),
follows and email opt-outs, and keeps their requests and comments under "deleted user";
feedback loses their name and email.
"""

from __future__ import annotations

from typing import Any

from ..auth import DELETED_ID, Caller
from ..context import Context
from ..errors import ValidationFailedError
from ..ids import iso
from ..records import App
from .requests import fetch

__all__ = ["user_data", "forget_user", "DELETED"]

DELETED = {"id": DELETED_ID, "name": "deleted user"}


def _check(user_id: str) -> None:
    if not 1 <= len(user_id) <= 128:
        raise ValidationFailedError.for_field("userId", "must be 1 to 128 characters")


def user_data(ctx: Context, caller: Caller, app: App, user_id: str) -> dict[str, Any]:
    caller.require_admin()
    _check(user_id)
    out: dict[str, Any] = {
        "userId": user_id,
        "requests": [],
        "comments": [],
        "votes": [],
        "subscriptions": [],
        "reactions": [],
        "feedback": [],
        "emailOptOut": False,
    }
    for item in ctx.store.user_items(app.tenant, app.id, user_id):
        kind = item.get("type")
        request_id = item["pk"].rsplit("#R#", 1)[-1] if "#R#" in item["pk"] else None
        if kind == "request":
            out["requests"].append(
                {
                    "id": item["id"],
                    "title": item["title"],
                    "description": item.get("description", ""),
                    "author": item["author"],
                    "createdAt": iso(item["createdAt"]),
                }
            )
        elif kind == "comment":
            out["comments"].append(
                {
                    "id": item["id"],
                    "requestId": item["requestId"],
                    "body": item["body"],
                    "author": item["author"],
                    "createdAt": iso(item["createdAt"]),
                }
            )
        elif kind in ("vote", "movedVote"):
            out["votes"].append(
                {
                    "requestId": request_id,
                    "createdAt": iso(item["createdAt"]),
                    "user": item["user"],
                    "movedTo": item.get("movedTo"),
                }
            )
        elif kind == "subscription":
            out["subscriptions"].append({"requestId": request_id, "user": item["user"]})
        elif kind == "reactions" and item.get("r"):
            out["reactions"].append(
                {"requestId": request_id, "commentId": item["commentId"], "reactions": item["r"]}
            )
        elif kind == "feedback":
            out["feedback"].append(
                {
                    "id": item["id"],
                    "message": item["message"],
                    "rating": item.get("rating"),
                    "name": item.get("name"),
                    "email": item.get("email"),
                    "createdAt": iso(item["createdAt"]),
                }
            )
        elif kind == "optOut":
            out["emailOptOut"] = True
    return out


def forget_user(ctx: Context, caller: Caller, app: App, user_id: str) -> None:
    caller.require_admin()
    _check(user_id)
    items = ctx.store.user_items(app.tenant, app.id, user_id)
    # the voted set last: taking back a vote updates it
    for item in sorted(items, key=lambda i: i.get("type") == "votedSet"):
        if item.get("type") == "vote":
            request_id = item["pk"].rsplit("#R#", 1)[-1]
            _unvote(ctx, app, request_id, user_id)
        else:
            ctx.store.forget_item(item, DELETED)


def _unvote(ctx: Context, app: App, request_id: str, user_id: str) -> None:
    from ..store import ConditionFailedError

    for _ in range(10):
        try:
            ctx.store.remove_vote(fetch(ctx, app, request_id), user_id)
            return
        except ConditionFailedError as exc:
            if exc.failed_at(0):
                return  # already gone
