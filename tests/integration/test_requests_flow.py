"""Requests end to end through the routes: create, read, edit, vote, comment, merge."""

from __future__ import annotations

import time
from typing import Any

from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def test_create_then_read_shows_the_request_with_its_etag(api: Api, tenant: Tenant) -> None:
    made = tenant.create("Dark mode", description="Please", tags=["ui", "ui", "theme"])
    assert made["tags"] == ["ui", "theme"]
    assert made["status"] == "open" and made["priority"] == "medium" and made["votes"] == 0
    got = api.get(tenant.path(f"/requests/{made['id']}"), key=tenant.pub_key)
    assert got.status == 200
    assert got.headers["etag"] == '"1"'
    assert got.body == made


def test_author_email_is_shown_to_admins_only(api: Api, tenant: Tenant) -> None:
    token = tenant.token("u-mail", name="Mo", email="mo@example.com")
    made = api.post(
        tenant.path("/requests"), key=tenant.pub_key, token=token, body={"title": "Email me"}
    ).body
    assert "email" not in made["author"]
    public = api.get(tenant.path(f"/requests/{made['id']}"), key=tenant.pub_key).body
    assert "email" not in public["author"]
    admin = api.get(tenant.path(f"/requests/{made['id']}"), key=tenant.admin_key).body
    assert admin["author"] == {"id": "u-mail", "name": "Mo", "email": "mo@example.com"}


def test_vote_twice_counts_once_and_unvote_takes_it_back(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Vote me")["id"]
    token = tenant.token("voter-1")
    first = api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
    second = api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
    assert (first.status, first.body["votes"], first.body["voted"]) == (200, 1, True)
    assert (second.body["votes"], second.body["voted"]) == (1, True)
    got = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=token).body
    assert (got["votes"], got["voted"]) == (1, True)
    gone = api.delete(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
    again = api.delete(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
    assert (gone.body["votes"], again.body["votes"], again.body["voted"]) == (0, 0, False)


def test_voters_lists_each_voter_for_admins(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Popular")["id"]
    for user in ("a", "b", "c"):
        api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token(user))
    page = api.get(tenant.path(f"/requests/{rid}/voters?limit=2"), key=tenant.admin_key).body
    rest = api.get(
        tenant.path(f"/requests/{rid}/voters?cursor={page['nextCursor']}"), key=tenant.admin_key
    ).body
    assert sorted(u["id"] for u in page["items"] + rest["items"]) == ["a", "b", "c"]
    assert rest["nextCursor"] is None
    denied = api.get(tenant.path(f"/requests/{rid}/voters"), key=tenant.pub_key)
    assert (denied.status, denied.code) == (403, "forbidden")


def test_comments_are_oldest_first_and_count_on_the_request(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Talk about it")["id"]
    for n in range(3):
        r = api.post(
            tenant.path(f"/requests/{rid}/comments"),
            key=tenant.pub_key,
            token=tenant.token(f"c{n}"),
            body={"body": f"comment {n} <b>bold</b>"},
        )
        assert r.status == 201
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body
    assert [c["body"] for c in listed["items"]] == [f"comment {n} <b>bold</b>" for n in range(3)]
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 3


def test_comment_delete_by_author_or_admin_only(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Moderate")["id"]
    cid = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("writer"),
        body={"body": "mine"},
    ).body["id"]
    other = api.delete(
        tenant.path(f"/requests/{rid}/comments/{cid}"),
        key=tenant.pub_key,
        token=tenant.token("someone-else"),
    )
    assert (other.status, other.code) == (403, "forbidden")
    mine = api.delete(
        tenant.path(f"/requests/{rid}/comments/{cid}"),
        key=tenant.pub_key,
        token=tenant.token("writer"),
    )
    assert mine.status == 204 and mine.body is None
    again = api.delete(tenant.path(f"/requests/{rid}/comments/{cid}"), key=tenant.admin_key)
    assert (again.status, again.code) == (404, "not_found")
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 0


def test_patch_with_stale_if_match_is_412_and_fresh_one_applies(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Edit me")["id"]
    ok = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        headers={"If-Match": '"1"'},
        body={"status": "planned", "response": "Soon!"},
    )
    assert ok.status == 200 and ok.body["version"] == 2 and ok.headers["etag"] == '"2"'
    assert (ok.body["status"], ok.body["response"]) == ("planned", "Soon!")
    stale = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        headers={"If-Match": '"1"'},
        body={"priority": "high"},
    )
    assert (stale.status, stale.code) == (412, "precondition_failed")
    current = api.get(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).body
    assert current["priority"] == "medium" and current["version"] == 2


def test_author_may_edit_title_only_while_open(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Typo in titel", as_user="author")["id"]
    token = tenant.token("author")
    fixed = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.pub_key,
        token=token,
        body={"title": "Typo in title"},
    )
    assert fixed.status == 200 and fixed.body["title"] == "Typo in title"
    status = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.pub_key,
        token=token,
        body={"status": "completed"},
    )
    assert (status.status, status.code) == (403, "forbidden")
    stranger = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.pub_key,
        token=tenant.token("stranger"),
        body={"title": "Hijacked"},
    )
    assert (stranger.status, stranger.code) == (403, "forbidden")
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    late = api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.pub_key,
        token=token,
        body={"title": "Changed later"},
    )
    assert (late.status, late.code) == (403, "forbidden")


def test_tag_and_status_lists_follow_edits(api: Api, tenant: Tenant, runner: EventRunner) -> None:
    rid = tenant.create("Retag me", tags=["old"])["id"]

    def ids(query: str) -> list[str]:
        return [
            r["id"]
            for r in api.get(tenant.path(f"/requests?{query}"), key=tenant.pub_key).body["items"]
        ]

    assert ids("tag=old") == [rid]
    api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        body={"tags": ["new"], "status": "planned"},
    )
    api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token("v"))
    runner.drain()  # the lists take the new count from the stream
    assert ids("tag=old") == []
    assert ids("tag=new&status=planned&sort=top") == [rid]
    assert ids("status=open") == []
    listed = api.get(tenant.path("/requests?tag=new"), key=tenant.pub_key).body["items"][0]
    assert listed["votes"] == 1 and listed["status"] == "planned"


def test_top_sort_orders_by_votes_then_newest(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    a, b, c = (tenant.create(f"Request {n}")["id"] for n in "abc")
    for user in ("u1", "u2"):
        api.post(tenant.path(f"/requests/{a}/vote"), key=tenant.pub_key, token=tenant.token(user))
    runner.drain()  # the lists take the new count from the stream
    top = api.get(tenant.path("/requests?sort=top"), key=tenant.pub_key).body["items"]
    assert [r["id"] for r in top] == [a, c, b]


def test_merge_moves_voters_and_unmerge_restores_exactly(api: Api, tenant: Tenant) -> None:
    source, target = tenant.create("Night theme")["id"], tenant.create("Dark mode")["id"]
    for user in ("both", "s1", "s2"):
        api.post(
            tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=tenant.token(user)
        )
    for user in ("both", "t1"):
        api.post(
            tenant.path(f"/requests/{target}/vote"), key=tenant.pub_key, token=tenant.token(user)
        )
    merged = api.post(
        tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target}
    )
    assert merged.status == 200
    assert (merged.body["status"], merged.body["duplicateOf"]) == ("duplicate", target)
    assert api.get(tenant.path(f"/requests/{target}"), key=tenant.pub_key).body["votes"] == 4

    def voters(rid: str) -> list[str]:
        return sorted(
            u["id"]
            for u in api.get(tenant.path(f"/requests/{rid}/voters"), key=tenant.admin_key).body[
                "items"
            ]
        )

    assert voters(target) == ["both", "s1", "s2", "t1"] and voters(source) == []
    late = api.post(
        tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=tenant.token("late")
    )
    assert (late.status, late.code) == (409, "conflict")
    back = api.post(tenant.path(f"/requests/{source}/unmerge"), key=tenant.admin_key)
    assert back.status == 200 and back.body["status"] == "open" and back.body["duplicateOf"] is None
    assert voters(source) == ["both", "s1", "s2"] and voters(target) == ["both", "t1"]
    counts = [
        api.get(tenant.path(f"/requests/{r}"), key=tenant.pub_key).body["votes"]
        for r in (source, target)
    ]
    assert counts == [3, 2]


def test_merge_refuses_itself_chains_and_repeats(api: Api, tenant: Tenant) -> None:
    a, b, c = (tenant.create(f"Merge {n}")["id"] for n in "abc")
    self_merge = api.post(
        tenant.path(f"/requests/{a}/merge"), key=tenant.admin_key, body={"into": a}
    )
    assert (self_merge.status, self_merge.code) == (400, "validation_error")
    assert (
        api.post(tenant.path(f"/requests/{a}/merge"), key=tenant.admin_key, body={"into": b}).status
        == 200
    )
    again = api.post(tenant.path(f"/requests/{a}/merge"), key=tenant.admin_key, body={"into": c})
    into_dup = api.post(tenant.path(f"/requests/{c}/merge"), key=tenant.admin_key, body={"into": a})
    missing = api.post(
        tenant.path(f"/requests/{c}/merge"), key=tenant.admin_key, body={"into": "01NOPE"}
    )
    not_merged = api.post(tenant.path(f"/requests/{b}/unmerge"), key=tenant.admin_key)
    assert [r.status for r in (again, into_dup, missing, not_merged)] == [409, 409, 404, 409]


def test_delete_request_removes_it_from_every_list(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Short lived", tags=["x"])["id"]
    api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token("v"))
    denied = api.delete(
        tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=tenant.token("v")
    )
    assert (denied.status, denied.code) == (403, "forbidden")
    assert api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 204
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).status == 404
    for query in ("", "?tag=x", "?sort=top", "?status=open"):
        assert api.get(tenant.path(f"/requests{query}"), key=tenant.pub_key).body["items"] == []
    assert api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 404


def test_subscription_follow_and_unfollow(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Follow me", as_user="author")["id"]
    author = tenant.token("author")
    path = tenant.path(f"/requests/{rid}/subscription")
    assert api.get(path, key=tenant.pub_key, token=author).body["subscribed"] is True
    assert api.delete(path, key=tenant.pub_key, token=author).body["subscribed"] is False
    assert api.get(path, key=tenant.pub_key, token=author).body["subscribed"] is False
    assert api.put(path, key=tenant.pub_key, token=author).body["subscribed"] is True
    anonymous = api.put(path, key=tenant.pub_key)
    assert (anonymous.status, anonymous.code) == (401, "unauthenticated")


def test_a_vote_follows_without_an_item_and_the_later_choice_wins(
    api: Api, ctx: Any, tenant: Tenant
) -> None:
    """A vote is a follow (no follow item written); unfollowing after it wins, a vote
    after the unfollow wins again, and taking a vote back keeps the follow it implied."""
    from chalicelib.store.keys import Keys

    rid = tenant.create("Implied follow", as_user="author")["id"]
    path = tenant.path(f"/requests/{rid}/subscription")

    def follows(user: str) -> bool:
        return api.get(path, key=tenant.pub_key, token=tenant.token(user)).body["subscribed"]

    def vote(user: str, method: str = "POST") -> None:
        r = api.send(
            method,
            tenant.path(f"/requests/{rid}/vote"),
            key=tenant.pub_key,
            token=tenant.token(user),
        )
        assert r.status == 200, r.body

    def followers() -> set[str]:
        return {p.id for p in ctx.store.followers(tenant.id, tenant.app_id, rid)}

    for user in ("fan", "leaver", "taker"):
        vote(user)
        assert follows(user)
    assert ctx.store._get(Keys.subscription(tenant.id, tenant.app_id, rid, "fan")) is None
    assert followers() == {"author", "fan", "leaver", "taker"}
    api.delete(path, key=tenant.pub_key, token=tenant.token("leaver"))
    assert not follows("leaver") and "leaver" not in followers()
    vote("leaver", "DELETE")
    assert not follows("leaver")  # taking the vote back does not undo the unfollow
    time.sleep(0.002)
    vote("leaver")
    assert follows("leaver") and "leaver" in followers()  # the later choice wins
    vote("taker", "DELETE")
    assert follows("taker") and "taker" in followers()  # the follow stays


def test_idempotent_create_replays_the_first_answer(api: Api, tenant: Tenant) -> None:
    headers = {"Idempotency-Key": "create-42"}
    token = tenant.token("idem")
    first = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=token,
        headers=headers,
        body={"title": "Only once"},
    )
    second = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=token,
        headers=headers,
        body={"title": "Only once"},
    )
    assert first.status == second.status == 201
    assert second.body == first.body and second.headers.get("idempotent-replayed") == "true"
    other_body = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=token,
        headers=headers,
        body={"title": "Something else"},
    )
    assert (other_body.status, other_body.code) == (409, "conflict")
    listed = api.get(tenant.path("/requests"), key=tenant.pub_key).body["items"]
    assert [r["title"] for r in listed] == ["Only once"]
    # the same key from another user is another call
    theirs = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=tenant.token("idem-2"),
        headers=headers,
        body={"title": "Only once"},
    )
    assert theirs.status == 201 and theirs.body["id"] != first.body["id"]


def test_admin_acting_for_a_user_with_x_user_id(api: Api, tenant: Tenant) -> None:
    headers = {"X-User-Id": "backend-user", "X-User-Name": "Bea", "X-User-Email": "b@e.com"}
    made = api.post(
        tenant.path("/requests"),
        key=tenant.admin_key,
        headers=headers,
        body={"title": "From our backend"},
    )
    assert made.status == 201
    assert made.body["author"] == {"id": "backend-user", "name": "Bea", "email": "b@e.com"}
    voted = api.post(
        tenant.path(f"/requests/{made.body['id']}/vote"), key=tenant.admin_key, headers=headers
    )
    assert voted.body["voted"] is True and voted.body["votes"] == 1


def test_unmerge_after_the_target_was_deleted_restores_the_source(api: Api, tenant: Tenant) -> None:
    source, target = tenant.create("Keep me")["id"], tenant.create("Delete me")["id"]
    api.post(tenant.path(f"/requests/{source}/vote"), key=tenant.pub_key, token=tenant.token("v"))
    api.post(tenant.path(f"/requests/{source}/merge"), key=tenant.admin_key, body={"into": target})
    assert api.delete(tenant.path(f"/requests/{target}"), key=tenant.admin_key).status == 204
    back = api.post(tenant.path(f"/requests/{source}/unmerge"), key=tenant.admin_key)
    assert back.status == 200 and back.body["votes"] == 1 and back.body["status"] == "open"
