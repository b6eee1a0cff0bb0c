"""Tags across an app's requests: the team renames one or removes it everywhere, a bounded
number of requests per call, so one call's cost does not grow with the app."""

from __future__ import annotations

import re
from typing import Any

from ..auth import Caller
from ..context import Context
from ..errors import ConflictError, ValidationFailedError
from ..records import App, FeatureRequest
from ..workflow import boards
from .access import actor_id
from .requests import rewrite

__all__ = ["retag", "RETAG_PER_CALL"]

RETAG_PER_CALL = 50  # requests one call changes; while more remain it answers 409
_TAG = re.compile(r"^[a-z0-9-]{1,32}$")


def retag(ctx: Context, caller: Caller, app: App, tag: str, name: str | None) -> dict[str, Any]:
    """Rename ``tag`` to ``name`` (None: remove it) on up to ``RETAG_PER_CALL`` requests, each
    a conditional write of one request (a ``request.updated`` event with ``changed: ["tags"]``).
    While more remain, 409 with the count changed: the same call made again carries on; a
    call that finds none changes nothing, so a replay is harmless."""
    caller.require_admin()
    if not _TAG.match(tag):
        raise ValidationFailedError.for_field("tag", "must be 1 to 32 of a-z, 0-9 and -")
    if name == tag:
        raise ValidationFailedError.for_field("name", "is the tag's name already")
    board_ids = [b["id"] for b in boards(app)]
    found = ctx.store.with_tag(app.tenant, app.id, tag, board_ids, RETAG_PER_CALL + 1)

    def change(req: FeatureRequest) -> dict[str, Any] | None:
        if tag not in req.tags:
            return None
        renamed = (name if t == tag else t for t in req.tags)
        return {"tags": tuple(dict.fromkeys(t for t in renamed if t is not None))}

    actor = actor_id(caller)
    changed = sum(rewrite(ctx, app, r.id, actor, change) for r in found[:RETAG_PER_CALL])
    if len(found) > RETAG_PER_CALL:
        raise ConflictError(
            f"changed {changed} requests and more remain: send the same call again to carry on"
        )
    return {"tag": name or tag, "changed": changed}
