"""Boards: made, listed by visibility, edited, deleted; requests on them, moved between them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.services import search
from chalicelib.store import meter
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def _board(api: Api, tenant: Tenant, board_id: str, visibility: str, **extra: Any) -> None:
    r = api.post(
        tenant.path("/boards"),
        key=tenant.admin_key,
        body={"id": board_id, "name": board_id.title(), "visibility": visibility, **extra},
    )
    assert r.status == 201, r.body


def _ids(reply: Any) -> list[str]:
    return [i["id"] for i in reply.body["items"]]


@pytest.fixture
def boards(api: Api, tenant: Tenant) -> Tenant:
    _board(api, tenant, "mobile", "public")
    _board(api, tenant, "beta", "signed_in")
    _board(api, tenant, "internal", "private", description="The team's own")
    return tenant


def test_every_app_has_general_and_callers_see_what_they_may(api: Api, boards: Tenant) -> None:
    t = boards
    assert _ids(api.get(t.path("/boards"), key=t.admin_key)) == [
        "general",
        "mobile",
        "beta",
        "internal",
    ]
    assert _ids(api.get(t.path("/boards"), key=t.pub_key)) == ["general", "mobile"]
    signed = api.get(t.path("/boards"), key=t.pub_key, token=t.token("u-1"))
    assert _ids(signed) == ["general", "mobile", "beta"]
    app = api.get(t.path(), key=t.admin_key).body
    assert [b["id"] for b in app["boards"]] == ["general", "mobile", "beta", "internal"]
    assert app["boards"][3] == {
        "id": "internal",
        "name": "Internal",
        "description": "The team's own",
        "visibility": "private",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"id": "x", "name": "Too short"},
        {"id": "Has Space", "name": "Bad"},
        {"id": "ok-id", "name": ""},
        {"id": "ok-id", "name": "Ok", "visibility": "hidden"},
        {"id": "ok-id", "name": "Ok", "extra": 1},
        {"id": 5, "name": "Ok"},
        {"id": "a" * 33, "name": "Ok"},
        {"id": "ok-id", "name": "Ok", "description": "d" * 501},
    ],
)
def test_bad_boards_are_400(api: Api, tenant: Tenant, body: dict[str, Any]) -> None:
    r = api.post(tenant.path("/boards"), key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body


def test_taken_ids_and_the_team_only(api: Api, boards: Tenant) -> None:
    t = boards
    for taken in ("general", "mobile"):
        r = api.post(t.path("/boards"), key=t.admin_key, body={"id": taken, "name": "Again"})
        assert (r.status, r.code) == (409, "conflict")
    r = api.post(t.path("/boards"), key=t.pub_key, body={"id": "mine", "name": "Mine"})
    assert r.status == 403
    r = api.patch(t.path("/boards/mobile"), key=t.pub_key, body={"name": "Mine"})
    assert r.status == 403
    r = api.patch(t.path("/boards/nope"), key=t.admin_key, body={"name": "Nope"})
    assert (r.status, r.code) == (404, "not_found")
    r = api.patch(t.path("/boards/mobile"), key=t.admin_key, body={})
    assert (r.status, r.code) == (400, "validation_error")


def test_edit_a_board_and_general(api: Api, boards: Tenant) -> None:
    t = boards
    r = api.patch(t.path("/boards/mobile"), key=t.admin_key, body={"visibility": "private"})
    assert r.status == 200 and r.body["visibility"] == "private" and r.body["name"] == "Mobile"
    r = api.patch(t.path("/boards/general"), key=t.admin_key, body={"name": "Ideas 💡"})
    assert r.status == 200 and r.body["name"] == "Ideas 💡"
    listed = api.get(t.path("/boards"), key=t.admin_key).body["items"]
    assert [(b["id"], b["name"]) for b in listed][:2] == [
        ("general", "Ideas 💡"),
        ("mobile", "Mobile"),
    ]
    assert _ids(api.get(t.path("/boards"), key=t.pub_key)) == ["general"]


def test_delete_only_an_empty_board_never_general(api: Api, boards: Tenant) -> None:
    t = boards
    t.create("On mobile", board="mobile")
    r = api.delete(t.path("/boards/mobile"), key=t.admin_key)
    assert (r.status, r.code) == (409, "conflict")
    r = api.delete(t.path("/boards/general"), key=t.admin_key)
    assert (r.status, r.code) == (409, "conflict")
    assert api.delete(t.path("/boards/beta"), key=t.admin_key).status == 204
    assert api.delete(t.path("/boards/beta"), key=t.admin_key).status == 404
    assert "beta" not in _ids(api.get(t.path("/boards"), key=t.admin_key))


def test_another_tenants_board_is_404(api: Api, boards: Tenant, other: Tenant) -> None:
    t = boards
    for method in ("patch", "delete"):
        r = getattr(api, method)(
            t.path("/boards/internal"), key=other.admin_key, body={"name": "Mine"}
        )
        assert (r.status, r.code) == (404, "not_found")
    r = api.get(other.path("/requests?board=internal"), key=other.admin_key)
    assert (r.status, r.code) == (404, "not_found")


def test_lists_are_per_board_and_without_board_list_general(api: Api, boards: Tenant) -> None:
    t = boards
    general = t.create("In general", tags=["ui"])["id"]
    mobile = t.create("On mobile", board="mobile", tags=["ui"])["id"]
    beta = t.create("In beta", board="beta", tags=["ui"])["id"]
    admin = api.post(
        t.path("/requests"),
        key=t.admin_key,
        body={"title": "Team only", "board": "internal", "tags": ["ui"]},
    ).body["id"]

    def listed(query: str, **kw: Any) -> list[str]:
        r = api.get(t.path(f"/requests{query}"), **kw)
        assert r.status == 200, r.body
        return _ids(r)

    for query in ("", "?sort=top", "?status=open", "?status=open&sort=top", "?tag=ui"):
        assert listed(query, key=t.pub_key) == [general], query
        sep = "&" if "?" in query else "?"
        assert listed(f"{query}{sep}board=mobile", key=t.pub_key) == [mobile], query
        assert listed(f"{query}{sep}board=internal", key=t.admin_key) == [admin], query
        assert listed(f"{query}{sep}board=beta", key=t.pub_key, token=t.token("u-2")) == [beta]
    for hidden, kw in (
        ("beta", {"key": t.pub_key}),
        ("internal", {"key": t.pub_key}),
        ("internal", {"key": t.pub_key, "token": t.token("u-2")}),
        ("nope", {"key": t.admin_key}),
    ):
        r = api.get(t.path(f"/requests?board={hidden}"), **kw)
        assert (r.status, r.code) == (404, "not_found"), hidden


def test_a_hidden_boards_request_is_404_everywhere(api: Api, boards: Tenant) -> None:
    t = boards
    rid = api.post(
        t.path("/requests"), key=t.admin_key, body={"title": "Secret plan", "board": "internal"}
    ).body["id"]
    user = {"key": t.pub_key, "token": t.token("u-3")}
    calls = [
        ("get", f"/requests/{rid}"),
        ("patch", f"/requests/{rid}"),
        ("post", f"/requests/{rid}/vote"),
        ("delete", f"/requests/{rid}/vote"),
        ("post", f"/requests/{rid}/comments"),
        ("get", f"/requests/{rid}/comments"),
        ("put", f"/requests/{rid}/subscription"),
        ("delete", f"/requests/{rid}/subscription"),
        ("get", f"/requests/{rid}/subscription"),
    ]
    for method, rest in calls:
        body = {"body": "hi", "title": "Mine now"} if method in ("post", "patch") else None
        if rest.endswith("/comments") and method == "post":
            body = {"body": "hi"}
        if method == "patch":
            body = {"title": "Mine now"}
        for kw in (user, {"key": t.pub_key}):
            r = api.send(method.upper(), t.path(rest), body=body, **kw)
            if r.status == 401:  # a write without a user token: as for an id that never was
                assert "token" not in kw
                assert api.send(method.upper(), t.path("/requests/01NOPE/vote"), **kw).status == 401
                continue
            assert (r.status, r.code) == (404, "not_found"), (method, rest, r.body)
    assert api.get(t.path(f"/requests/{rid}"), key=t.admin_key).status == 200
    r = api.post(t.path("/requests"), body={"title": "Sneak in", "board": "internal"}, **user)
    assert (r.status, r.code) == (404, "not_found")


def test_the_team_moves_a_request_between_boards(api: Api, boards: Tenant) -> None:
    t = boards
    rid = t.create("Move me", tags=["ui"])["id"]
    token = t.token("voter-9")
    api.post(t.path(f"/requests/{rid}/vote"), key=t.pub_key, token=token)
    r = api.patch(
        t.path(f"/requests/{rid}"), key=t.pub_key, token=t.token("u-1"), body={"board": "mobile"}
    )
    assert r.status == 403  # the author may not move it
    r = api.patch(t.path(f"/requests/{rid}"), key=t.admin_key, body={"board": "nope"})
    assert (r.status, r.code) == (400, "validation_error")
    moved = api.patch(
        t.path(f"/requests/{rid}"), key=t.admin_key, body={"board": "internal", "priority": "high"}
    )
    assert moved.status == 200, moved.body
    assert (moved.body["board"], moved.body["priority"], moved.body["votes"]) == (
        "internal",
        "high",
        1,
    )
    assert moved.body["version"] == 3
    assert api.get(t.path(f"/requests/{rid}"), key=t.pub_key).status == 404
    assert _ids(api.get(t.path("/requests"), key=t.pub_key)) == []
    assert _ids(api.get(t.path("/requests?tag=ui&board=internal"), key=t.admin_key)) == [rid]
    back = api.patch(t.path(f"/requests/{rid}"), key=t.admin_key, body={"board": "general"})
    assert back.status == 200 and back.body["board"] == "general"
    got = api.get(t.path(f"/requests/{rid}"), key=t.pub_key, token=token).body
    assert (got["votes"], got["voted"], got["priority"]) == (1, True, "high")
    assert _ids(api.get(t.path("/requests?sort=top"), key=t.pub_key)) == [rid]
    assert _ids(api.get(t.path("/requests?board=internal"), key=t.admin_key)) == []
    again = api.delete(t.path(f"/requests/{rid}/vote"), key=t.pub_key, token=token)
    assert again.body["votes"] == 0


def test_a_move_is_one_request_updated_event_and_counts_by_board(
    api: Api, boards: Tenant, runner: EventRunner
) -> None:
    t = boards
    rid = t.create("Count me", board="mobile")["id"]
    t.create("Me too")
    runner.drain()
    api.patch(t.path(f"/requests/{rid}"), key=t.admin_key, body={"board": "beta"})
    runner.drain()
    stats = api.get(t.path("/analytics"), key=t.admin_key).body
    assert stats["byBoard"] == {"general": 1, "mobile": 0, "beta": 1, "internal": 0}
    assert stats["byStatusKind"] == {"open": 2, "active": 0, "done": 0, "closed": 0}
    assert list(stats["byStatus"]) == [
        "open",
        "under_review",
        "planned",
        "in_progress",
        "completed",
        "declined",
        "duplicate",
    ]


def test_export_has_a_board_column_and_every_board(api: Api, boards: Tenant) -> None:
    t = boards
    t.create("Exported general")
    api.post(
        t.path("/requests"), key=t.admin_key, body={"title": "Exported inside", "board": "internal"}
    )
    r = api.get(t.path("/export?format=json"), key=t.admin_key)
    assert r.status == 200
    rows = {i["title"]: i["board"] for i in r.body["items"]}
    assert rows == {"Exported general": "general", "Exported inside": "internal"}
    csv = api.get(t.path("/export?format=csv"), key=t.admin_key).body
    assert csv.splitlines()[0].endswith(",insights,board,moderation")  # columns only added
    assert api.get(t.path("/export?format=json"), key=t.pub_key).status == 403


def test_similar_leaves_out_hidden_boards(api: Api, boards: Tenant, runner: EventRunner) -> None:
    t = boards
    api.post(
        t.path("/requests"),
        key=t.admin_key,
        body={"title": "Offline sync secret", "board": "internal"},
    )
    shown = t.create("Offline sync please")["id"]
    runner.drain()
    found = api.get(t.path("/requests/similar?q=offline%20sync"), key=t.pub_key).body["items"]
    assert [i["id"] for i in found] == [shown]
    team = api.get(t.path("/requests/similar?q=offline%20sync"), key=t.admin_key).body["items"]
    assert len(team) == 2


def test_similar_fills_its_five_from_the_boards_the_caller_may_see(
    api: Api, boards: Tenant, runner: EventRunner
) -> None:
    """Better matches on a hidden board do not leave a public caller with fewer than 5."""
    t = boards
    for n in range(5):
        api.post(
            t.path("/requests"),
            key=t.admin_key,
            body={"title": "Offline sync", "board": "internal"},
        )
        t.create(f"Offline sync of my notes, take {n}")
    runner.drain()
    search._cache.clear()
    team = api.get(t.path("/requests/similar?q=offline%20sync"), key=t.admin_key).body["items"]
    assert [i["title"] for i in team] == ["Offline sync"] * 5  # the hidden ones read best
    found = api.get(t.path("/requests/similar?q=offline%20sync"), key=t.pub_key).body["items"]
    assert len(found) == 5 and all(i["title"].startswith("Offline sync of") for i in found)


def test_similar_keeps_to_the_board_it_is_asked_for(
    api: Api, boards: Tenant, runner: EventRunner
) -> None:
    t = boards
    made = {
        board: api.post(
            t.path("/requests"),
            key=t.admin_key,
            body={"title": f"Offline sync on {board}", "board": board},
        ).body["id"]
        for board in ("general", "mobile", "beta", "internal")
    }
    runner.drain()

    def found(board: str, **who: Any) -> Any:
        return api.get(t.path(f"/requests/similar?q=offline%20sync&board={board}"), **who)

    for board in ("general", "mobile"):
        r = found(board, key=t.pub_key)
        assert [i["id"] for i in r.body["items"]] == [made[board]], (board, r.body)
    signed = found("beta", key=t.pub_key, token=t.token("u-9")).body["items"]
    assert [i["id"] for i in signed] == [made["beta"]]
    team = found("internal", key=t.admin_key).body["items"]
    assert [i["id"] for i in team] == [made["internal"]]
    for board, who in (
        ("internal", {}),
        ("beta", {}),
        ("nowhere", {}),
        ("internal", {"token": t.token("u-9")}),
    ):
        r = found(board, key=t.pub_key, **who)
        assert (r.status, r.code) == (404, "not_found"), (board, who)
    for bad in ("Bad%20Board", "x" * 200, "%F0%9F%8C%99", "", "GENERAL"):
        r = found(bad, key=t.pub_key)
        assert (r.status, r.code) == (400, "validation_error"), bad
    everywhere = api.get(t.path("/requests/similar?q=offline%20sync"), key=t.pub_key).body
    assert {i["id"] for i in everywhere["items"]} == {made["general"], made["mobile"]}
    for n in range(3 * search.ON_BOARD):  # the cost of a call does not grow with the app
        t.create(f"Offline sync, take {n}")
    runner.drain()
    search._cache.clear()
    for warm in (False, True):  # the first reads the index (change counts, shards, vectors)
        assert len(found("mobile", key=t.pub_key).body["items"]) == 1
        spent = meter()
        assert spent.calls <= 3 + 3 * (not warm), spent
    assert spent.items_read <= 1 + 3 * search.ON_BOARD, spent  # the key, the matches


def test_private_boards_reach_only_webhooks_flagged_for_them(
    api: Api, boards: Tenant, runner: EventRunner
) -> None:
    from tests.helpers import Receiver

    t = boards
    outside, inside = Receiver(), Receiver()
    try:
        hooks = [
            {"url": outside.url, "events": ["*"]},
            {"url": inside.url, "events": ["*"], "privateBoards": True},
        ]
        saved = api.patch(t.path(), key=t.admin_key, body={"webhooks": hooks})
        assert saved.status == 200, saved.body
        assert [h["privateBoards"] for h in saved.body["webhooks"]] == [False, True]
        secret = api.post(
            t.path("/requests"), key=t.admin_key, body={"title": "Hush", "board": "internal"}
        ).body["id"]
        api.post(t.path(f"/requests/{secret}/comments"), key=t.admin_key, body={"body": "psst"})
        public = t.create("Loud")["id"]
        runner.drain()
        seen_outside = {
            json.loads(r["body"])["data"].get("request", {}).get("id") for r in outside.received
        }
        assert public in seen_outside and secret not in seen_outside
        assert all(json.loads(r["body"])["type"] != "comment.created" for r in outside.received)
        inside_types = sorted(json.loads(r["body"])["type"] for r in inside.received)
        assert inside_types == ["comment.created", "request.created", "request.created"]
    finally:
        outside.server.shutdown()
        inside.server.shutdown()


def test_app_updated_tells_webhooks_of_new_boards_and_statuses(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    from tests.helpers import Receiver

    hook = Receiver()
    try:
        saved = api.patch(
            tenant.path(),
            key=tenant.admin_key,
            body={"webhooks": [{"url": hook.url, "events": ["app.updated"]}]},
        )
        assert saved.status == 200, saved.body
        _board(api, tenant, "roadmap-2027", "public")
        statuses = saved.body["statuses"]
        statuses[0] = {**statuses[0], "name": "New"}
        assert (
            api.patch(tenant.path(), key=tenant.admin_key, body={"statuses": statuses}).status
            == 200
        )
        runner.drain()
        got = [json.loads(r["body"]) for r in hook.received]
        assert [(e["type"], e["data"]["changed"]) for e in got] == [
            ("app.updated", ["boards"]),
            ("app.updated", ["statuses"]),
        ]
        assert got[1]["data"]["previous"]["statuses"][0]["name"] == "Open"
        assert "secret" not in json.dumps(got) and "pubKeyHash" not in json.dumps(got)
    finally:
        hook.server.shutdown()
