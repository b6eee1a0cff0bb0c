"""The "did you mean" title index: small shard items to write, older shards read until reindex."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services import search
from chalicelib.store import meter
from chalicelib.store.codec import _from_ddb, _to_ddb
from chalicelib.store.keys import Keys
from tests.helpers import Api, Tenant


def _shards(ctx: Any, tenant: str) -> dict[str, dict[str, Any]]:
    """The index's items as stored, by sort key."""
    partition = Keys.search_shard(tenant, "web", 0)["pk"]
    found = ctx.store.client.query(
        TableName=ctx.store.table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": partition}},
    )["Items"]
    return {item["sk"]["S"]: _from_ddb(item) for item in found}


def _similar(api: Api, tenant: Tenant, q: str) -> list[str]:
    search._cache.clear()
    found = api.get(tenant.path(f"/requests/similar?q={q}"), key=tenant.pub_key)
    assert found.status == 200, found.body
    return [i["title"] for i in found.body["items"]]


def test_a_title_write_changes_one_small_item_with_one_plain_update(
    tenant: Tenant, ctx: Any
) -> None:
    for n in range(400):
        ctx.store.index_request(tenant.id, "web", f"{n:026d}", f"open|Request number {n}")
    before = dict(meter().by_operation)
    ctx.store.index_request(tenant.id, "web", f"{7:026d}", "planned|Request number 7, renamed")
    spent = {k: v - before.get(k, 0) for k, v in meter().by_operation.items()}
    assert {k: v for k, v in spent.items() if v} == {"update_item": 1}  # not a transaction
    shards = _shards(ctx, tenant.id)
    sizes = sorted(len(json.dumps(item["e"])) for item in shards.values())
    total = sum(len(item["e"]) for item in shards.values())
    assert total == 400 and len(shards) > 64  # spread over the shards, none lost
    assert sizes[-1] < sum(sizes) / 30  # a write is billed by ~1/96 of the index, not 1/4
    entries = ctx.store.search_entries(tenant.id, "web")
    assert entries[f"{7:026d}"] == "planned|Request number 7, renamed" and len(entries) == 400
    ctx.store.index_request(tenant.id, "web", f"{7:026d}", None)
    assert f"{7:026d}" not in ctx.store.search_entries(tenant.id, "web")


def test_an_older_index_is_read_until_reindex_replaces_it(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    """An app indexed by an older version (four big shards, sort keys S#0-3) still answers
    "did you mean"; a newer entry wins over its older one; reindex moves it all over."""
    maps = tenant.create("Offline maps")
    dark = tenant.create("Dark mode")
    old = {maps["id"]: "open|Offline maps", dark["id"]: "open|Dark mode", "gone": "open|Gone"}
    ctx.store.client.put_item(  # no stream runs here: the older layout is all there is
        TableName=ctx.store.table,
        Item=_to_ddb({**Keys.old_search_shard(tenant.id, "web", 2), "e": old}),
    )
    assert _similar(api, tenant, "offline%20maps") == ["Offline maps"]
    ctx.store.index_request(tenant.id, "web", dark["id"], "completed|Dark mode")  # newer
    assert ctx.store.search_entries(tenant.id, "web")[dark["id"]] == "completed|Dark mode"
    assert _similar(api, tenant, "dark%20mode") == []  # done: no longer offered

    assert search.reindex_titles(ctx, tenant.id, "web") == 2
    shards = _shards(ctx, tenant.id)
    assert not [sk for sk in shards if sk.startswith("S#")]  # the older layout is gone
    assert ctx.store.search_entries(tenant.id, "web") == {
        maps["id"]: "open|Offline maps",
        dark["id"]: "open|Dark mode",  # as the request is: its status was never changed
    }
    assert _similar(api, tenant, "offline%20maps") == ["Offline maps"]
    assert search.reindex_titles(ctx, tenant.id, "web") == 2  # safe to repeat
