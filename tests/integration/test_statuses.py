"""Statuses per app: the seven to start with, the whole list replaced, removal with replaceWith."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api, Tenant

SEVEN = ["open", "under_review", "planned", "in_progress", "completed", "declined", "duplicate"]


def _statuses(api: Api, tenant: Tenant) -> list[dict[str, Any]]:
    return api.get(tenant.path(), key=tenant.admin_key).body["statuses"]


def _put(api: Api, tenant: Tenant, statuses: list[dict[str, Any]], **extra: Any):
    return api.patch(tenant.path(), key=tenant.admin_key, body={"statuses": statuses, **extra})


def test_a_new_app_has_todays_seven_statuses_with_kinds(api: Api, tenant: Tenant) -> None:
    found = _statuses(api, tenant)
    assert [s["id"] for s in found] == SEVEN
    kinds = {s["id"]: s["kind"] for s in found}
    assert kinds == {
        "open": "open",
        "under_review": "open",
        "planned": "active",
        "in_progress": "active",
        "completed": "done",
        "declined": "closed",
        "duplicate": "closed",
    }
    assert [s["id"] for s in found if s["roadmap"]] == ["planned", "in_progress", "completed"]
    public = api.get(tenant.path("/statuses"), key=tenant.pub_key)
    assert public.status == 200 and public.body["items"] == found


def test_rename_recolour_reorder_and_add(api: Api, tenant: Tenant) -> None:
    found = _statuses(api, tenant)
    found[0] = {**found[0], "name": "Nouveau ✨", "color": "#123456"}
    found.insert(2, {"id": "needs_info", "name": "Needs info", "color": "#aa00aa", "kind": "open"})
    found.reverse()
    r = _put(api, tenant, found)
    assert r.status == 200, r.body
    again = _statuses(api, tenant)
    assert [s["id"] for s in again] == [s["id"] for s in found]
    assert again[-1]["name"] == "Nouveau ✨" and again[-1]["color"] == "#123456"
    added = next(s for s in again if s["id"] == "needs_info")
    assert added["roadmap"] is False  # the default of kind open
    rid = tenant.create("Can it go there")["id"]
    moved = api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "needs_info"}
    )
    assert moved.status == 200 and moved.body["status"] == "needs_info"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: [x for x in s if x["id"] != "duplicate"], "statuses"),
        (lambda s: [*s, s[0]], "statuses"),
        (lambda s: [{**s[0], "id": "Bad Id"}, *s[1:]], "statuses.0.id"),
        (lambda s: [{**s[0], "id": "x"}, *s[1:]], "statuses.0.id"),
        (lambda s: [{**s[0], "color": "red"}, *s[1:]], "statuses.0.color"),
        (lambda s: [{**s[0], "kind": "limbo"}, *s[1:]], "statuses.0.kind"),
        (lambda s: [{**s[0], "name": ""}, *s[1:]], "statuses.0.name"),
        (lambda s: [x for x in s if x["kind"] != "done"], "statuses"),
        (lambda s: [x for x in s if x["kind"] != "open"], "statuses"),
        (lambda s: [{**x, "kind": "open"} if x["id"] == "duplicate" else x for x in s], "statuses"),
        (lambda s: [*s, *({**s[0], "id": f"s{i}"} for i in range(20))], "statuses"),
        (lambda s: "open", "statuses"),
    ],
)
def test_bad_status_lists_are_400(api: Api, tenant: Tenant, change: Any, field: str) -> None:
    r = _put(api, tenant, change(_statuses(api, tenant)))
    assert (r.status, r.code) == (400, "validation_error"), r.body
    assert r.body["error"]["details"][0]["field"] == field
    assert [s["id"] for s in _statuses(api, tenant)] == SEVEN


def test_a_request_status_must_be_one_of_the_apps(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Strict statuses")["id"]
    for bad in ("shipped", "DONE", 5, "x" * 40):
        r = api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": bad})
        assert (r.status, r.code) == (400, "validation_error"), (bad, r.body)
    listed = api.get(tenant.path("/requests?status=shipped"), key=tenant.pub_key)
    assert (listed.status, listed.code) == (400, "validation_error")


def test_removing_a_used_status_is_409_unless_replace_with(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Under review soon")["id"]
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    without = [s for s in _statuses(api, tenant) if s["id"] != "planned"]
    refused = _put(api, tenant, without)
    assert (refused.status, refused.code) == (409, "conflict")
    assert "planned" in [s["id"] for s in _statuses(api, tenant)]
    bad = _put(api, tenant, without, replaceWith="planned")
    assert (bad.status, bad.code) == (400, "validation_error")
    done = _put(api, tenant, without, replaceWith="in_progress")
    assert done.status == 200, done.body
    got = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body
    assert got["status"] == "in_progress"
    unused = [s for s in _statuses(api, tenant) if s["id"] != "declined"]
    assert _put(api, tenant, unused).status == 200  # nobody had it: no replaceWith needed
    alone = api.patch(tenant.path(), key=tenant.admin_key, body={"replaceWith": "open"})
    assert (alone.status, alone.code) == (400, "validation_error")


def test_replace_with_moves_a_bounded_number_per_call(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import statuses

    monkeypatch.setattr(statuses, "REMAP_PER_CALL", 2)
    ids = [tenant.create(f"Planned {i}")["id"] for i in range(5)]
    for rid in ids:
        api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    without = [s for s in _statuses(api, tenant) if s["id"] != "planned"]
    answers = [_put(api, tenant, without, replaceWith="open") for _ in range(3)]
    assert [a.status for a in answers] == [409, 409, 200]
    assert "send the same call again" in answers[0].body["error"]["message"]
    got = [api.get(tenant.path(f"/requests/{r}"), key=tenant.admin_key).body for r in ids]
    assert {g["status"] for g in got} == {"open"}
    assert "planned" not in [s["id"] for s in _statuses(api, tenant)]


def test_shipping_moves_to_the_apps_first_done_status(api: Api, tenant: Tenant) -> None:
    from chalicelib.context import get_context
    from chalicelib.services.requests import complete

    found = _statuses(api, tenant)
    found.insert(0, {"id": "shipped", "name": "Shipped", "color": "#00aa00", "kind": "done"})
    assert _put(api, tenant, found).status == 200
    rid = tenant.create("Ship it")["id"]
    ctx = get_context()
    app = ctx.store.get_app(tenant.id, "web")
    assert complete(ctx, app, rid, "admin.test") is True
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["status"] == "shipped"


def test_a_new_request_starts_in_the_first_open_status(api: Api, tenant: Tenant) -> None:
    found = [s for s in _statuses(api, tenant) if s["id"] not in ("open",)]
    found.insert(1, {"id": "inbox", "name": "Inbox", "color": "#000000", "kind": "open"})
    assert _put(api, tenant, found).status == 200
    assert tenant.create("Where do I land")["status"] == "under_review"
