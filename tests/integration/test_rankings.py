"""Trending, most discussed and "my votes": ranked from a few small items, a page at a
bounded cost, every item once when paging, nothing of another tenant's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.events import DomainEvent
from chalicelib.models import ListQuery
from chalicelib.services import analytics, rankings
from chalicelib.store import meter
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner

DAY_MS = 86_400_000


def _titles(api: Api, t: Tenant, query: str, user: str | None = "reader") -> list[str]:
    token = t.token(user) if user else None
    r = api.get(t.path(f"/requests{query}"), key=t.pub_key, token=token)
    assert r.status == 200, r.body
    return [i["title"] for i in r.body["items"]]


def _act(api: Api, t: Tenant, request_id: str, votes: int = 0, comments: int = 0) -> None:
    for n in range(votes):
        r = api.post(t.path(f"/requests/{request_id}/vote"), key=t.pub_key, token=t.token(f"v{n}"))
        assert r.status == 200, r.body
    for n in range(comments):
        r = api.post(
            t.path(f"/requests/{request_id}/comments"),
            key=t.pub_key,
            token=t.token(f"c{n}"),
            body={"body": f"comment {n}"},
        )
        assert r.status == 201, r.body


def test_trending_and_most_discussed_rank_the_last_days_activity(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    quiet, loud, talked = (tenant.create(t) for t in ("Quiet one", "Loud one", "Talked about"))
    tenant.create("Nobody cares")
    _act(api, tenant, quiet["id"], votes=1)
    _act(api, tenant, loud["id"], votes=3)
    _act(api, tenant, talked["id"], votes=1, comments=2)
    runner.drain()
    assert _titles(api, tenant, "?sort=trending") == ["Talked about", "Loud one", "Quiet one"]
    # app, rate counter, 7 days of activity, one batch of requests, the reader's voted set
    assert meter().calls <= 5
    assert _titles(api, tenant, "?sort=discussed") == ["Talked about"]

    api.patch(
        tenant.path(f"/requests/{loud['id']}"), key=tenant.admin_key, body={"status": "planned"}
    )
    assert _titles(api, tenant, "?sort=trending&status=planned") == ["Loud one"]

    taken = api.delete(
        tenant.path(f"/requests/{talked['id']}/vote"), key=tenant.pub_key, token=tenant.token("v0")
    )
    assert taken.status == 200
    runner.drain()
    assert _titles(api, tenant, "?sort=trending") == ["Loud one", "Talked about", "Quiet one"]

    seen, cursor = [], ""
    while True:  # one at a time: each once, and the last page says so
        r = api.get(tenant.path(f"/requests?sort=trending&limit=1{cursor}"), key=tenant.pub_key)
        seen += [i["title"] for i in r.body["items"]]
        if not r.body["nextCursor"]:
            break
        cursor = f"&cursor={r.body['nextCursor']}"
    assert seen == ["Loud one", "Talked about", "Quiet one"]


def test_a_cursor_or_an_app_of_another_tenant_is_refused(
    api: Api, tenant: Tenant, other: Tenant, runner: EventRunner
) -> None:
    for title in ("First idea", "Second idea"):
        _act(api, tenant, tenant.create(title)["id"], votes=1)
    runner.drain()
    first = api.get(tenant.path("/requests?sort=trending&limit=1"), key=tenant.pub_key).body
    assert first["nextCursor"]
    tenant.make_app("ranked-only")
    for key in (other.admin_key, other.pub_key):
        theirs = api.get("/v1/apps/ranked-only/requests?sort=trending", key=key)
        assert theirs.status == 404 and theirs.code == "not_found"
    moved = api.get(
        other.path(f"/requests?sort=trending&cursor={first['nextCursor']}"), key=other.pub_key
    )
    assert moved.status == 400 and moved.body["error"]["details"][0]["field"] == "cursor"
    as_discussed = api.get(
        tenant.path(f"/requests?sort=discussed&cursor={first['nextCursor']}"), key=tenant.pub_key
    )
    assert as_discussed.status == 400
    assert _titles(api, other, "?sort=trending") == []


def test_my_votes_lists_the_callers_voted_requests_newest_first(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    made = [tenant.create(t) for t in ("Old wish", "Middle wish", "New wish", "Not mine")]
    for request in made[:3]:
        _act(api, tenant, request["id"])
        r = api.post(
            tenant.path(f"/requests/{request['id']}/vote"),
            key=tenant.pub_key,
            token=tenant.token("me"),
        )
        assert r.status == 200
    api.delete(
        tenant.path(f"/requests/{made[1]['id']}/vote"), key=tenant.pub_key, token=tenant.token("me")
    )
    api.patch(
        tenant.path(f"/requests/{made[0]['id']}"), key=tenant.admin_key, body={"status": "planned"}
    )
    r = api.get(tenant.path("/requests?voted=true"), key=tenant.pub_key, token=tenant.token("me"))
    assert [i["title"] for i in r.body["items"]] == ["New wish", "Old wish"]
    assert all(i["voted"] for i in r.body["items"]) and r.body["nextCursor"] is None
    assert meter().calls <= 5  # app, rate counter, voted set, one batch of requests
    assert _titles(api, tenant, "?voted=true&status=planned", "me") == ["Old wish"]
    runner.drain()  # the search index
    assert sorted(_titles(api, tenant, "?voted=true&q=wish", "me")) == ["New wish", "Old wish"]
    assert _titles(api, tenant, "?voted=true", "someone-else") == []

    nobody = api.get(tenant.path("/requests?voted=true"), key=tenant.pub_key)
    assert nobody.status == 401 and nobody.code == "unauthenticated"
    sorted_ = api.get(
        tenant.path("/requests?voted=true&sort=top"), key=tenant.pub_key, token=tenant.token("me")
    )
    assert sorted_.status == 400 and sorted_.body["error"]["details"][0]["field"] == "sort"
    bad = api.get(
        tenant.path("/requests?voted=maybe"), key=tenant.pub_key, token=tenant.token("me")
    )
    assert bad.status == 400 and bad.code == "validation_error"


def test_trending_weighs_recent_days_and_forgets_last_week(ctx: Any, tenant: Tenant) -> None:
    now = 1_790_000_000_000
    at = replace(ctx, clock=lambda: now)
    app = at.store.get_app(tenant.id, tenant.app_id)
    ids = [tenant.create(t)["id"] for t in ("Fresh", "Three days old", "Ten days old")]

    def vote(request_id: str, days_ago: int, n: int, kind: str = "vote.created") -> None:
        for k in range(n):
            event = DomainEvent(
                f"e-{request_id}-{days_ago}-{k}-{kind}",
                kind,
                now - days_ago * DAY_MS,
                tenant.id,
                tenant.app_id,
                {"requestId": request_id},
            )
            assert analytics.apply(at, event)
            assert not analytics.apply(at, event)  # a redelivery counts nothing

    vote(ids[0], 0, 2)
    vote(ids[1], 3, 3)  # 3 * 0.5 ** 1.5 = 1.06: less than 2 today
    vote(ids[2], 10, 9)  # outside the week, inside the month
    vote(ids[2], 10, 1, "comment.created")

    def titles(sort: str) -> list[str]:
        page = rankings.page(at, tenant_caller(at, tenant), app, ListQuery(sort=sort))
        return [i["title"] for i in page["items"]]

    assert titles("trending") == ["Fresh", "Three days old"]
    assert titles("discussed") == ["Ten days old"]


def tenant_caller(ctx: Any, tenant: Tenant) -> Any:
    from chalicelib.services import access

    creds = access.Credentials(authorization=f"Bearer {tenant.pub_key}")
    return access.authenticate(ctx, creds, tenant.app_id)[0]


def test_a_busy_day_ranks_and_a_vote_on_it_writes_one_small_item(ctx: Any, tenant: Tenant) -> None:
    """Older code kept a day's counters in 4 shards that grew towards DynamoDB's 400 KB on
    a busy day (26,000 active requests), and DynamoDB bills a write by the whole item: a
    vote's update of such a shard cost up to 400 units. Now each request has its own small
    item a day, so a vote costs the same on any day; older shards still count. On moto
    (which copies its tables in every transaction) shards of ~250 requests stand in."""
    from chalicelib import ids, pricing
    from chalicelib.store.codec import _to_ddb
    from chalicelib.store.keys import Keys

    now = 1_790_000_000_000
    at = replace(ctx, clock=lambda: now)
    day = rankings._day(now)
    busy = [ids.new_id(now - n) for n in range(26_000)]
    shard_sk = [f"D#{day}#{s}" for s in range(4)]  # older code's shards (read only)
    pk = Keys.activity(tenant.id, tenant.app_id, day, "any")["pk"]
    shards: list[dict[str, Any]] = [
        {"pk": pk, "sk": sk, "expiresAt": 4_000_000_000} for sk in shard_sk
    ]
    for n, request_id in enumerate(busy):
        shards[n % 4] |= {f"v_{request_id}": 1, f"c_{request_id}": 1}
    sizes = [pricing.item_size(_to_ddb(s)) for s in shards]
    assert min(sizes) > 380 * 1024, sizes  # what a vote on that day used to rewrite
    shards = [dict(list(s.items())[:500]) for s in shards]  # keys, expiry, ~250 requests
    for shard in shards:
        at.store._put(shard)
    try:
        top = _rank_first_among(at, tenant, day, now)
        (item,) = [i for i in at.store._query_all(pk, f"D#{day}#R#") if f"v_{top}" in i]
        assert item[f"v_{top}"] == 3 and pricing.item_size(_to_ddb(item)) < 1024  # 1 unit
    finally:
        at.store._batch_delete({"pk": s["pk"], "sk": s["sk"]} for s in shards)


def _rank_first_among(at: Any, tenant: Tenant, day: str, now: int) -> str:
    top = tenant.create("The one everyone votes for")["id"]
    for k in range(3):
        event = DomainEvent(
            f"e-busy-{top}-{k}", "vote.created", now, tenant.id, tenant.app_id, {"requestId": top}
        )
        assert analytics.apply(at, event)
    app = at.store.get_app(tenant.id, tenant.app_id)
    meter().calls = 0
    assert rankings._ranking(at, app, "trending", day)[0] == top
    assert meter().calls <= 3  # one Query, in pages of 1 MB
    return top
