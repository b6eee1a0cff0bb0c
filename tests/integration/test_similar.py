"""'Did you mean…' through the API: an index kept by the stream, a fixed number of reads."""

from __future__ import annotations

from chalicelib.services import search
from chalicelib.store import meter
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def test_similar_finds_paraphrases_and_follows_changes(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    dark = tenant.create("Dark mode for the whole app")
    export = tenant.create("Export tasks to CSV")
    tenant.create("Import tasks from CSV")
    runner.drain()
    search._cache.clear()
    found = api.get(tenant.path("/requests/similar?q=night%20theme"), key=tenant.pub_key)
    assert found.status == 200
    assert [i["id"] for i in found.body["items"]][:1] == [dark["id"]]
    item = found.body["items"][0]
    assert set(item) == {"id", "title", "status", "votes", "score"} and 0 < item["score"] <= 1
    top = api.get(
        tenant.path("/requests/similar?q=download%20my%20tasks%20as%20csv"), key=tenant.pub_key
    ).body["items"]
    assert top[0]["id"] == export["id"]
    api.patch(
        tenant.path(f"/requests/{dark['id']}"), key=tenant.admin_key, body={"status": "completed"}
    )
    runner.drain()
    search._cache.clear()
    again = api.get(tenant.path("/requests/similar?q=night%20theme"), key=tenant.pub_key).body
    assert dark["id"] not in [i["id"] for i in again["items"]]  # only open requests


def test_similar_costs_a_fixed_number_of_reads(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    for n in range(30):
        tenant.create(f"Request about topic {n}")
    runner.drain()
    search._cache.clear()
    api.get(tenant.path("/requests/similar?q=topic%207"), key=tenant.pub_key)
    cold = dict(meter().by_operation)
    api.get(tenant.path("/requests/similar?q=topic%208"), key=tenant.pub_key)
    warm = dict(meter().by_operation)
    for spent in (cold, warm):  # the rate counter: written on every 10th call of a process
        assert spent.pop("update_item", 0) <= 1
    assert cold == {"get_item": 1, "batch_get_item": 2, "query": 1}
    assert warm == {"get_item": 1, "batch_get_item": 1}


def test_similar_validates_q_and_hides_other_tenants(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    for query in ("", "?q=", "?q=a", "?q=" + "x" * 201, "?q=ok&extra=1"):
        r = api.get(tenant.path(f"/requests/similar{query}"), key=tenant.pub_key)
        assert (r.status, r.code) == (400, "validation_error"), query
    r = api.get(f"/v1/apps/{tenant.app_id}/requests/similar?q=dark", key=other.pub_key)
    assert r.status == 200  # the other tenant's own "web" app: its own (empty) results
    assert r.body["items"] == []
