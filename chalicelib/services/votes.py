"""Votes and follows: exact counts under concurrency, one vote per user."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import Any

from .. import logs, present
from ..auth import Caller
from ..context import Context
from ..errors import ConflictError, UnauthenticatedError
from ..models import PageQuery
from ..records import App, FeatureRequest, Person
from ..store import ConditionFailedError
from .access import count_anonymous_vote
from .access import voter as acting_voter
from .linked import request_shown
from .moderation import refuse_if_banned
from .requests import fetch, merge_under_way

__all__ = ["vote", "unvote", "voters", "subscribe", "unsubscribe", "subscription"]

ATTEMPTS = 10


def _backoff(attempt: int) -> None:
    """Jittered, so a crowd voting on one request does not retry in lockstep."""
    time.sleep(random.uniform(0, 0.01 * 2 ** min(attempt, 6)))


def _refuse_while_merging(req: FeatureRequest) -> None:
    """Its voters are moving: a vote or unvote now would race them. The counter's condition
    makes this check exact: the merge's first step puts its step on the counter, so a vote
    read before it fails and is retried into this refusal."""
    refused = merge_under_way(req)
    if refused is not None:
        raise refused


def vote(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    voter = acting_voter(ctx, caller, app)
    count_anonymous_vote(ctx, caller, app)
    for attempt in range(ATTEMPTS):
        req = fetch(ctx, app, request_id, caller=caller)
        _refuse_while_merging(req)
        if req.status == "duplicate":
            raise ConflictError("this request was merged into another; its votes moved there")
        try:
            ctx.store.add_vote(req, voter, ctx.clock())
            logs.metric("Votes", 1)
            return request_shown(ctx, caller, app, replace(req, votes=req.votes + 1), True)
        except ConditionFailedError as exc:
            if exc.failed_at(0):  # already voted: a second vote changes nothing
                return request_shown(ctx, caller, app, req, True)
            refuse_if_banned(ctx, app, voter.id, exc.failed_at(2))
            _backoff(attempt)
    raise ConflictError("too many votes at once; try again")


def unvote(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    voter = acting_voter(ctx, caller, app)
    for attempt in range(ATTEMPTS):
        req = fetch(ctx, app, request_id, caller=caller)
        _refuse_while_merging(req)
        try:
            ctx.store.remove_vote(req, voter.id)
            ctx.store.keep_following(req, voter)
            return request_shown(ctx, caller, app, replace(req, votes=req.votes - 1), False)
        except ConditionFailedError as exc:
            if exc.failed_at(0):  # no vote to take back
                return request_shown(ctx, caller, app, req, False)
            _backoff(attempt)
    raise ConflictError("too many votes at once; try again")


def voters(
    ctx: Context, caller: Caller, app: App, request_id: str, query: PageQuery
) -> dict[str, Any]:
    caller.require_admin()
    page = ctx.store.list_voters(
        fetch(ctx, app, request_id, caller=caller), query.limit, query.cursor
    )
    return {
        "items": [present.user(v.user, admin=True) for v in page.items],
        "nextCursor": page.next_cursor,
    }


def _follower(ctx: Context, caller: Caller, app: App) -> Person:
    person = acting_voter(ctx, caller, app)
    if caller.user is None:
        raise UnauthenticatedError("following needs a signed-in user (X-User-Token)")
    return person


def subscribe(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    ctx.store.subscribe(fetch(ctx, app, request_id, caller=caller), _follower(ctx, caller, app))
    return {"requestId": request_id, "subscribed": True}


def unsubscribe(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    req = fetch(ctx, app, request_id, caller=caller)
    ctx.store.unsubscribe(req, _follower(ctx, caller, app).id, ctx.clock())
    return {"requestId": request_id, "subscribed": False}


def subscription(ctx: Context, caller: Caller, app: App, request_id: str) -> dict[str, Any]:
    req = fetch(ctx, app, request_id, caller=caller)
    person = _follower(ctx, caller, app)
    return {"requestId": request_id, "subscribed": ctx.store.is_subscribed(req, person.id)}
