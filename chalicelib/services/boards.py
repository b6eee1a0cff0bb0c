"""An app's boards: kept on the app's item (so every call knows their visibility for free)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import present
from ..auth import Caller
from ..context import Context
from ..errors import ConflictError, NotFoundError
from ..models import BoardCreate, BoardPatch
from ..records import App
from ..workflow import BOARD_MAX, GENERAL, board, boards, visible_boards
from .apps import replace_app

__all__ = ["list_boards", "create", "patch", "delete"]


def list_boards(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    """The boards this caller may see, ``general`` first."""
    return {"items": [present.board(b) for b in visible_boards(caller, app)]}


def _found(caller: Caller, app: App, board_id: str) -> dict[str, Any]:
    caller.require_admin()
    found = board(app, board_id)
    if found is None:
        raise NotFoundError("no such board")
    return found


def _save(ctx: Context, app: App, stored: list[dict[str, Any]]) -> None:
    updated = replace(app, boards=tuple(stored), version=app.version + 1, updated_ms=ctx.clock())
    replace_app(ctx, app, updated)


def create(ctx: Context, caller: Caller, app: App, body: BoardCreate) -> dict[str, Any]:
    caller.require_admin()
    if board(app, body.id) is not None:
        raise ConflictError(f"a board with id {body.id!r} already exists")
    if len(boards(app)) >= BOARD_MAX:
        raise ConflictError(f"an app has at most {BOARD_MAX} boards")
    made = body.model_dump()
    _save(ctx, app, [*app.boards, made])
    return present.board(made)


def patch(ctx: Context, caller: Caller, app: App, board_id: str, body: BoardPatch) -> dict:
    """Rename, describe or change the visibility of a board (``general`` too)."""
    found = _found(caller, app, board_id)
    changed = {**found, **body.model_dump(exclude_unset=True)}
    stored = [changed if b["id"] == board_id else b for b in app.boards]
    if changed not in stored:  # general, never edited before
        stored.append(changed)
    _save(ctx, app, stored)
    return present.board(changed)


def delete(ctx: Context, caller: Caller, app: App, board_id: str) -> None:
    """Only an empty board, never ``general`` (409)."""
    _found(caller, app, board_id)
    if board_id == GENERAL:
        raise ConflictError("board general always exists")
    if not ctx.store.board_is_empty(app.tenant, app.id, board_id):
        raise ConflictError("the board has requests: move or delete them first")
    _save(ctx, app, [b for b in app.boards if b["id"] != board_id])
