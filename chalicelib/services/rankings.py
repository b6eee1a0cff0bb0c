"""The board's ranked lists: trending, most discussed, and a voter's own votes.

None of them is an index of the table: each ranks ids read in one call (a week or a month
of per-day activity, or the voter's set of voted requests), then reads one page of those
requests in a batch or two, so a page costs the same whatever the app's size. A cursor is
the position in that ranking, signed, with the day it was ranked on, so paging through a
list that is not being written to returns every item once even across midnight.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .. import signed
from ..auth import Caller
from ..context import Context
from ..errors import UnauthenticatedError, ValidationFailedError
from ..events import DomainEvent
from ..models import ListQuery
from ..records import App, FeatureRequest
from ..store import Activity
from ..workflow import GENERAL
from . import linked
from .access import viewer_id

__all__ = [
    "activity_of",
    "page",
    "voted_ids",
    "voter",
    "RANKED",
    "TRENDING_DAYS",
    "DISCUSSED_DAYS",
    "SCAN_MAX",
]

RANKED = ("trending", "discussed")
TRENDING_DAYS = 7  # votes and comments of the last week; a day's weight halves every 2 days
DISCUSSED_DAYS = 30  # comments of the last 30 days
SCAN_MAX = 100  # a filtered page looks at most this many ranked requests (one BatchGetItem)
KEEP_DAYS = DISCUSSED_DAYS + 2


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def activity_of(event: DomainEvent) -> Activity | None:
    """A vote's or a comment's (or its removal's) count on the day it happened, which the
    statistics consumer adds in the same transaction as the app's counters."""
    kind = {"vote.created": ("v_", 1), "vote.deleted": ("v_", -1)}.get(event.type) or {
        "comment.created": ("c_", 1),
        "comment.deleted": ("c_", -1),
    }.get(event.type)
    if kind is None or event.data.get("internal"):  # internal notes do not rank what all see
        return None
    prefix, delta = kind
    request_id = event.data["requestId"]
    expires = event.created_ms // 1000 + KEEP_DAYS * 86400
    return Activity(_day(event.created_ms), request_id, {prefix + request_id: delta}, expires)


def _ranking(ctx: Context, app: App, sort: str, today: str) -> list[str]:
    """Ids with activity in the window ending ``today``, best first (ties: newest first)."""
    end = datetime.strptime(today, "%Y-%m-%d").replace(tzinfo=UTC)
    span = TRENDING_DAYS if sort == "trending" else DISCUSSED_DAYS
    days = [(end - timedelta(days=n)).strftime("%Y-%m-%d") for n in range(span)]
    scores: dict[str, float] = {}
    found = ctx.store.activity(app.tenant, app.id, days[-1], days[0])
    for age, day in enumerate(days):
        weight = 0.5 ** (age / 2) if sort == "trending" else 1.0
        for name, n in found.get(day, {}).items():
            if sort == "trending" or name.startswith("c_"):
                scores[name[2:]] = scores.get(name[2:], 0.0) + n * weight
    ranked = [rid for rid, score in scores.items() if score > 0]
    return sorted(ranked, key=lambda rid: (-round(scores[rid], 6), _desc(rid)))


def _desc(request_id: str) -> str:
    """A key that sorts ids (ULID-like, by creation time) newest first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in request_id)


def _matches(req: FeatureRequest, query: ListQuery) -> bool:
    return (
        req.board == (query.board or GENERAL)
        and (query.status is None or req.status == query.status)
        and (query.tag is None or query.tag in req.tags)
    )


def page(ctx: Context, caller: Caller, app: App, query: ListQuery) -> dict[str, Any]:
    """One page of a ranked list (``sort=trending|discussed``) or of ``voted=true``."""
    viewer = viewer_id(ctx, caller, app)
    if query.voted:
        if query.sort != "new":
            raise ValidationFailedError.for_field("sort", "voted=true lists newest first")
        mine = voted_ids(ctx, caller, app)
        context = f"voted|{app.tenant}|{app.id}|{viewer}|{query.board}|{query.status}|{query.tag}"
        position = _position(ctx, context, query.cursor)
        ids = sorted(mine, reverse=True)
        voted = set(mine)
    else:
        context = f"{query.sort}|{app.tenant}|{app.id}|{query.board}|{query.status}|{query.tag}"
        position = _position(ctx, context, query.cursor)
        position["d"] = position.get("d") or _day(ctx.clock())  # later pages rank as this one
        ids = _ranking(ctx, app, query.sort, position["d"])
        voted = None
    offset = position.get("o", 0)
    items: list[FeatureRequest] = []
    looked = 0
    while len(items) < query.limit and looked < SCAN_MAX and offset + looked < len(ids):
        chunk = ids[offset + looked : offset + min(SCAN_MAX, looked + max(query.limit, 25))]
        found = {r.id: r for r in ctx.store.get_requests(app.tenant, app.id, chunk)}
        for rid in chunk:
            looked += 1
            if rid in found and _matches(found[rid], query):
                items.append(found[rid])
                if len(items) == query.limit:
                    break
    if voted is None:
        with_votes = [r.id for r in items if r.votes > 0]
        voted = ctx.store.voted(app.tenant, app.id, with_votes, viewer) if viewer else set()
    after = offset + looked
    next_cursor = (
        signed.encode(ctx.secret, context, {**position, "o": after}) if after < len(ids) else None
    )
    return {
        "items": linked.requests_shown(ctx, caller, app, items, voted),
        "nextCursor": next_cursor,
    }


def voter(ctx: Context, caller: Caller, app: App) -> str:
    """Whose votes ``voted=true`` lists: a user's, or an anonymous visitor's where the app
    lets them vote; the team's key alone is nobody's (401)."""
    viewer = viewer_id(ctx, caller, app)
    if viewer is None:
        raise UnauthenticatedError("voted=true lists a user's votes: send a user token")
    return viewer


def voted_ids(ctx: Context, caller: Caller, app: App) -> list[str]:
    """The caller's voted requests, in one GetItem."""
    return ctx.store.voted_ids(app.tenant, app.id, voter(ctx, caller, app))


def _position(ctx: Context, context: str, cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {"o": 0}
    found = signed.decode(ctx.secret, context, cursor)
    if not isinstance(found.get("o"), int) or found["o"] < 0:
        raise ValidationFailedError.for_field("cursor", "is not a cursor this list handed out")
    return found
