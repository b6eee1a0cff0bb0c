"""Request ids named on what a caller reads (a duplicate's ``duplicateOf``, a changelog
entry's ``requestIds``) are shown only where the caller may see the named request's board:
a private board's ids are the team's, and a link to one would only lead to a 404.

What it costs: nothing for the team or for a caller who may see every board of the app
(the app, read with the call, holds the boards); else one BatchGetItem of the named
requests' small counters (what names a request's board) per answer, not one per item.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import replace
from typing import Any

from .. import present
from ..auth import Caller
from ..context import Context
from ..records import App, FeatureRequest
from ..workflow import boards, may_see

__all__ = ["visible_ids", "ids_on", "requests_shown", "request_shown"]


def visible_ids(ctx: Context, caller: Caller, app: App, ids: Iterable[str]) -> set[str]:
    """The ids among ``ids`` of requests on boards the caller may see."""
    return ids_on(ctx, app, ids, lambda board: may_see(caller, app, board))


def ids_on(ctx: Context, app: App, ids: Iterable[str], shown: Callable[[str], bool]) -> set[str]:
    """The ids among ``ids`` of requests on boards that pass ``shown``: no read when every
    board of the app passes, else one BatchGetItem of their counters."""
    wanted = set(ids)
    if not wanted or all(shown(b["id"]) for b in boards(app)):
        return wanted
    located = ctx.store.boards_of(app.tenant, app.id, sorted(wanted))
    return {r for r, board in located.items() if shown(board)}


def requests_shown(
    ctx: Context, caller: Caller, app: App, items: Sequence[FeatureRequest], voted: Container[str]
) -> list[dict[str, Any]]:
    """The requests as the caller is shown them: a duplicate of a request the caller may not
    see still says ``status: duplicate``, with ``duplicateOf: null``."""
    seen = visible_ids(ctx, caller, app, (r.duplicate_of for r in items if r.duplicate_of))
    return [
        present.request(
            r if r.duplicate_of in seen or not r.duplicate_of else replace(r, duplicate_of=None),
            r.id in voted,
            caller.is_admin,
        )
        for r in items
    ]


def request_shown(
    ctx: Context, caller: Caller, app: App, req: FeatureRequest, voted: bool
) -> dict[str, Any]:
    return requests_shown(ctx, caller, app, [req], {req.id} if voted else ())[0]
