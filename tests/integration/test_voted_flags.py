"""A signed-in list page says which requests the viewer voted for, and stays in the
Foundation's budget (at most 4 calls and about 30 items, whatever the table holds): the
flags come from the viewer's voted set, one item, kept in the vote's own transactions."""

from __future__ import annotations

from chalicelib.store import meter
from tests.helpers import Api, Tenant


def page(api: Api, t: Tenant, user: str, query: str = "?sort=new&limit=20") -> dict[str, bool]:
    r = api.get(t.path(f"/requests{query}"), key=t.pub_key, token=t.token(user))
    assert r.status == 200, r.body
    return {item["id"]: item["voted"] for item in r.body["items"]}


def vote(api: Api, t: Tenant, user: str, request_id: str, method: str = "POST") -> None:
    r = api.send(method, t.path(f"/requests/{request_id}/vote"), key=t.pub_key, token=t.token(user))
    assert r.status == 200, r.body


def test_a_page_of_20_with_many_votes_is_4_calls_and_22_items(api: Api, tenant: Tenant) -> None:
    ids = [tenant.create(f"Idea number {n}", as_user=f"author{n}")["id"] for n in range(25)]
    mine = set(ids[::2])  # 13 of 25, on this page and beyond it
    for request_id in ids:
        vote(api, tenant, "someone", request_id)
        if request_id in mine:
            vote(api, tenant, "viewer", request_id)
    flags = page(api, tenant, "viewer")
    m = meter()  # the list call's own meter
    assert len(flags) == 20 and m.calls <= 4 and m.items_read <= 22, (m.calls, m.items_read)
    assert {rid for rid, voted in flags.items() if voted} == mine & set(flags)
    assert not any(page(api, tenant, "never-voted").values())
    assert meter().calls <= 4
    for query in ("?sort=top&limit=20", "?status=open&limit=20"):  # an index's keys, then
        by_index = page(api, tenant, "viewer", query)  # the requests and the voted set
        m = meter()
        assert m.calls <= 4 and m.items_read <= 42, (query, m.calls, m.items_read)
        assert {rid for rid, voted in by_index.items() if voted} == mine & set(by_index)
        admin = api.get(tenant.path(f"/requests{query}"), key=tenant.admin_key)
        m = meter()  # the key and the app in one call, the limit, the index, the requests
        assert admin.status == 200 and len(admin.body["items"]) == 20
        assert m.calls <= 4 and m.items_read <= 42, (query, "admin", m.calls, m.items_read)
    missing = api.get(tenant.path("/requests", app_id="nope"), key=tenant.admin_key)
    assert missing.status == 404, missing.body

    taken_back = next(iter(mine & set(flags)))
    vote(api, tenant, "viewer", taken_back, "DELETE")
    vote(api, tenant, "viewer", taken_back, "DELETE")  # twice: still not voted, no error
    assert page(api, tenant, "viewer")[taken_back] is False
    vote(api, tenant, "viewer", taken_back)
    assert page(api, tenant, "viewer")[taken_back] is True


def test_flags_follow_merges_and_unmerges(api: Api, tenant: Tenant) -> None:
    source, target, other = (tenant.create(t)["id"] for t in ("Night theme", "Dark mode", "Other"))
    vote(api, tenant, "fan", source)
    vote(api, tenant, "fan", other)
    assert page(api, tenant, "fan") == {other: True, target: False, source: True}
    merged = api.post(
        tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target}
    )
    assert merged.status == 200, merged.body
    # the vote moved to the target; the merged request has no votes left to show
    assert page(api, tenant, "fan") == {other: True, target: True, source: False}
    assert api.post(tenant.path(f"/requests/{source}/unmerge"), key=tenant.admin_key).status == 200
    assert page(api, tenant, "fan") == {other: True, target: False, source: True}
    one = api.get(tenant.path(f"/requests/{target}"), key=tenant.pub_key, token=tenant.token("fan"))
    assert one.body["voted"] is False and one.body["votes"] == 0
