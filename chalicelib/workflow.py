"""An app's statuses and boards: the rules every layer asks instead of assuming a fixed set.

Both live on the app's item (at most ``STATUS_MAX`` statuses and ``BOARD_MAX`` boards), so a
call that already read its app knows them without another read. An app written before they
existed has neither: it reads as today's seven statuses and the one board ``general``, which
is the whole migration (nothing is re-written).
"""

from __future__ import annotations

from typing import Any

from .auth import Caller, is_service_id
from .records import App

__all__ = [
    "DEFAULT_STATUSES",
    "DUPLICATE",
    "BOARD_MAX",
    "STATUS_MAX",
    "GENERAL",
    "KINDS",
    "VISIBILITIES",
    "statuses",
    "status_ids",
    "status_kind",
    "first_of_kind",
    "roadmap_ids",
    "on_roadmap",
    "boards",
    "board",
    "may_see",
    "visible_boards",
]

KINDS = ("open", "active", "done", "closed")
VISIBILITIES = ("public", "signed_in", "private")
GENERAL = "general"
DUPLICATE = "duplicate"
STATUS_MAX = 20
BOARD_MAX = 50


def _status(sid: str, name: str, color: str, kind: str) -> dict[str, Any]:
    return {
        "id": sid,
        "name": name,
        "color": color,
        "kind": kind,
        "roadmap": kind in ("active", "done"),
    }


DEFAULT_STATUSES: tuple[dict[str, Any], ...] = (
    _status("open", "Open", "#6b7280", "open"),
    _status("under_review", "Under review", "#b45309", "open"),
    _status("planned", "Planned", "#2563eb", "active"),
    _status("in_progress", "In progress", "#7c3aed", "active"),
    _status("completed", "Completed", "#15803d", "done"),
    _status("declined", "Declined", "#b91c1c", "closed"),
    _status(DUPLICATE, "Duplicate", "#64748b", "closed"),
)
_GENERAL_BOARD = {"id": GENERAL, "name": "General", "description": "", "visibility": "public"}


def statuses(app: App) -> tuple[dict[str, Any], ...]:
    """The app's statuses in display order (today's seven for an app that never set any)."""
    return app.statuses or DEFAULT_STATUSES


def status_ids(app: App) -> list[str]:
    return [s["id"] for s in statuses(app)]


def status_kind(app: App, status: str) -> str:
    """The kind of a status; one the app no longer has counts as ``closed``."""
    return next((s["kind"] for s in statuses(app) if s["id"] == status), "closed")


def first_of_kind(app: App, kind: str) -> str:
    """Where new requests start (``open``) and shipped ones go (``done``): the app's first
    status of that kind. Validation keeps one of each of ``open`` and ``done``."""
    return next(s["id"] for s in statuses(app) if s["kind"] == kind)


def on_roadmap(status: dict[str, Any]) -> bool:
    """A status's own ``roadmap`` flag, or its kind's default (active and done)."""
    flag = status.get("roadmap")
    return status["kind"] in ("active", "done") if flag is None else bool(flag)


def roadmap_ids(app: App) -> list[str]:
    return [s["id"] for s in statuses(app) if on_roadmap(s)]


def boards(app: App) -> tuple[dict[str, Any], ...]:
    """The app's boards, ``general`` first: it exists whether or not it was ever edited."""
    stored = tuple(b for b in app.boards if b["id"] != GENERAL)
    general = next((b for b in app.boards if b["id"] == GENERAL), _GENERAL_BOARD)
    return (general, *stored)


def board(app: App, board_id: str) -> dict[str, Any] | None:
    return next((b for b in boards(app) if b["id"] == board_id), None)


def team_only(app: App, board_id: str) -> bool:
    """Whether end users are kept out of a board: a ``private`` one, or one that is gone.
    What leaves the team (emails, webhooks without ``privateBoards``) asks this."""
    found = board(app, board_id)
    return found is None or found["visibility"] == "private"


def may_see(caller: Caller, app: App, board_id: str) -> bool:
    """``public``: anyone with the app's key; ``signed_in``: a caller with a valid user token
    (or the team); ``private``: the team only. An unknown board is seen by nobody."""
    found = board(app, board_id)
    if found is None:
        return False
    if caller.is_admin or found["visibility"] == "public":
        return True
    if found["visibility"] == "signed_in":
        user = caller.user
        return user is not None and not caller.anonymous and not is_service_id(user.id)
    return False


def visible_boards(caller: Caller, app: App) -> list[dict[str, Any]]:
    return [b for b in boards(app) if may_see(caller, app, b["id"])]
