"""Live per-app counters, kept by the event consumer and read in one GetItem."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..auth import Caller
from ..context import Context
from ..events import DomainEvent
from ..records import App
from ..workflow import GENERAL, KINDS, boards, may_see, status_ids, status_kind

__all__ = ["deltas", "apply", "report", "tags"]

MARK_TTL_S = 7 * 24 * 3600


def _week(iso_time: str) -> str:
    year, week, _ = datetime.fromisoformat(iso_time.replace("Z", "+00:00")).isocalendar()
    return f"{year}-W{week:02d}"


def _request_totals(request: dict[str, Any], sign: int) -> dict[str, int]:
    found = {
        "requests": sign,
        f"st_{request['status']}": sign,
        f"wk_{_week(request['createdAt'])}": sign,
    }
    found |= {f"tag_{t}": sign for t in request["tags"]}
    board = request.get("board", GENERAL)
    return found | _board_delta(board, sign) | _board_tags(board, request["tags"], sign)


def _board_delta(board: str, sign: int) -> dict[str, int]:
    """Requests per board, counted for boards other than ``general``: that one is the rest
    (so requests counted before boards need no recount)."""
    return {} if board == GENERAL else {f"bd_{board}": sign}


def _board_tags(board: str, tags: Iterable[str], sign: int) -> dict[str, int]:
    """Tag uses per board other than ``general`` (``bt_board|tag``), so the tags a caller
    sees leave out the boards they may not see; ``general``'s are the rest, as above."""
    return {} if board == GENERAL else {f"bt_{board}|{t}": sign for t in tags}


def deltas(event: DomainEvent) -> dict[str, int]:
    """What one event changes in the app's counters; applying each event once keeps them exact."""
    data, kind = event.data, event.type
    if kind == "request.created":
        return _request_totals(data["request"], 1)
    if kind == "request.deleted":
        return _request_totals(data["request"], -1)
    if kind in ("request.status_changed", "request.merged"):
        return {f"st_{data['from']}": -1, f"st_{data['request']['status']}": 1}
    if kind == "request.updated" and "board" in data["changed"]:
        before, after = data["previous"]["board"], data["request"]["board"]
        tags = data["request"]["tags"]
        return (
            _board_delta(before, -1)
            | _board_delta(after, 1)
            | _board_tags(before, tags, -1)
            | _board_tags(after, tags, 1)
        )
    if kind == "request.updated" and "tags" in data["changed"]:
        before, after = set(data["previous"]["tags"]), set(data["request"]["tags"])
        board = data["request"].get("board", GENERAL)
        return {
            **{f"tag_{t}": -1 for t in before - after},
            **{f"tag_{t}": 1 for t in after - before},
            **_board_tags(board, before - after, -1),
            **_board_tags(board, after - before, 1),
        }
    if kind in ("vote.created", "vote.deleted"):
        return {"votes": 1 if kind == "vote.created" else -1}
    if kind in ("comment.created", "comment.deleted"):  # notes apart, as commentCount has it
        counter = "internalNotes" if data.get("internal") else "comments"
        return {counter: 1 if kind == "comment.created" else -1}
    if kind == "feedback.created":
        rating = data["feedback"].get("rating")
        found = {"feedback": 1}
        if rating:
            found |= {"ratingSum": rating, "ratingCount": 1}
        sentiment = data["feedback"].get("sentiment")
        if sentiment:
            found[f"sent_{sentiment}"] = 1
        return found
    return {}


def apply(ctx: Context, event: DomainEvent) -> bool:
    """Add the event's deltas once; False for a redelivered event. Votes and comments also
    count towards their day's activity, in the same transaction under the same marker."""
    from .rankings import activity_of

    return ctx.store.add_to_stats(
        event.tenant,
        event.app,
        deltas(event),
        event.id,
        ctx.clock() // 1000 + MARK_TTL_S,
        activity_of(event),
    )


def tags(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    """Every tag in use on the requests the caller may see, by name, with how many use it:
    one read. Uses on boards hidden from the caller are taken off the app's totals."""
    stats = ctx.store.get_stats(app.tenant, app.id)
    found = {k[4:]: v for k, v in stats.items() if k.startswith("tag_")}
    for name, count in stats.items():
        board, _, tag = name[3:].partition("|")
        if name.startswith("bt_") and tag in found and not may_see(caller, app, board):
            found[tag] -= max(count, 0)  # a use counted before these counters: below zero
    return {"items": [{"tag": t, "count": found[t]} for t in sorted(found) if found[t] > 0]}


def report(ctx: Context, caller: Caller, app: App) -> dict[str, Any]:
    caller.require_admin()
    stats = ctx.store.get_stats(app.tenant, app.id)

    def prefixed(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix) and v}

    tags = sorted(prefixed("tag_").items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    rating_count = stats.get("ratingCount", 0)
    by_status = {s: stats.get(f"st_{s}", 0) for s in status_ids(app)}
    by_status |= {k: v for k, v in prefixed("st_").items() if k not in by_status}  # removed
    by_kind = dict.fromkeys(KINDS, 0)
    for status, count in by_status.items():
        by_kind[status_kind(app, status)] += count
    by_board = prefixed("bd_")
    return {
        "byStatus": by_status,
        "byStatusKind": by_kind,
        "byBoard": {
            GENERAL: stats.get("requests", 0) - sum(by_board.values()),
            **{b["id"]: by_board.get(b["id"], 0) for b in boards(app) if b["id"] != GENERAL},
        },
        "requests": stats.get("requests", 0),
        "totalVotes": stats.get("votes", 0),
        "comments": stats.get("comments", 0),
        "internalNotes": stats.get("internalNotes", 0),
        "feedbackCount": stats.get("feedback", 0),
        "averageRating": round(stats.get("ratingSum", 0) / rating_count, 2)
        if rating_count
        else None,
        "ratingCount": rating_count,
        "sentiment": {s: stats.get(f"sent_{s}", 0) for s in ("positive", "neutral", "negative")},
        "topTags": [{"tag": t, "count": n} for t, n in tags],
        "requestsPerWeek": [{"week": w, "count": n} for w, n in sorted(prefixed("wk_").items())],
    }
