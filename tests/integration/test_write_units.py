"""What a write costs, priced from the items it touches (tools/cost.py's ``ItemMeter``, by
DynamoDB's rules: the larger item of before and after, x2 in a transaction, each index by
its projected size), not from the request's own figures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import usage
from tests.helpers import Api, Tenant
from tools.cost import ItemMeter
from tools.event_runner import EventRunner
from tools.resources import table_properties

WEEKS = [f"{2020 + n // 52}-W{n % 52 + 1:02d}" for n in range(300)]  # six years of weeks
TAGS = [f"tag{n:03d}" for n in range(150)]
EXPIRES = 4_000_000_000
VOTE_CALL_UNITS = 6  # vote, counter and voted set, 1 each x2 in the transaction
REORDER_UNITS = (3 + 2 + 2) + 3 * (1 + 2 + 2)  # the request; 3 tag copies (no description)
EVENT_UNITS = 6  # statistics and the day's activity in one transaction: marker, SUM, shard, x2


@pytest.fixture
def priced(ctx: Any) -> Iterator[ItemMeter]:
    """Every DynamoDB write of the store's client, priced from its items."""
    items = ItemMeter(table_properties(), ctx.settings.table_name)
    client = ctx.store.client
    client.meta.events.register("before-parameter-build.dynamodb", items.before)
    client.meta.events.register("after-call.dynamodb", items.after)
    yield items
    client.meta.events.unregister("before-parameter-build.dynamodb", items.before)
    client.meta.events.unregister("after-call.dynamodb", items.after)


def _old_and_wide(ctx: Any, tenant: Tenant) -> dict[str, int]:
    """An app with six years of weeks and 150 tags, counted as older code did (every counter
    in one ``TOTALS`` item) and again since (one small item per week and per tag)."""
    legacy = {"requests": 300, "votes": 40, **{f"wk_{w}": 1 for w in WEEKS}}
    legacy |= {f"tag_{t}": 2 for t in TAGS}
    ctx.store._put({"pk": f"T#{tenant.id}#A#web#STATS", "sk": "TOTALS", **legacy})
    for n, (week, tag) in enumerate(zip(WEEKS, TAGS * 2, strict=False)):
        deltas = {"requests": 1, f"wk_{week}": 1, f"tag_{tag}": 1}
        assert ctx.store.add_to_stats(tenant.id, "web", deltas, f"seed{n}", EXPIRES)
    return legacy


def test_a_vote_event_writes_small_statistics_items_however_old_and_tagged_the_app(
    ctx: Any, tenant: Tenant, priced: ItemMeter
) -> None:
    _old_and_wide(ctx, tenant)
    priced.take()
    assert ctx.store.add_to_stats(tenant.id, "web", {"votes": 1}, "vote-event", EXPIRES)
    _, write_units = priced.take()
    assert write_units == 4  # the event's marker and the SUM item, each x2 in the transaction
    deltas = {"requests": 1, f"wk_{WEEKS[-1]}": 1, f"tag_{TAGS[0]}": 1, f"tag_{TAGS[1]}": 1}
    assert ctx.store.add_to_stats(tenant.id, "web", deltas, "create-event", EXPIRES)
    _, write_units = priced.take()
    assert write_units == 8  # the marker, the request's week and its two tags: 4 items x2


def test_statistics_written_by_older_code_still_count_beside_the_new_items(
    api: Api, ctx: Any, tenant: Tenant
) -> None:
    legacy = _old_and_wide(ctx, tenant)
    assert not ctx.store.add_to_stats(tenant.id, "web", {"votes": 1}, "seed0", EXPIRES)
    stats = ctx.store.get_stats(tenant.id, "web")
    assert stats["requests"] == legacy["requests"] + len(WEEKS)
    assert stats["votes"] == legacy["votes"]
    assert stats[f"wk_{WEEKS[0]}"] == 2 and stats[f"tag_{TAGS[0]}"] == 2 + 2
    report = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert report["requests"] == legacy["requests"] + len(WEEKS)
    assert report["topTags"][0] == {"tag": TAGS[0], "count": 4}


WIDE = "A request with a long description. " * 58  # ~2 KB: issue 12's worked example


def test_a_vote_writes_small_items_and_the_vote_ordered_lists_follow_from_the_stream(
    api: Api, tenant: Tenant, runner: EventRunner, priced: ItemMeter, monkeypatch: Any
) -> None:
    monkeypatch.setattr(usage, "FLUSH_S", float("inf"))  # the once-a-minute usage write
    tags = ["ui", "api", "mobile"]
    older = tenant.create("Older", description=WIDE, tags=tags)["id"]
    newer = tenant.create("Newer", description=WIDE, tags=tags)["id"]
    runner.drain()

    def top(query: str) -> list[str]:
        r = api.get(tenant.path(f"/requests?sort=top{query}"), key=tenant.pub_key)
        return [i["id"] for i in r.body["items"]]

    priced.take()
    voted = api.post(
        tenant.path(f"/requests/{older}/vote"), key=tenant.pub_key, token=tenant.token("v")
    )
    _, call_units = priced.take()
    assert (voted.body["votes"], voted.body["voted"]) == (1, True)  # the voter's own answer
    # the vote (2 x 1, no uk: not in byUser), the counter (2 x 1), the voted set (2 x 1, no
    # uk either); the rate-limit counter is written every 10th call of a caller (ratecount)
    # and the follow is implied, no item
    assert call_units <= VOTE_CALL_UNITS, call_units
    assert top("") == [newer, older]  # the stream has not re-ordered yet
    priced.take()
    runner.drain()
    _, stream_units = priced.take()
    # the re-order (the request 3 and its tag copies 1 each, byTop and byStatusTop 1 + 1
    # each), the statistics and the day's activity for the trending sort
    assert stream_units <= REORDER_UNITS + EVENT_UNITS, stream_units
    for query in ("", "&tag=ui", "&status=open", "&tag=api&status=open"):
        assert top(query) == [older, newer], query
    one = api.get(tenant.path(f"/requests/{newer}"), key=tenant.pub_key).body
    assert one["votes"] == 0

    for n in range(5):  # votes landing in one stream batch share one re-order
        api.post(
            tenant.path(f"/requests/{newer}/vote"), key=tenant.pub_key, token=tenant.token(f"c{n}")
        )
    priced.take()
    runner.drain()
    _, stream_units = priced.take()
    assert stream_units <= REORDER_UNITS + 5 * EVENT_UNITS, stream_units
    assert top("&tag=mobile") == [newer, older]
