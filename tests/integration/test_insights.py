"""The analysis job through the API: run, store, show; insights on requests."""

from __future__ import annotations

from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def test_insights_run_then_show_groups_and_per_request_fields(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    dark = tenant.create("Dark mode", description="The screen is too bright at night.")
    night = tenant.create("Dark theme for the app")
    export = tenant.create("Export transactions to CSV")
    tenant.create("Import transactions from CSV")
    for user in ("v1", "v2", "v3"):
        api.post(
            tenant.path(f"/requests/{export['id']}/vote"),
            key=tenant.pub_key,
            token=tenant.token(user),
        )
    before = api.get(tenant.path("/insights"), key=tenant.admin_key).body
    assert before["ranAt"] is None and before["requests"] == [] and before["duplicateGroups"] == []
    queued = api.post(tenant.path("/insights/run"), key=tenant.admin_key)
    assert queued.status == 202 and queued.body["status"] == "queued"
    runner.drain()
    shown = api.get(tenant.path("/insights"), key=tenant.admin_key).body
    assert shown["provider"] == "local" and shown["ranAt"]
    groups = [sorted(g["ids"]) for g in shown["duplicateGroups"]]
    assert groups == [sorted([dark["id"], night["id"]])]  # import vs export: not duplicates
    assert 0 < shown["duplicateGroups"][0]["score"] <= 1 and shown["duplicateGroups"][0]["reason"]
    by_id = {r["id"]: r for r in shown["requests"]}
    assert set(by_id) == {
        dark["id"],
        night["id"],
        export["id"],
        next(i for i in by_id if i not in (dark["id"], night["id"], export["id"])),
    }
    assert by_id[export["id"]]["category"] == "data"
    assert by_id[dark["id"]]["category"] == "ui"
    assert by_id[export["id"]]["priorityScore"] > by_id[night["id"]]["priorityScore"]
    assert all(r["sentiment"] in ("positive", "neutral", "negative") for r in shown["requests"])
    assert by_id[dark["id"]]["summary"].startswith("Dark mode — The screen is too bright")
    request = api.get(tenant.path(f"/requests/{export['id']}"), key=tenant.pub_key).body
    assert request["insights"]["category"] == "data" and request["version"] == 1


def test_insights_are_admin_only(api: Api, tenant: Tenant) -> None:
    for method, path in (("GET", "/insights"), ("POST", "/insights/run")):
        r = api.send(method, tenant.path(path), key=tenant.pub_key)
        assert (r.status, r.code) == (403, "forbidden")


def test_duplicates_leave_out_requests_by_status_kind_not_name(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    """An app's own statuses: `shipped` (done) and `wontfix` (closed) are left out of the
    duplicate groups, `idea` (open) and `building` (active) are not."""
    statuses = [
        {"id": "idea", "name": "Idea", "color": "#2563eb", "kind": "open"},
        {"id": "building", "name": "Building", "color": "#d97706", "kind": "active"},
        {"id": "shipped", "name": "Shipped", "color": "#16a34a", "kind": "done"},
        {"id": "wontfix", "name": "Won't fix", "color": "#b91c1c", "kind": "closed"},
        {"id": "duplicate", "name": "Duplicate", "color": "#64748b", "kind": "closed"},
    ]
    r = api.patch(tenant.path(), key=tenant.admin_key, body={"statuses": statuses})
    assert r.status == 200, r.body
    made = {
        status: tenant.create(title)["id"]
        for status, title in (
            ("idea", "Dark mode"),
            ("building", "Dark theme for the app"),
            ("shipped", "Dark mode please"),
            ("wontfix", "A dark mode"),
        )
    }
    for status in ("building", "shipped", "wontfix"):
        r = api.patch(
            tenant.path(f"/requests/{made[status]}"), key=tenant.admin_key, body={"status": status}
        )
        assert r.status == 200, r.body
    api.post(tenant.path("/insights/run"), key=tenant.admin_key)
    runner.drain()
    shown = api.get(tenant.path("/insights"), key=tenant.admin_key).body
    assert [sorted(g["ids"]) for g in shown["duplicateGroups"]] == [
        sorted([made["idea"], made["building"]])
    ]
