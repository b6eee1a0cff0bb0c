"""An app's own statuses: the list is replaced whole; requests of a removed status move."""

from __future__ import annotations

from typing import Any

from ..auth import Caller
from ..context import Context
from ..errors import ConflictError, ValidationFailedError
from ..models import StatusIn
from ..records import App
from ..workflow import DUPLICATE, boards, status_ids
from .access import actor_id
from .requests import restatus

__all__ = ["replaced", "REMAP_PER_CALL"]

REMAP_PER_CALL = 50  # requests one PATCH moves off removed statuses; the same call continues


def _stored(status: StatusIn) -> dict[str, Any]:
    stored = status.model_dump()
    if stored["roadmap"] is None:
        del stored["roadmap"]  # the default of its kind, which follows a change of kind
    return stored


def replaced(
    ctx: Context,
    caller: Caller,
    app: App,
    wanted: list[StatusIn],
    replace_with: str | None,
    per_call: int | None = None,
) -> tuple[dict[str, Any], ...]:
    """The statuses to store. A removed status that requests still have is 409, unless
    ``replace_with`` names where they go: then at most ``per_call`` of them move per call
    (each a conditional write of one request), and while more remain the call answers 409
    with the count moved, the statuses unchanged: the same call made again carries on."""
    new = tuple(_stored(s) for s in wanted)
    new_ids = [s["id"] for s in new]
    if replace_with is not None and (replace_with not in new_ids or replace_with == DUPLICATE):
        raise ValidationFailedError.for_field(
            "replaceWith", "must be one of the new statuses, not duplicate"
        )
    removed = [s for s in status_ids(app) if s not in new_ids]
    board_ids = [b["id"] for b in boards(app)]
    per_call = per_call or REMAP_PER_CALL
    budget = per_call
    for status in removed:
        found = ctx.store.with_status(app.tenant, app.id, status, board_ids, budget + 1)
        if found and replace_with is None:
            raise ConflictError(
                f"requests still have status {status!r}: name replaceWith to move them"
            )
        for req in found[:budget]:
            restatus(ctx, app, req.id, actor_id(caller), replace_with, only_from=status)
        if len(found) > budget:
            raise ConflictError(
                f"moved {per_call} requests to {replace_with!r} and more remain:"
                " send the same call again to carry on"
            )
        budget -= len(found)
    return new
