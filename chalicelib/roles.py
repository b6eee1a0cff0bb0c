"""What each team role may do: one table, checked by the router on every call of a member.

``owner`` does everything, ``admin`` everything but managing members (it may invite, but
not an owner), ``moderator`` triages (status, response, merges, moderation, comments,
bans), ``viewer`` reads. A route not named here needs ``viewer`` to read (GET) and
``admin`` for anything else, so a route added later is closed to the lower roles until it
is named. An admin key is the operator's: it counts as an owner.
"""

from __future__ import annotations

import re
from typing import Any

from .auth import Caller
from .errors import ForbiddenError

__all__ = ["ROLES", "rank", "needed", "check", "check_fields"]

ROLES = ("viewer", "moderator", "admin", "owner")
_REQ = "/v1/apps/{appId}/requests/{requestId}"
_NEEDS: dict[tuple[str, str], str] = {
    ("POST", "/v1/members"): "admin",
    ("PATCH", "/v1/members/{memberId}"): "owner",
    ("DELETE", "/v1/members/{memberId}"): "owner",
    ("DELETE", "/v1/session"): "viewer",
    ("PATCH", _REQ): "moderator",
    ("POST", _REQ + "/merge"): "moderator",
    ("POST", _REQ + "/unmerge"): "moderator",
    ("GET", "/v1/apps/{appId}/export"): "admin",
    ("GET", "/v1/apps/{appId}/users/{userId}/data"): "admin",
    ("GET", "/v1/apps/{appId}/webhooks/deliveries"): "admin",
    ("GET", "/v1/audit"): "admin",
}
# triage routes of the workflow section: comments, the moderation queue, approve, reject, bans
_TRIAGE = re.compile(
    r"/(comments(/\{commentId\}(/reactions/\{reaction\})?)?|moderation|approve|reject|ban)$"
)
# what a moderator may change on a request
_MODERATOR_FIELDS = frozenset({"status", "response", "priority", "tags", "board"})


def rank(role: str) -> int:
    return ROLES.index(role)


def needed(method: str, path: str) -> str:
    """The least role a route needs."""
    if (method, path) in _NEEDS:
        return _NEEDS[(method, path)]
    if method == "GET":  # reading is a viewer's, but for the queue of what awaits moderation
        return "moderator" if path.endswith("/moderation") else "viewer"
    return "moderator" if _TRIAGE.search(path) else "admin"


def check(caller: Caller, method: str, path: str) -> None:
    """403 for a member whose role is below the route's."""
    member = caller.member
    if member is None:
        return
    least = needed(method, path)
    if rank(member.role) < rank(least):
        raise ForbiddenError(f"a {member.role} may not do this: it needs the {least} role or above")


def check_fields(caller: Caller, method: str, path: str, body: Any) -> None:
    """A moderator edits a request's triage fields only, not what its author wrote."""
    member = caller.member
    if member is None or member.role != "moderator" or (method, path) != ("PATCH", _REQ):
        return
    extra = sorted(body.model_fields_set - _MODERATOR_FIELDS)
    if extra:
        raise ForbiddenError(
            f"a moderator may change status, response, priority, tags and board, not {', '.join(extra)}"
        )
