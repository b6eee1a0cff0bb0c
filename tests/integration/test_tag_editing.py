"""Tags across an app's requests: rename and remove, bounded per call, admin only, events."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Api, Receiver, Tenant
from tools.event_runner import EventRunner


def _tags(api: Api, t: Tenant, rid: str) -> list[str]:
    return api.get(t.path(f"/requests/{rid}"), key=t.admin_key).body["tags"]


def _listed(api: Api, t: Tenant, tag: str) -> set[str]:
    return {i["id"] for i in api.get(t.path(f"/requests?tag={tag}"), key=t.pub_key).body["items"]}


def test_rename_moves_every_request_and_its_list(api: Api, tenant: Tenant) -> None:
    t = tenant
    a = t.create("Dark theme", tags=["ui", "dark"])["id"]
    b = t.create("Night mode", tags=["dark", "night"])["id"]
    c = t.create("Other", tags=["api"])["id"]
    r = api.patch(t.path("/tags/dark"), key=t.admin_key, body={"name": "night"})
    assert r.status == 200, r.body
    assert r.body == {"tag": "night", "changed": 2}
    assert _tags(api, t, a) == ["ui", "night"]
    assert _tags(api, t, b) == ["night"]  # had both: keeps one
    assert _tags(api, t, c) == ["api"]
    assert _listed(api, t, "dark") == set()
    assert _listed(api, t, "night") == {a, b}
    again = api.patch(t.path("/tags/dark"), key=t.admin_key, body={"name": "night"})
    assert again.status == 200 and again.body["changed"] == 0  # a replay changes nothing


def test_delete_removes_the_tag_everywhere(api: Api, tenant: Tenant) -> None:
    t = tenant
    a = t.create("Export to PDF", tags=["export", "pdf"])["id"]
    r = api.delete(t.path("/tags/pdf"), key=t.admin_key)
    assert r.status == 204
    assert _tags(api, t, a) == ["export"] and _listed(api, t, "pdf") == set()
    assert api.delete(t.path("/tags/pdf"), key=t.admin_key).status == 204


def test_bounded_per_call_answers_409_until_done(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import tags

    monkeypatch.setattr(tags, "RETAG_PER_CALL", 2)
    ids = [tenant.create(f"Tagged {i}", tags=["old"])["id"] for i in range(5)]
    answers = [
        api.patch(tenant.path("/tags/old"), key=tenant.admin_key, body={"name": "new"})
        for _ in range(3)
    ]
    assert [a.status for a in answers] == [409, 409, 200]
    assert answers[0].code == "conflict"
    assert "send the same call again" in answers[0].body["error"]["message"]
    assert answers[2].body["changed"] == 1
    assert {tuple(_tags(api, tenant, r)) for r in ids} == {("new",)}


@pytest.mark.parametrize(
    ("tag", "body"),
    [
        ("dark", {}),
        ("dark", {"name": ""}),
        ("dark", {"name": "Dark Mode"}),
        ("dark", {"name": "x" * 33}),
        ("dark", {"name": 7}),
        ("dark", {"name": ["a"]}),
        ("dark", {"name": "dark"}),
        ("dark", {"name": "ok", "extra": 1}),
        ("DARK", {"name": "ok"}),
        ("d%C3%A4rk", {"name": "ok"}),
        ("x" * 40, {"name": "ok"}),
    ],
)
def test_bad_input_is_a_400(api: Api, tenant: Tenant, tag: str, body: dict) -> None:
    r = api.patch(tenant.path(f"/tags/{tag}"), key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body


def test_no_body_is_a_400(api: Api, tenant: Tenant) -> None:
    r = api.send(
        "PATCH",
        tenant.path("/tags/dark"),
        key=tenant.admin_key,
        raw=b"not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status == 400


def test_only_the_apps_own_admin(api: Api, tenant: Tenant, other: Tenant) -> None:
    rid = tenant.create("Mine", tags=["mine"])["id"]
    # the other tenant's key reaches its own app of the same id, never this one's requests
    theirs = api.patch(tenant.path("/tags/mine"), key=other.admin_key, body={"name": "x"})
    assert theirs.status == 200 and theirs.body["changed"] == 0
    assert api.delete(tenant.path("/tags/mine"), key=other.admin_key).status == 204
    nowhere = api.patch(
        tenant.path("/tags/mine", "no-such-app"), key=tenant.admin_key, body={"name": "x"}
    )
    assert nowhere.status == 404
    public = api.patch(
        tenant.path("/tags/mine"), key=tenant.pub_key, token=tenant.token("u-1"), body={"name": "x"}
    )
    assert public.status == 403
    assert api.delete(tenant.path("/tags/mine"), key=tenant.pub_key).status == 403
    assert _tags(api, tenant, rid) == ["mine"]


def test_each_change_is_one_request_updated_event_and_counts_follow(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    t = tenant
    hook = Receiver()
    try:
        saved = api.patch(
            t.path(), key=t.admin_key, body={"webhooks": [{"url": hook.url, "events": ["*"]}]}
        )
        assert saved.status == 200, saved.body
        rid = t.create("Widgets", tags=["widget", "ui"])["id"]
        runner.drain()
        hook.received.clear()
        assert (
            api.patch(t.path("/tags/widget"), key=t.admin_key, body={"name": "embed"}).status == 200
        )
        runner.drain()
        got = [json.loads(r["body"]) for r in hook.received]
        assert [(e["type"], e["data"]["changed"]) for e in got] == [("request.updated", ["tags"])]
        assert got[0]["data"]["previous"]["tags"] == ["widget", "ui"]
        assert got[0]["data"]["request"]["id"] == rid
        counts = api.get(t.path("/tags"), key=t.pub_key).body["items"]
        assert counts == [{"tag": "embed", "count": 1}, {"tag": "ui", "count": 1}]
    finally:
        hook.server.shutdown()
