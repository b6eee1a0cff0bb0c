"""Workflow edge cases found in review: merged voters keep following, private names stay
private, the moderation queue never holds a post nobody can reach, board moves survive
races and crashes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.store import ConditionFailedError
from chalicelib.store.keys import Keys
from tests.helpers import Api, Receiver, Tenant
from tests.integration.test_events import follower_token, sent_to
from tools.event_runner import EventRunner


def _post(api: Api, t: Tenant, title: str, **body: Any) -> str:
    r = api.post(t.path("/requests"), key=t.admin_key, body={"title": title, **body})
    assert r.status == 201, r.body
    return r.body["id"]


def _board(api: Api, t: Tenant, board_id: str, visibility: str) -> None:
    r = api.post(
        t.path("/boards"),
        key=t.admin_key,
        body={"id": board_id, "name": board_id.title(), "visibility": visibility},
    )
    assert r.status == 201, r.body


@contextmanager
def _outside_and_inside(api: Api, t: Tenant, event: str) -> Iterator[tuple[Any, Any]]:
    """Two webhooks for ``event``: one without ``privateBoards``, one with it."""
    outside, inside = Receiver(), Receiver()
    try:
        hooks = [
            {"url": outside.url, "events": [event]},
            {"url": inside.url, "events": [event], "privateBoards": True},
        ]
        assert api.patch(t.path(), key=t.admin_key, body={"webhooks": hooks}).status == 200
        yield outside, inside
    finally:
        outside.server.shutdown()
        inside.server.shutdown()


def _merge_and_deliver(api: Api, t: Tenant, runner: EventRunner, source: str, into: str) -> None:
    """Merge ``source`` into ``into`` once what came before is delivered, then deliver the
    merge and the vote moves it sets off."""
    runner.drain()
    merged = api.post(t.path(f"/requests/{source}/merge"), key=t.admin_key, body={"into": into})
    assert merged.status == 200, merged.body
    runner.drain()
    runner.drain()


def test_voters_of_a_merged_request_still_follow_it_and_hear_of_the_merge(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    source, target = _post(api, tenant, "Export to PDF"), _post(api, tenant, "PDF export")
    token = follower_token(tenant, "mergedvoter")
    assert api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=token)
    _merge_and_deliver(api, tenant, runner, source, target)
    for rid in (source, target):
        followed = api.get(
            tenant.path(f"/requests/{rid}/subscription"), key=tenant.pub_key, token=token
        )
        assert followed.body["subscribed"] is True, rid
    mail = [e for e in sent_to("mergedvoter@example.com") if "Export to PDF" in e["subject"]]
    assert len(mail) == 1 and 'merged into "PDF export"' in mail[0]["text"]


def test_the_merged_email_tells_only_voters_that_their_vote_moved(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    source, target = _post(api, tenant, "Offline maps"), _post(api, tenant, "Maps offline")
    voter, talker = follower_token(tenant, "mapvoter"), follower_token(tenant, "maptalker")
    fan = follower_token(tenant, "mapfan")
    assert api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=voter)
    said = api.post(
        tenant.path(f"/requests/{source}/comments"),
        key=tenant.pub_key,
        token=talker,
        body={"body": "me too"},
    )
    assert said.status == 201
    follow = api.put(tenant.path(f"/requests/{source}/subscription"), key=tenant.pub_key, token=fan)
    assert follow.status in (200, 204), follow.body
    _merge_and_deliver(api, tenant, runner, source, target)

    def merged_mail(user: str) -> dict[str, Any]:
        mail = [
            e
            for e in sent_to(f"{user}@example.com")
            if e["subject"].startswith("“Offline maps” is now")
        ]
        assert len(mail) == 1, (user, mail)
        return mail[0]

    moved = 'merged into "Maps offline"; your vote moved with it.'
    assert moved in merged_mail("mapvoter")["text"]
    assert "your vote moved" in merged_mail("mapvoter")["html"]
    for user in ("maptalker", "mapfan"):
        mail = merged_mail(user)
        assert "your vote" not in mail["text"] and "your vote" not in mail["html"], user
        assert 'merged into "Maps offline"; follow that one' in mail["text"], user


def test_the_merged_email_does_not_name_a_private_target(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    _board(api, tenant, "roadmap", "private")
    source = _post(api, tenant, "Dark theme please")
    target = _post(api, tenant, "Codename Nightshade", board="roadmap")
    token = follower_token(tenant, "privatefan")
    api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=token)
    runner.drain()
    api.post(tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target})
    runner.drain()
    runner.drain()
    mail = [e for e in sent_to("privatefan@example.com") if "Dark theme" in e["subject"]]
    assert len(mail) == 1
    assert "Nightshade" not in mail[0]["text"] and "Nightshade" not in mail[0]["html"]
    assert "merged into another request" in mail[0]["text"]


def _tags(api: Api, t: Tenant, **auth: Any) -> dict[str, int]:
    r = api.get(t.path("/tags"), **auth)
    assert r.status == 200, r.body
    return {i["tag"]: i["count"] for i in r.body["items"]}


def test_tags_of_hidden_boards_are_counted_only_for_those_who_see_them(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    _board(api, tenant, "secret", "private")
    _board(api, tenant, "members", "signed_in")
    _post(api, tenant, "Public one", tags=["ui"])
    hidden = _post(api, tenant, "Hidden one", tags=["ui", "codename-x"], board="secret")
    _post(api, tenant, "Members one", tags=["beta-only"], board="members")
    runner.drain()
    team = _tags(api, tenant, key=tenant.admin_key)
    assert team == {"ui": 2, "codename-x": 1, "beta-only": 1}
    assert _tags(api, tenant, key=tenant.pub_key) == {"ui": 1}
    signed = _tags(api, tenant, key=tenant.pub_key, token=tenant.token("member-1"))
    assert signed == {"ui": 1, "beta-only": 1}
    # a tag edit on the hidden board, then a move into the open: counts follow each event
    api.patch(tenant.path(f"/requests/{hidden}"), key=tenant.admin_key, body={"tags": ["x2"]})
    runner.drain()
    assert _tags(api, tenant, key=tenant.pub_key) == {"ui": 1}
    moved = api.patch(
        tenant.path(f"/requests/{hidden}"), key=tenant.admin_key, body={"board": "general"}
    )
    assert moved.status == 200, moved.body
    runner.drain()
    assert _tags(api, tenant, key=tenant.pub_key) == {"ui": 1, "x2": 1}
    assert _tags(api, tenant, key=tenant.admin_key) == {"ui": 1, "x2": 1, "beta-only": 1}


def test_app_updated_names_private_boards_only_to_webhooks_that_take_them(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    with _outside_and_inside(api, tenant, "app.updated") as (outside, inside):
        _board(api, tenant, "skunkworks", "private")
        _board(api, tenant, "mobile", "public")
        runner.drain()
        seen = [json.loads(r["body"]) for r in outside.received]
        told = [json.loads(r["body"]) for r in inside.received]
        assert "skunkworks" not in json.dumps(seen)
        assert len(seen) == 1 and [b["id"] for b in seen[0]["data"]["app"]["boards"]] == [
            "general",
            "mobile",
        ]
        assert len(told) == 2 and "skunkworks" in json.dumps(told)


def _held_post(api: Api, t: Tenant, user: str, title: str, **body: Any) -> str:
    r = api.post(
        t.path("/requests"), key=t.pub_key, token=t.token(user), body={"title": title, **body}
    )
    assert r.status == 201 and r.body["moderation"] == "pending", r.body
    return r.body["id"]


def test_a_post_waiting_while_its_board_and_status_go_is_approved_onto_what_exists(
    api: Api, tenant: Tenant
) -> None:
    _board(api, tenant, "later", "public")
    assert api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": "all"}).status == 200
    rid = _held_post(api, tenant, "waiter", "Waited through a reshuffle", board="later")
    assert api.delete(tenant.path("/boards/later"), key=tenant.admin_key).status == 204
    statuses = api.get(tenant.path(), key=tenant.admin_key).body["statuses"]
    renamed = [{**s, "id": "new_idea"} if s["id"] == "open" else s for s in statuses]
    assert api.patch(tenant.path(), key=tenant.admin_key, body={"statuses": renamed}).status == 200
    approved = api.post(tenant.path(f"/requests/{rid}/approve"), key=tenant.admin_key)
    assert approved.status == 200, approved.body
    assert (approved.body["board"], approved.body["status"]) == ("general", "new_idea")
    listed = api.get(tenant.path("/requests?status=new_idea"), key=tenant.pub_key)
    assert [i["id"] for i in listed.body["items"]] == [rid]
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).status == 200


def _held_comment(api: Api, tenant: Tenant, title: str) -> tuple[str, str]:
    """A request, then (with every post held) a user's comment on it awaiting moderation."""
    rid = _post(api, tenant, title)
    assert api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": "all"}).status == 200
    cid = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("talker"),
        body={"body": "Waiting here"},
    ).body["id"]
    return rid, cid


def test_a_deleted_requests_pending_comments_leave_the_queue_with_it(
    api: Api, tenant: Tenant
) -> None:
    rid, cid = _held_comment(api, tenant, "Soon gone too")
    queued = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert cid in [i["id"] for i in queued]
    assert api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 204
    queued = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert cid not in [i["id"] for i in queued]
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    for decision in ("approve", "reject"):
        assert api.post(f"{path}/{decision}", key=tenant.admin_key).status == 404


def test_a_pending_comment_of_a_deleted_request_can_leave_the_queue(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    rid, cid = _held_comment(api, tenant, "Soon gone")
    # held before authors had a copy (older versions): the queue cannot find it by request
    ctx.store._batch_delete([Keys.held_comment(tenant.id, "web", rid, "talker", cid)])
    assert api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 204
    path = tenant.path(f"/requests/{rid}/comments/{cid}")
    approve = api.post(f"{path}/approve", key=tenant.admin_key)
    assert approve.status == 404 and "reject" in approve.body["error"]["message"]
    assert api.post(f"{path}/reject", key=tenant.admin_key).status == 204
    assert api.post(f"{path}/reject", key=tenant.admin_key).status == 204  # a replay
    queue = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert cid not in [i["id"] for i in queue]
    other = api.post(tenant.path(f"/requests/{rid}x/comments/{cid}/reject"), key=tenant.admin_key)
    assert other.status == 404


def _moved(req: Any, board: str) -> Any:
    return replace(req, board=board, version=req.version + 1)


def _first_write_only(ctx: Any, move: Any) -> None:
    """Run ``move`` as if it stopped after its first transaction (a crash, or a concurrent
    move still between its two writes)."""
    real = ctx.store.transact
    calls: list[Any] = []

    def first_only(ops: Any) -> None:
        calls.append(ops)
        if len(calls) == 1:
            real(ops)

    ctx.store.transact = first_only
    try:
        move()
    finally:
        ctx.store.transact = real
    assert len(calls) == 2  # the second write (the old items' deletion) never happened


def test_two_moves_from_the_same_read_cannot_both_happen(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    _board(api, tenant, "one", "public")
    _board(api, tenant, "two", "public")
    rid = _post(api, tenant, "Where do I live", tags=["ui"])
    read = ctx.store.get_request(tenant.id, "web", rid, consistent=True)
    _first_write_only(ctx, lambda: ctx.store.move_request(read, _moved(read, "one")))
    with pytest.raises(ConditionFailedError):
        ctx.store.move_request(read, _moved(read, "two"))  # the second of two concurrent moves
    for board, expected in (("one", [rid]), ("two", []), ("general", [])):
        listed = api.get(tenant.path(f"/requests?board={board}"), key=tenant.admin_key)
        assert [i["id"] for i in listed.body["items"]] == expected, board
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["board"] == "one"


def test_a_comment_counted_after_the_read_stops_the_move_and_the_retry_keeps_it(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    _board(api, tenant, "elsewhere", "public")
    rid = _post(api, tenant, "Talk while moving")
    read = ctx.store.get_request(tenant.id, "web", rid, consistent=True)
    said = api.post(
        tenant.path(f"/requests/{rid}/comments"), key=tenant.admin_key, body={"body": "hi"}
    )
    assert said.status == 201
    with pytest.raises(ConditionFailedError):
        ctx.store.move_request(read, _moved(read, "elsewhere"))
    moved = api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "elsewhere"}
    )
    assert (moved.status, moved.body["commentCount"]) == (200, 1)


def test_between_a_moves_two_writes_the_request_is_found_on_its_new_board(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    _board(api, tenant, "next", "public")
    rid = _post(api, tenant, "Half moved")
    read = ctx.store.get_request(tenant.id, "web", rid, consistent=True)
    new = _moved(read, "next")
    _first_write_only(ctx, lambda: ctx.store.move_request(read, new))
    found = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key)
    assert (found.status, found.body["board"]) == (200, "next")
    said = api.post(
        tenant.path(f"/requests/{rid}/comments"), key=tenant.admin_key, body={"body": "hi"}
    )
    assert said.status == 201, said.body
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 1


def test_a_move_out_of_a_private_board_does_not_name_it_to_outside_webhooks(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    with _outside_and_inside(api, tenant, "request.updated") as (outside, inside):
        _board(api, tenant, "stealth", "private")
        rid = _post(api, tenant, "Ready to show", board="stealth")
        moved = api.patch(
            tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "general"}
        )
        assert moved.status == 200, moved.body
        runner.drain()
        seen = [json.loads(r["body"])["data"] for r in outside.received]
        told = [json.loads(r["body"])["data"] for r in inside.received]
        assert [d["previous"]["board"] for d in seen] == [None] and "stealth" not in str(seen)
        assert [d["previous"]["board"] for d in told] == ["stealth"]


@contextmanager
def _move_after_the_comment_is_read(ctx: Any, move: Any) -> Iterator[None]:
    """The first comment read of the next call runs ``move(request as read now)`` before it
    answers: a move between the call's read and its write."""
    real = ctx.store.get_comment

    def then_move(req: Any, comment_id: str, consistent: bool = False) -> Any:
        ctx.store.get_comment = real
        move(ctx.store.get_request(req.tenant, req.app, req.id, consistent=True))
        return real(req, comment_id, consistent)

    ctx.store.get_comment = then_move
    try:
        yield
    finally:
        ctx.store.get_comment = real


@pytest.mark.parametrize("half", [False, True], ids=["moved", "between-the-moves-writes"])
def test_a_comment_deleted_while_its_request_moves_is_deleted_and_uncounted(
    api: Api, tenant: Tenant, ctx: Any, half: bool
) -> None:
    _board(api, tenant, "later", "public")
    rid = _post(api, tenant, "Moving conversation", tags=["ui"])
    token = tenant.token("talker")
    path = tenant.path(f"/requests/{rid}/comments")
    cids = [
        api.post(path, key=tenant.pub_key, token=token, body={"body": f"c{n}"}).body["id"]
        for n in range(2)
    ]

    def move(read: Any) -> None:
        def run() -> None:
            ctx.store.move_request(read, _moved(read, "later"))

        if half:
            _first_write_only(ctx, run)
        else:
            run()

    with _move_after_the_comment_is_read(ctx, move):
        gone = api.delete(f"{path}/{cids[0]}", key=tenant.pub_key, token=token)
    assert gone.status == 204, gone.body
    with _move_after_the_comment_is_read(ctx, lambda read: None):
        edited = api.patch(
            f"{path}/{cids[1]}", key=tenant.pub_key, token=token, body={"body": "edited"}
        )
    assert (edited.status, edited.body.get("edited")) == (200, True), edited.body
    assert [c["id"] for c in api.get(path, key=tenant.pub_key).body["items"]] == cids[1:]
    found = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body
    assert (found["board"], found["commentCount"]) == ("later", 1)
    tagged = api.get(tenant.path("/requests?board=later&tag=ui"), key=tenant.pub_key).body
    assert [(i["id"], i["commentCount"]) for i in tagged["items"]] == [(rid, 1)]
    again = api.delete(f"{path}/{cids[0]}", key=tenant.pub_key, token=token)
    assert (again.status, again.code) == (404, "not_found")  # a replay


def _crashed_move(api: Api, t: Tenant, ctx: Any, board: str, to: str | None = None) -> str:
    """A request tagged ``ui`` and ``api``, moved from ``general`` to ``board`` (or from
    ``board`` to ``to``) by a move that stopped after its first write (the old items are
    still there)."""
    _board(api, t, board, "public")
    start, to = (board, to) if to else ("general", board)
    rid = _post(api, t, "Crashed on the way", tags=["ui", "api"], board=start)
    read = ctx.store.get_request(t.id, "web", rid, consistent=True)
    _first_write_only(ctx, lambda: ctx.store.move_request(read, _moved(read, to)))
    return rid


def _left_on_general(ctx: Any, t: Tenant, rid: str) -> list[Any]:
    """What a move out of ``general`` left there: the main item and the tag copies."""
    keys = [Keys.request(t.id, "web", rid, tag) for tag in (None, "ui", "api", "ux")]
    return [k["pk"] for k in keys if ctx.store._get(k, True)]


def _listed(api: Api, t: Tenant, query: str) -> list[str]:
    r = api.get(t.path(f"/requests?{query}"), key=t.admin_key)
    assert r.status == 200, r.body
    return [i["id"] for i in r.body["items"]]


def test_moving_back_after_a_crashed_move_cleans_up_what_it_left(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    rid = _crashed_move(api, tenant, ctx, "away")
    assert len(_left_on_general(ctx, tenant, rid)) == 3
    back = api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "general"}
    )
    assert (back.status, back.body.get("board")) == (200, "general"), back.body
    for query in ("", "tag=ui", "tag=api", "status=open&tag=ui", "sort=top&tag=api"):
        assert _listed(api, tenant, query) == [rid], query
        assert _listed(api, tenant, f"board=away&{query}") == [], query
    assert api.delete(tenant.path("/boards/away"), key=tenant.admin_key).status == 204
    assert "leftOn" not in ctx.store._get(Keys.counter(tenant.id, "web", rid), True)


def test_repeating_a_crashed_move_completes_it(api: Api, tenant: Tenant, ctx: Any) -> None:
    rid = _crashed_move(api, tenant, ctx, "away")
    again = api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "away"})
    assert (again.status, again.body.get("board")) == (200, "away"), again.body
    assert _left_on_general(ctx, tenant, rid) == []
    assert "leftOn" not in ctx.store._get(Keys.counter(tenant.id, "web", rid), True)
    assert _listed(api, tenant, "board=away&tag=ui") == [rid]
    replay = api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "away"}
    )
    assert replay.status == 200 and replay.body["version"] == again.body["version"]


def test_a_retag_after_a_crashed_move_cleans_the_stale_copies(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    rid = _crashed_move(api, tenant, ctx, "away")
    renamed = api.patch(tenant.path("/tags/ui"), key=tenant.admin_key, body={"name": "ux"})
    assert renamed.status == 200 and renamed.body == {"tag": "ux", "changed": 1}, renamed.body
    assert _left_on_general(ctx, tenant, rid) == []  # the stale copies went on the way
    assert _listed(api, tenant, "board=away&tag=ux") == [rid]
    assert _listed(api, tenant, "tag=ui") == _listed(api, tenant, "board=away&tag=ui") == []
    again = api.patch(tenant.path("/tags/ui"), key=tenant.admin_key, body={"name": "ux"})
    assert again.body == {"tag": "ux", "changed": 0}
    back = api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"board": "general"}
    )
    assert back.status == 200 and _listed(api, tenant, "tag=ux") == [rid]


def test_deleting_a_request_after_a_crashed_move_leaves_nothing_behind(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    rid = _crashed_move(api, tenant, ctx, "away")
    assert api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 204
    assert _left_on_general(ctx, tenant, rid) == []
    assert _listed(api, tenant, "tag=ui") == []


def test_a_stale_copy_does_not_take_a_place_in_a_bounded_retag(
    api: Api, tenant: Tenant, ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request a call: the stale copy on the last board read is not counted as one, so
    the call still sees that another remains (409) and the next one changes it."""
    from chalicelib.services import tags

    monkeypatch.setattr(tags, "RETAG_PER_CALL", 1)
    moved = _crashed_move(api, tenant, ctx, "last", to="general")
    other = _post(api, tenant, "Still on the last board", tags=["ui"], board="last")
    first = api.patch(tenant.path("/tags/ui"), key=tenant.admin_key, body={"name": "ux"})
    assert (first.status, first.code) == (409, "conflict"), first.body
    second = api.patch(tenant.path("/tags/ui"), key=tenant.admin_key, body={"name": "ux"})
    assert second.body == {"tag": "ux", "changed": 1}, second.body
    assert _listed(api, tenant, "tag=ux") == [moved]
    assert _listed(api, tenant, "board=last&tag=ux") == [other]
    assert _listed(api, tenant, "board=last&tag=ui") == []
