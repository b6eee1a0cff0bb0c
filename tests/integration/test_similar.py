"""'Did you mean…' through the API: an index kept by the stream, a fixed number of reads."""

from __future__ import annotations

from typing import Any

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
    assert cold == {"get_item": 2, "batch_get_item": 2, "query": 1}  # + the change counts
    assert warm == {"get_item": 1, "batch_get_item": 1}


def test_a_refresh_reads_what_changed_not_the_whole_index(
    api: Api, tenant: Tenant, runner: EventRunner, monkeypatch: Any, ctx: Any
) -> None:
    """A process reads the index and every vector once; each later refresh reads the change
    counts, the shards that moved and the vectors of new or renamed titles: what it costs
    follows the writes, not the app's size. New, renamed, closed and deleted requests all
    show (or go) after one refresh."""
    made = [tenant.create(f"Request about topic {n}") for n in range(40)]
    runner.drain()
    search._cache.clear()
    clock = [1000.0]
    monkeypatch.setattr(search.time, "monotonic", lambda: clock[0])

    def ask(q: str) -> tuple[list[str], Any]:
        found = api.get(tenant.path(f"/requests/similar?q={q}"), key=tenant.pub_key)
        assert found.status == 200, found.body
        return [i["title"] for i in found.body["items"]], meter()

    first = ask("topic%207")[1]
    full = first.items_read
    assert full >= 40  # every vector, once

    clock[0] += search.CACHE_S + 1  # nothing changed: the counts alone
    spent = ask("topic%208")[1]
    assert spent.by_operation.get("query", 0) == 0
    assert spent.items_read <= 2 + 2 * search.SHOWN  # app, counts; each answer and its counter

    tenant.create("Offline maps for hiking")
    api.patch(
        tenant.path(f"/requests/{made[1]['id']}"),
        key=tenant.admin_key,
        body={"title": "Calendar sync with Outlook"},
    )
    api.patch(
        tenant.path(f"/requests/{made[2]['id']}"),
        key=tenant.admin_key,
        body={"status": "completed"},
    )
    api.delete(tenant.path(f"/requests/{made[3]['id']}"), key=tenant.admin_key)
    runner.drain()
    assert "Offline maps for hiking" not in ask("offline%20hiking%20maps")[0]  # cached: not yet
    clock[0] += search.CACHE_S + 1
    titles, spent = ask("offline%20hiking%20maps")
    assert titles[:1] == ["Offline maps for hiking"]
    assert spent.by_operation.get("query", 0) == 0  # no whole read of the vectors
    assert spent.items_read < full / 2
    assert ask("outlook%20calendar")[0][:1] == ["Calendar sync with Outlook"]
    shown = ask("request%20about%20topic")[0]
    assert "Request about topic 2" not in shown and "Request about topic 3" not in shown

    # read between its entry and its vector (the consumer writes the entry first, then the
    # vector, then the count): the next refresh after the count reads the vector
    from chalicelib.ai.embed import encoder, to_bytes
    from chalicelib.services import vectors

    title, rid = "Sync contacts with my phone", "zz-late-entry-00000000000"
    ctx.store.index_request(tenant.id, tenant.app_id, rid, f"open|{title}")
    search._cache.clear()
    ask("phone%20contacts")
    (cached,) = search._cache.values()
    assert rid in cached.current and rid not in cached.vectors
    vector = to_bytes(encoder().encode([title])[0])
    ctx.store.put_vector(tenant.id, tenant.app_id, rid, vector, vectors.text_hash(title))
    ctx.store.search_changed(tenant.id, tenant.app_id, [rid])
    clock[0] += search.CACHE_S + 1
    ask("phone%20contacts")
    assert cached.vectors[rid] == (vector, vectors.text_hash(title))


def test_similar_validates_q_and_hides_other_tenants(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    for query in ("", "?q=", "?q=a", "?q=" + "x" * 201, "?q=ok&extra=1"):
        r = api.get(tenant.path(f"/requests/similar{query}"), key=tenant.pub_key)
        assert (r.status, r.code) == (400, "validation_error"), query
    r = api.get(f"/v1/apps/{tenant.app_id}/requests/similar?q=dark", key=other.pub_key)
    assert r.status == 200  # the other tenant's own "web" app: its own (empty) results
    assert r.body["items"] == []
