"""Comment edit, internal notes and reactions through the routes, on moto."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.context import get_context
from chalicelib.services.comments import EDIT_WINDOW_MS
from tests.helpers import Api, Tenant


def _comment(api: Api, tenant: Tenant, rid: str, body: str, user: str = "writer", **extra: Any):
    r = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token(user),
        body={"body": body, **extra},
    )
    assert r.status == 201, r.body
    return r.body


def _note(api: Api, tenant: Tenant, rid: str, body: str = "team only") -> dict[str, Any]:
    r = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.admin_key,
        body={"body": body, "internal": True},
    )
    assert r.status == 201, r.body
    return r.body


# ---------------------------------------------------------------- edit


def test_author_edits_within_the_window_and_the_comment_shows_edited(
    api: Api, tenant: Tenant
) -> None:
    rid = tenant.create("Edit comments")["id"]
    made = _comment(api, tenant, rid, "frist")
    assert (made["edited"], made["editedAt"], made["internal"]) == (False, None, False)
    path = tenant.path(f"/requests/{rid}/comments/{made['id']}")
    r = api.patch(path, key=tenant.pub_key, token=tenant.token("writer"), body={"body": "first ✓"})
    assert r.status == 200, r.body
    assert (r.body["body"], r.body["edited"]) == ("first ✓", True)
    assert r.body["editedAt"].endswith("Z")
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body["items"]
    assert [(c["body"], c["edited"]) for c in listed] == [("first ✓", True)]


def test_others_may_not_edit_and_the_team_may(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Edit rights")["id"]
    cid = _comment(api, tenant, rid, "mine")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    other = api.patch(path, key=tenant.pub_key, token=tenant.token("else"), body={"body": "x"})
    assert (other.status, other.code) == (403, "forbidden")
    anonymous = api.patch(path, key=tenant.pub_key, body={"body": "x"})
    assert (anonymous.status, anonymous.code) == (403, "forbidden")
    team = api.patch(path, key=tenant.admin_key, body={"body": "[removed a link]"})
    assert (team.status, team.body["body"], team.body["edited"]) == (200, "[removed a link]", True)


def test_author_edit_after_fifteen_minutes_is_409_but_the_team_still_may(
    api: Api, tenant: Tenant
) -> None:
    rid = tenant.create("Late edit")["id"]
    made = _comment(api, tenant, rid, "old words")
    path = tenant.path(f"/requests/{rid}/comments/{made['id']}")
    ctx = get_context()
    later = ctx.clock() + EDIT_WINDOW_MS + 1000
    object.__setattr__(ctx, "clock", lambda: later)  # frozen dataclass, test only
    try:
        late = api.patch(path, key=tenant.pub_key, token=tenant.token("writer"), body={"body": "n"})
        team = api.patch(path, key=tenant.admin_key, body={"body": "team fix"})
    finally:
        get_context.cache_clear()
    assert (late.status, late.code) == (409, "conflict")
    assert team.status == 200


def test_edit_checks_the_window_in_the_write_itself(ctx: Any, tenant: Tenant, api: Api) -> None:
    """A write that starts after the window closed loses, even if the read came before."""
    rid = tenant.create("Race the window")["id"]
    cid = _comment(api, tenant, rid, "text")["id"]
    req = ctx.store.get_request(tenant.id, "web", rid)
    from chalicelib.store import ConditionFailedError

    with pytest.raises(ConditionFailedError):
        ctx.store.edit_comment(req, cid, "late", ctx.clock(), since_ms=ctx.clock() + 1)


@pytest.mark.parametrize(
    "body",
    [{}, {"body": ""}, {"body": 5}, {"body": "x" * 5001}, {"body": "ok", "internal": True}],
)
def test_bad_edits_are_400(api: Api, tenant: Tenant, body: dict[str, Any]) -> None:
    rid = tenant.create("Bad edits")["id"]
    cid = _comment(api, tenant, rid, "text")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    r = api.patch(path, key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body


def test_replayed_edit_changes_nothing_and_missing_ids_are_404(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Replays")["id"]
    cid = _comment(api, tenant, rid, "same")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    replay = api.patch(path, key=tenant.admin_key, body={"body": "same"})
    assert (replay.status, replay.body["edited"]) == (200, False)
    for where in (f"/requests/{rid}/comments/nope", f"/requests/nope/comments/{cid}"):
        r = api.patch(tenant.path(where), key=tenant.admin_key, body={"body": "x"})
        assert (r.status, r.code) == (404, "not_found")
    long = api.patch(tenant.path(f"/requests/{rid}/comments/{'x' * 300}"), key=tenant.admin_key,
                     body={"body": "x"})  # fmt: skip
    assert long.status == 404


def test_concurrent_edits_end_with_one_of_them_whole(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Concurrent edits")["id"]
    cid = _comment(api, tenant, rid, "start")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    bodies = [f"edit {n} " * 20 + "end" for n in range(6)]
    from chalicelib.models import CommentEdit
    from chalicelib.services import comments

    ctx = get_context()
    app = ctx.store.get_app(tenant.id, "web")
    caller = _admin_caller(tenant)
    threads = [
        threading.Thread(
            target=comments.edit, args=(ctx, caller, app, rid, cid, CommentEdit(body=b))
        )
        for b in bodies
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body["items"]
    assert final[0]["body"] in bodies and final[0]["edited"]
    assert api.patch(path, key=tenant.admin_key, body={"body": "after"}).status == 200


def _admin_caller(tenant: Tenant) -> Any:
    from chalicelib.auth import Caller

    return Caller(tenant.id, "admin", "testkey", "127.0.0.1")


# ---------------------------------------------------------------- internal notes


def test_internal_notes_are_the_teams_only(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Internal notes")["id"]
    _comment(api, tenant, rid, "public one")
    note = _note(api, tenant, rid, "customer is Acme, 40 seats")
    assert note["internal"] is True
    team = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.admin_key).body["items"]
    assert [c["internal"] for c in team] == [False, True]
    for token in (None, tenant.token("writer")):
        seen = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key, token=token)
        assert [c["body"] for c in seen.body["items"]] == ["public one"]
    req = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body
    assert req["commentCount"] == 1
    path = tenant.path(f"/requests/{rid}/comments/{note['id']}")
    user = tenant.token("writer")
    for r in (
        api.patch(path, key=tenant.pub_key, token=user, body={"body": "x"}),
        api.delete(path, key=tenant.pub_key, token=user),
        api.put(path + "/reactions/heart", key=tenant.pub_key, token=user),
        api.delete(path + "/reactions/heart", key=tenant.pub_key, token=user),
    ):
        assert (r.status, r.code) == (404, "not_found")
    gone = api.delete(path, key=tenant.admin_key)
    assert gone.status == 204
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 1


def test_a_user_may_not_post_an_internal_note(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("No notes for users")["id"]
    r = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("u"),
        body={"body": "psst", "internal": True},
    )
    assert (r.status, r.code) == (403, "forbidden")
    wrong = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.admin_key,
        body={"body": "psst", "internal": "yes"},
    )
    assert (wrong.status, wrong.code) == (400, "validation_error")
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.admin_key).body
    assert listed["items"] == []


def test_a_page_without_internal_notes_still_pages_through_every_public_comment(
    api: Api, tenant: Tenant
) -> None:
    rid = tenant.create("Mixed pages")["id"]
    for n in range(5):
        _comment(api, tenant, rid, f"public {n}")
        _note(api, tenant, rid, f"note {n}")
    seen, cursor = [], None
    for _ in range(10):
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = api.get(tenant.path(f"/requests/{rid}/comments{query}"), key=tenant.pub_key).body
        seen += [c["body"] for c in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == [f"public {n}" for n in range(5)]


# ---------------------------------------------------------------- reactions


def test_reactions_count_once_per_user_and_show_the_callers_own(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("React")["id"]
    cid = _comment(api, tenant, rid, "nice idea")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}/reactions")
    ada, bo = tenant.token("ada"), tenant.token("bo")
    first = api.put(f"{path}/%2B1", key=tenant.pub_key, token=ada)
    assert first.status == 200, first.body
    assert (first.body["reactions"], first.body["reacted"]) == ({"+1": 1}, ["+1"])
    again = api.put(f"{path}/%2B1", key=tenant.pub_key, token=ada)
    assert again.body["reactions"] == {"+1": 1}
    api.put(f"{path}/heart", key=tenant.pub_key, token=ada)
    r = api.put(f"{path}/%2B1", key=tenant.pub_key, token=bo)
    assert (r.body["reactions"], r.body["reacted"]) == ({"+1": 2, "heart": 1}, ["+1"])
    items = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key, token=ada)
    assert items.body["items"][0]["reacted"] == ["+1", "heart"]
    anon = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body["items"]
    assert anon[0]["reactions"] == {"+1": 2, "heart": 1} and anon[0]["reacted"] == []
    undo = api.delete(f"{path}/%2B1", key=tenant.pub_key, token=ada)
    undo_again = api.delete(f"{path}/%2B1", key=tenant.pub_key, token=ada)
    assert undo.body["reactions"] == undo_again.body["reactions"] == {"+1": 1, "heart": 1}
    assert undo_again.body["reacted"] == ["heart"]


@pytest.mark.parametrize("reaction", ["thumbsdown", "HEART", "%F0%9F%91%8D", "x" * 200])
def test_unknown_reactions_are_400(api: Api, tenant: Tenant, reaction: str) -> None:
    rid = tenant.create("Bad reactions")["id"]
    cid = _comment(api, tenant, rid, "text")["id"]
    path = tenant.path(f"/requests/{rid}/comments/{cid}/reactions/{reaction}")
    r = api.put(path, key=tenant.pub_key, token=tenant.token("u"))
    assert (r.status, r.code) == (400, "validation_error"), r.body


def test_reacting_needs_a_user_unless_anonymous_writes_are_allowed(
    api: Api, tenant: Tenant, open_tenant: Tenant
) -> None:
    rid = tenant.create("Who reacts")["id"]
    cid = _comment(api, tenant, rid, "text")["id"]
    r = api.put(tenant.path(f"/requests/{rid}/comments/{cid}/reactions/tada"), key=tenant.pub_key)
    assert (r.status, r.code) == (401, "unauthenticated")
    rid = open_tenant.create("Open reacts")["id"]
    cid = _comment(api, open_tenant, rid, "text")["id"]
    path = open_tenant.path(f"/requests/{rid}/comments/{cid}/reactions/tada")
    first = api.put(path, key=open_tenant.pub_key)
    again = api.put(path, key=open_tenant.pub_key)
    assert first.body["reactions"] == again.body["reactions"] == {"tada": 1}
    assert again.body["reacted"] == ["tada"]


def test_concurrent_reactions_count_exactly(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Many react")["id"]
    cid = _comment(api, tenant, rid, "popular comment")["id"]
    from chalicelib.services import comments

    ctx = get_context()
    app = ctx.store.get_app(tenant.id, "web")
    callers = [
        replace(_admin_caller(tenant), role="public", user=_person(f"u{n % 8}")) for n in range(24)
    ]  # 8 users, each three times at once

    def react(caller: Any) -> None:
        comments.react(ctx, caller, app, rid, cid, "eyes", on=True)

    threads = [threading.Thread(target=react, args=(c,)) for c in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body["items"]
    assert listed[0]["reactions"] == {"eyes": 8}


def _person(user_id: str) -> Any:
    from chalicelib.records import Person

    return Person(id=user_id)


def test_reactions_to_a_deleted_comment_are_404(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Gone")["id"]
    cid = _comment(api, tenant, rid, "bye")["id"]
    assert (
        api.delete(tenant.path(f"/requests/{rid}/comments/{cid}"), key=tenant.admin_key).status
        == 204
    )
    r = api.put(tenant.path(f"/requests/{rid}/comments/{cid}/reactions/heart"),
                key=tenant.pub_key, token=tenant.token("u"))  # fmt: skip
    assert (r.status, r.code) == (404, "not_found")


# ---------------------------------------------------------------- other tenants


def test_another_tenants_comment_is_404_for_edit_and_reactions(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    rid = tenant.create("Theirs")["id"]
    cid = _comment(api, tenant, rid, "private words")["id"]
    theirs = f"/requests/{rid}/comments/{cid}"
    for key, token in ((other.admin_key, None), (other.pub_key, other.token("writer"))):
        for r in (
            api.patch(other.path(theirs), key=key, token=token, body={"body": "hijack"}),
            api.put(other.path(theirs + "/reactions/heart"), key=key, token=token),
            api.delete(other.path(theirs + "/reactions/heart"), key=key, token=token),
            api.patch(tenant.path(theirs), key=key, token=token, body={"body": "hijack"}),
        ):
            assert (r.status, r.code) == (404, "not_found"), r.body


# ---------------------------------------------------------------- cost


def test_a_reaction_and_a_comment_page_cost_little_and_stay_flat(
    api: Api, tenant: Tenant, ctx: Any, monkeypatch: Any, capsys: Any
) -> None:
    """A reaction writes two small items in one transaction (its price by DynamoDB's rules
    from tools/cost.py); a page of 20 comments, each reacted to by the reader, is three
    calls (the request, the page, the reader's reactions) and reads ~41 items."""
    from chalicelib import usage
    from chalicelib.models import PageQuery
    from chalicelib.services import comments
    from chalicelib.store import reset_meter
    from tools.cost import ItemMeter
    from tools.resources import table_properties

    monkeypatch.setattr(usage, "FLUSH_S", float("inf"))
    rid = tenant.create("Costly?")["id"]
    ids = [
        _comment(api, tenant, rid, f"comment {n} " + "w" * 300, f"u{n}")["id"] for n in range(25)
    ]
    token = tenant.token("reader")
    for cid in ids:
        api.put(tenant.path(f"/requests/{rid}/comments/{cid}/reactions/heart"), key=tenant.pub_key, token=token)  # fmt: skip
    priced = ItemMeter(table_properties(), ctx.settings.table_name)
    client = ctx.store.client
    client.meta.events.register("before-parameter-build.dynamodb", priced.before)
    client.meta.events.register("after-call.dynamodb", priced.after)
    try:
        priced.take()
        app = ctx.store.get_app(tenant.id, "web")
        reader = replace(_admin_caller(tenant), role="public", user=_person("reader"))
        reset_meter()
        comments.react(ctx, reader, app, rid, ids[0], "tada", on=True)
        write_units = priced.take()[1]
        meter = reset_meter()
        page = comments.list_page(ctx, reader, app, rid, PageQuery(limit=20))
        read_units = priced.take()[0]
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb", priced.before)
        client.meta.events.unregister("after-call.dynamodb", priced.after)
    assert all(c["reacted"] for c in page["items"]) and len(page["items"]) == 20
    # the user's reactions item (1, x2 in the transaction; byUser 1) and the comment (1, x2)
    # + the ban check in the same transaction (the small standing item, 1)
    assert write_units <= 6, write_units
    assert meter.calls == 3 and meter.items_read <= 42, meter
    assert read_units <= 4, read_units
    with capsys.disabled():
        print(f"\nreaction: {write_units} WRU; page of 20: {meter.calls} calls, "
              f"{meter.items_read} items, {read_units} RCU")  # fmt: skip


# ---------------------------------------------------------------- privacy


def test_a_forgotten_users_reactions_are_listed_then_taken_back(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Forget reactions")["id"]
    kept = _comment(api, tenant, rid, "stays")["id"]
    gone = _comment(api, tenant, rid, "will be deleted")["id"]
    token = tenant.token("greta")
    for cid, reaction in ((kept, "heart"), (kept, "%2B1"), (gone, "eyes")):
        path = tenant.path(f"/requests/{rid}/comments/{cid}/reactions/{reaction}")
        assert api.put(path, key=tenant.pub_key, token=token).status == 200
    api.put(tenant.path(f"/requests/{rid}/comments/{kept}/reactions/heart"), key=tenant.pub_key,
            token=tenant.token("sam"))  # fmt: skip
    api.delete(tenant.path(f"/requests/{rid}/comments/{gone}"), key=tenant.admin_key)
    data = api.get(tenant.path("/users/greta/data"), key=tenant.admin_key).body
    assert sorted((r["commentId"], tuple(r["reactions"])) for r in data["reactions"]) == sorted(
        [(kept, ("+1", "heart")), (gone, ("eyes",))]
    )
    assert api.delete(tenant.path("/users/greta"), key=tenant.admin_key).status == 204
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body["items"]
    assert listed[0]["reactions"] == {"heart": 1}  # sam's stays
    assert api.get(tenant.path("/users/greta/data"), key=tenant.admin_key).body["reactions"] == []


# ---------------------------------------------------------------- events


def test_edits_and_internal_notes_reach_webhooks_flagged_and_no_follower_email(
    api: Api, tenant: Tenant, runner: Any
) -> None:
    from tests.helpers import Receiver
    from tests.integration.test_events import follower_token, sent_to

    receiver = Receiver()
    try:
        hooks = [
            {
                "url": receiver.url,
                "events": ["comment.created", "comment.updated", "comment.deleted"],
            }
        ]
        assert (
            api.patch(tenant.path(), key=tenant.admin_key, body={"webhooks": hooks}).status == 200
        )
        asker = follower_token(tenant, f"asker-{tenant.id}")
        rid = api.post(tenant.path("/requests"), key=tenant.pub_key, token=asker,
                       body={"title": "Notes and edits"}).body["id"]  # fmt: skip
        said = _comment(api, tenant, rid, "first words", "chatter")
        note = _note(api, tenant, rid, "Acme: 40 seats")
        runner.drain()
        path = tenant.path(f"/requests/{rid}/comments/{said['id']}")
        api.patch(
            path, key=tenant.pub_key, token=tenant.token("chatter"), body={"body": "better words"}
        )
        api.put(path + "/reactions/heart", key=tenant.pub_key, token=asker)  # no event
        api.patch(tenant.path(f"/requests/{rid}/comments/{note['id']}"), key=tenant.admin_key,
                  body={"body": "Acme: 45 seats"})  # fmt: skip
        api.delete(tenant.path(f"/requests/{rid}/comments/{note['id']}"), key=tenant.admin_key)
        runner.drain()
        for _ in range(100):
            if len(receiver.received) >= 5:
                break
            runner.drain()
    finally:
        receiver.server.shutdown()
    created = receiver.events("comment.created")
    assert sorted(bool(e["data"].get("internal")) for e in created) == [False, True]
    updated = receiver.events("comment.updated")
    assert len(updated) == 2  # the reaction made none
    public = next(e for e in updated if not e["data"].get("internal"))
    assert public["data"]["comment"]["body"] == "better words"
    assert public["data"]["previous"] == {"body": "first words"}
    assert public["data"]["comment"]["edited"] is True
    private = next(e for e in updated if e["data"].get("internal"))
    assert private["data"]["comment"]["internal"] is True
    (deleted,) = receiver.events("comment.deleted")
    assert deleted["data"]["internal"] is True
    mail = [e["subject"] for e in sent_to(f"asker-{tenant.id}@example.com")]
    assert mail == ["New comment on “Notes and edits”"]  # the public comment, not the note
    stats = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert (stats["comments"], stats["internalNotes"]) == (1, 0)  # the note came and went
