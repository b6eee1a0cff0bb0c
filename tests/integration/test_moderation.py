"""Moderation: pending posts seen only by their author and the team, the queue with spam
scores, approve and reject with their events and email, and bans on every write."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.store import meter
from tests.helpers import Api, Receiver, Tenant
from tests.integration.test_events import sent_to
from tests.integration.test_webhooks import receiver  # noqa: F401 (a fixture)
from tests.team import invite
from tools.event_runner import EventRunner

SECRET = "whsec-test-0123456789abcdef"


def held(api: Api, tenant: Tenant, mode: str = "all") -> None:
    r = api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": mode})
    assert (r.status, r.body["moderation"]) == (200, mode), r.body


def post(api: Api, tenant: Tenant, user: str, title: str, **fields: Any) -> dict[str, Any]:
    r = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=tenant.token(user, name=user.title(), email=f"{user}@example.com"),
        body={"title": title, **fields},
    )
    assert r.status == 201, r.body
    return r.body


def titles(api: Api, tenant: Tenant, query: str = "", **kw: Any) -> list[str]:
    r = api.get(tenant.path(f"/requests{query}"), key=tenant.pub_key, **kw)
    assert r.status == 200, r.body
    return [i["title"] for i in r.body["items"]]


def queue(api: Api, tenant: Tenant, query: str = "") -> dict[str, Any]:
    r = api.get(tenant.path(f"/moderation{query}"), key=tenant.admin_key)
    assert r.status == 200, r.body
    return r.body


def test_the_setting_is_validated_and_shown(api: Api, tenant: Tenant) -> None:
    assert api.get(tenant.path(), key=tenant.admin_key).body["moderation"] == "none"
    for bad in ("some", 1, None, ""):
        r = api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": bad})
        if bad is None:  # null leaves it unchanged, as for every setting
            assert r.status == 200 and r.body["moderation"] == "none"
        else:
            assert (r.status, r.code) == (400, "validation_error"), bad
    held(api, tenant, "anonymous")
    made = api.post(
        "/v1/apps", key=tenant.admin_key, body={"id": "held", "name": "H", "moderation": "all"}
    )
    assert made.status == 201 and made.body["moderation"] == "all"
    r = api.patch(tenant.path(), key=tenant.pub_key, body={"moderation": "none"})
    assert r.status in (401, 403, 404)


def test_a_pending_request_is_its_authors_and_the_teams_alone(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    held(api, tenant)
    tenant.create("Visible before", as_user="team-friend")  # made before: not held
    mine = post(api, tenant, "ann", "Dark mode for reports", tags=["ui"])
    rid = mine["id"]
    assert mine["moderation"] == "pending"
    ann, bob = tenant.token("ann"), tenant.token("bob")
    assert (
        api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=ann).body["moderation"]
        == "pending"
    )
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.admin_key).status == 200
    for key, token in ((tenant.pub_key, bob), (tenant.pub_key, None)):
        r = api.get(tenant.path(f"/requests/{rid}"), key=key, token=token)
        assert (r.status, r.code) == (404, "not_found")
    # another tenant: 404 with its own keys, on its own app path
    assert api.get(other.path(f"/requests/{rid}"), key=other.admin_key).status == 404
    assert api.get(tenant.path(f"/requests/{rid}"), key=other.admin_key).status in (401, 404)
    for query in ("", "?sort=top", "?status=open", "?tag=ui", "?status=open&tag=ui&sort=top"):
        assert "Dark mode for reports" not in titles(api, tenant, query, token=ann), query
    assert "Dark mode for reports" not in titles(api, tenant, "?q=dark+mode")
    similar = api.get(tenant.path("/requests/similar?q=dark+mode+reports"), key=tenant.pub_key)
    assert rid not in [i["id"] for i in similar.body["items"]]
    for method, rest, body in (
        ("POST", "/vote", None),
        ("PUT", "/subscription", None),
        ("POST", "/comments", {"body": "me too"}),
        ("GET", "/comments", None),
        ("PATCH", "", {"title": "Changed"}),
    ):
        r = api.send(
            method, tenant.path(f"/requests/{rid}{rest}"), key=tenant.pub_key, token=bob, body=body
        )
        assert (r.status, r.code) == (404, "not_found"), (method, rest)
    exported = api.get(tenant.path("/export?format=json"), key=tenant.admin_key)
    assert rid not in json.dumps(exported.body)


def test_approving_publishes_once_with_its_events_and_emails_the_author(
    api: Api,
    tenant: Tenant,
    receiver: Receiver,  # noqa: F811
    runner: EventRunner,
) -> None:
    api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={
            "moderation": "all",
            "webhooks": [{"url": receiver.url, "events": ["*"], "secret": SECRET}],
        },
    )
    rid = post(api, tenant, "cat", "Export to PDF please")["id"]
    runner.drain()
    assert receiver.received == []  # nothing leaves while it waits: no webhook, no email
    analytics = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert analytics["requests"] == 0

    r = api.post(tenant.path(f"/requests/{rid}/approve"), key=tenant.admin_key)
    assert (r.status, r.body["moderation"], r.body["id"]) == (200, "approved", rid)
    again = api.post(tenant.path(f"/requests/{rid}/approve"), key=tenant.admin_key)
    assert (again.status, again.body["id"]) == (200, rid)  # idempotent
    late = api.post(tenant.path(f"/requests/{rid}/reject"), key=tenant.admin_key)
    assert (late.status, late.code) == (409, "conflict")
    runner.drain()
    kinds = sorted(json.loads(x["body"])["type"] for x in receiver.received)
    assert kinds == ["request.approved", "request.created"]
    approved = receiver.events("request.approved")[0]["data"]
    assert approved == {"requestId": rid, "actor": "team"} or approved["requestId"] == rid
    mails = [e for e in sent_to("cat@example.com") if "Export to PDF" in e["subject"]]
    assert len(mails) == 1 and "approved" in mails[0]["text"]
    assert "Export to PDF please" in titles(api, tenant)
    assert api.get(tenant.path("/analytics"), key=tenant.admin_key).body["requests"] == 1
    assert queue(api, tenant)["items"] == []
    vote = api.post(
        tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token("d")
    )
    assert vote.status == 200 and vote.body["votes"] == 1


def test_rejecting_removes_it_and_is_remembered(
    api: Api,
    tenant: Tenant,
    receiver: Receiver,  # noqa: F811
    runner: EventRunner,
) -> None:
    hooked = {
        "url": receiver.url,
        "events": ["request.rejected", "request.created"],
        "secret": SECRET,
    }
    api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": "all", "webhooks": [hooked]})
    rid = post(api, tenant, "dan", "Buy cheap followers now")["id"]
    r = api.post(tenant.path(f"/requests/{rid}/reject"), key=tenant.admin_key)
    assert r.status == 204
    assert api.post(tenant.path(f"/requests/{rid}/reject"), key=tenant.admin_key).status == 204
    late = api.post(tenant.path(f"/requests/{rid}/approve"), key=tenant.admin_key)
    assert (late.status, late.code) == (409, "conflict")
    gone = api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=tenant.token("dan"))
    assert gone.status == 404
    runner.drain()
    assert [json.loads(x["body"])["type"] for x in receiver.received] == ["request.rejected"]
    for missing in ("01NOPE", "x" * 65):
        r = api.post(tenant.path(f"/requests/{missing}/approve"), key=tenant.admin_key)
        assert (r.status, r.code) == (404, "not_found")


def test_who_is_held_by_each_setting(api: Api, open_tenant: Tenant) -> None:
    t = open_tenant
    held(api, t, "anonymous")
    signed = post(api, t, "eve", "Signed in is trusted")
    assert "moderation" not in signed
    anon = api.post(t.path("/requests"), key=t.pub_key, body={"title": "Anonymous waits"})
    assert anon.status == 201 and anon.body["moderation"] == "pending"
    # the anonymous author sees it from the same address and browser
    same = api.get(t.path(f"/requests/{anon.body['id']}"), key=t.pub_key)
    assert same.status == 200
    team = api.post(t.path("/requests"), key=t.admin_key, body={"title": "The team's own"})
    assert "moderation" not in team.body
    held(api, t, "all")
    assert post(api, t, "eve", "Now everyone waits")["moderation"] == "pending"
    team = api.post(t.path("/requests"), key=t.admin_key, body={"title": "Still the team's own"})
    assert "moderation" not in team.body


def test_pending_comments_wait_uncounted_until_approved(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rid = tenant.create("Open to talk", as_user="fay")["id"]
    held(api, tenant)
    posted = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("gus", email="gus@example.com"),
        body={"body": "Please! see http://spam.example.com"},
    )
    assert posted.status == 201 and posted.body["moderation"] == "pending"
    cid = posted.body["id"]
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key)
    assert listed.body["items"] == []
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 0
    item = queue(api, tenant)["items"][0]
    assert (item["kind"], item["id"], item["requestId"]) == ("comment", cid, rid)
    assert item["requestTitle"] == "Open to talk" and "links" in item["spamReasons"]
    assert api.post(
        tenant.path(f"/requests/{rid}/comments/{cid}/reject"), key=tenant.pub_key
    ).status in (401, 403)
    ok = api.post(tenant.path(f"/requests/{rid}/comments/{cid}/approve"), key=tenant.admin_key)
    assert ok.status == 200 and ok.body["moderation"] == "approved"
    assert (
        api.post(
            tenant.path(f"/requests/{rid}/comments/{cid}/approve"), key=tenant.admin_key
        ).status
        == 200
    )
    assert (
        api.post(tenant.path(f"/requests/{rid}/comments/{cid}/reject"), key=tenant.admin_key).status
        == 409
    )
    listed = api.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key)
    assert [c["id"] for c in listed.body["items"]] == [cid]
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 1
    runner.drain()
    assert [m for m in sent_to("gus@example.com") if "Open to talk" in m["subject"]]

    second = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("gus"),
        body={"body": "second"},
    ).body["id"]
    assert (
        api.post(
            tenant.path(f"/requests/{rid}/comments/{second}/reject"), key=tenant.admin_key
        ).status
        == 204
    )
    wrong = api.post(
        tenant.path(f"/requests/01OTHER/comments/{second}/reject"), key=tenant.admin_key
    )
    assert wrong.status == 404
    assert queue(api, tenant)["items"] == []


def test_the_queue_is_oldest_first_paged_and_bounded(api: Api, tenant: Tenant) -> None:
    held(api, tenant)
    made = [post(api, tenant, f"p{n}", f"Queued request {n}")["id"] for n in range(5)]
    first = queue(api, tenant, "?limit=2")
    # the admin key, the app, the rate counter, one Query of the queue: whatever its length
    assert meter().calls <= 4 and meter().items_read <= 2 + 2
    seen, cursor = [i["id"] for i in first["items"]], first["nextCursor"]
    while cursor:
        page = queue(api, tenant, f"?limit=2&cursor={cursor}")
        seen += [i["id"] for i in page["items"]]
        cursor = page["nextCursor"]
    assert seen == made
    item = first["items"][0]
    assert 0 <= item["spamScore"] <= 1 and "new_identity" in item["spamReasons"]
    assert item["author"]["email"] == "p0@example.com"
    for bad in ("?limit=0", "?limit=101", "?cursor=bogus", "?other=1"):
        r = api.get(tenant.path(f"/moderation{bad}"), key=tenant.admin_key)
        assert r.status == 400, bad
    assert api.get(tenant.path("/moderation"), key=tenant.pub_key).status in (401, 403)


def test_a_viewer_may_not_moderate_a_moderator_may(api: Api, tenant: Tenant) -> None:
    held(api, tenant)
    rid = post(api, tenant, "hal", "Role checked")["id"]
    viewer, moderator = invite(api, tenant, "viewer"), invite(api, tenant, "moderator")
    for path in ("/moderation",):
        assert api.get(tenant.path(path), key=viewer.session).status == 403
    r = api.post(tenant.path(f"/requests/{rid}/approve"), key=viewer.session)
    assert (r.status, r.code) == (403, "forbidden")
    assert api.put(tenant.path("/users/hal/ban"), key=viewer.session, body={}).status == 403
    assert api.get(tenant.path("/moderation"), key=moderator.session).status == 200
    assert api.post(tenant.path(f"/requests/{rid}/approve"), key=moderator.session).status == 200


def test_forgetting_a_banned_user_keeps_the_ban(api: Api, open_tenant: Tenant) -> None:
    """Forgetting a user deletes their voted set's ids, not the copy of the ban votes check."""
    t = open_tenant
    rid = t.create("Still here", as_user="ok")["id"]
    zed = t.token("zed")
    assert api.post(t.path(f"/requests/{rid}/vote"), key=t.pub_key, token=zed).status == 200
    assert api.put(t.path("/users/zed/ban"), key=t.admin_key, body={}).status == 200
    assert api.delete(t.path("/users/zed"), key=t.admin_key).status in (200, 204)
    r = api.post(t.path(f"/requests/{rid}/vote"), key=t.pub_key, token=zed)
    assert (r.status, r.code) == (403, "banned")
    assert api.get(t.path(f"/requests/{rid}"), key=t.admin_key).body["votes"] == 0


def test_an_internal_note_never_waits_for_approval(api: Api, tenant: Tenant) -> None:
    """Held and then approved, a note would be counted in the public commentCount."""
    rid = tenant.create("Noted")["id"]
    assert api.patch(tenant.path(), key=tenant.admin_key, body={"moderation": "all"}).status == 200
    note = api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.admin_key,
        headers={"X-User-Id": "agent-1"},
        body={"body": "team only", "internal": True},
    )
    assert note.status == 201 and "moderation" not in note.body, note.body
    assert api.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body["commentCount"] == 0
    queue = api.get(tenant.path("/moderation"), key=tenant.admin_key).body["items"]
    assert note.body["id"] not in [i["id"] for i in queue]


def test_a_banned_user_may_not_write_until_the_ban_is_lifted(api: Api, open_tenant: Tenant) -> None:
    t = open_tenant
    rid = t.create("Somewhere to write", as_user="ok")["id"]
    said = {"body": "react to me"}
    cid = api.post(
        t.path(f"/requests/{rid}/comments"), key=t.pub_key, token=t.token("ok"), body=said
    )
    r = api.put(t.path("/users/ivy/ban"), key=t.admin_key, body={"reason": "spam links"})
    assert r.status == 200 and r.body == {"userId": "ivy", "until": None, "reason": "spam links"}
    ivy = t.token("ivy")
    writes = (
        ("/requests", {"title": "Banned post"}),
        (f"/requests/{rid}/comments", {"body": "banned comment"}),
        (f"/requests/{rid}/vote", None),
        ("/feedback", {"message": "banned feedback"}),
    )
    for path, body in writes:
        meter().calls = 0
        r = api.post(t.path(path), key=t.pub_key, token=ivy, body=body)
        assert (r.status, r.code) == (403, "banned"), path
        assert "spam links" in r.body["error"]["message"]
    react = t.path(f"/requests/{rid}/comments/{cid.body['id']}/reactions/heart")
    r = api.put(react, key=t.pub_key, token=ivy)
    assert (r.status, r.code) == (403, "banned")
    assert api.get(t.path(f"/requests/{rid}"), key=t.pub_key, token=ivy).status == 200  # reads
    assert api.get(t.path(f"/requests/{rid}"), key=t.pub_key).body["votes"] == 0
    assert api.delete(t.path("/users/ivy/ban"), key=t.admin_key).status == 204
    for path, body in writes:
        r = api.post(t.path(path), key=t.pub_key, token=ivy, body=body)
        assert r.status in (200, 201), (path, r.body)
    # an anonymous author is banned by the id the queue shows
    held(api, t, "anonymous")
    anon = api.post(t.path("/requests"), key=t.pub_key, body={"title": "From nowhere"}).body
    who = queue(api, t)["items"][0]["author"]["id"]
    assert anon["author"]["id"] == who
    assert api.put(t.path(f"/users/{who}/ban"), key=t.admin_key, body={}).status == 200
    r = api.post(t.path("/requests"), key=t.pub_key, body={"title": "From nowhere again"})
    assert (r.status, r.code) == (403, "banned")


def test_a_user_id_that_needs_escaping_is_banned_and_found_by_its_escaped_path(
    api: Api, open_tenant: Tenant
) -> None:
    """Path parameters arrive percent-encoded from chalice local and REST API events: the ban
    of ``auth0|42`` (as the console sends it) must hit the user whose token says so."""
    t = open_tenant
    rid = t.create("Somewhere to write")["id"]
    r = api.put(t.path("/users/auth0%7C42/ban"), key=t.admin_key, body={})
    assert r.status == 200 and r.body["userId"] == "auth0|42"
    said = api.post(
        t.path(f"/requests/{rid}/comments"),
        key=t.pub_key,
        token=t.token("auth0|42"),
        body={"body": "still here?"},
    )
    assert (said.status, said.code) == (403, "banned")
    data = api.get(t.path("/users/auth0%7C42/data"), key=t.admin_key)
    assert data.status == 200 and data.body["userId"] == "auth0|42"
    assert api.delete(t.path("/users/auth0%7C42/ban"), key=t.admin_key).status == 204


def test_a_ban_write_costs_no_extra_call(api: Api, tenant: Tenant) -> None:
    rid = tenant.create("Cost check", as_user="jo")["id"]
    # as before bans, less the rate counter (written every 10th call of a caller)
    calls = {"/requests": 2, f"/requests/{rid}/vote": 3}
    for path, body in (("/requests", {"title": "Counted calls"}), (f"/requests/{rid}/vote", None)):
        meter().calls = 0
        meter().by_operation.clear()
        r = api.post(tenant.path(path), key=tenant.pub_key, token=tenant.token("kim"), body=body)
        assert r.status in (200, 201)
        # the app, (a vote: the request), one transaction holding the check
        assert meter().by_operation.get("transact_write_items") == 1
        assert meter().calls == calls[path], meter().by_operation


@pytest.mark.parametrize(
    "body",
    [
        {"until": "2000-01-01T00:00:00Z"},
        {"until": "tomorrow"},
        {"until": "2999-01-01T00:00:00"},
        {"until": 5},
        {"reason": "x" * 501},
        {"reason": ""},
        {"other": 1},
    ],
)
def test_a_bad_ban_is_400(api: Api, tenant: Tenant, body: dict[str, Any]) -> None:
    r = api.put(tenant.path("/users/someone/ban"), key=tenant.admin_key, body=body)
    assert (r.status, r.code) == (400, "validation_error"), r.body


def test_a_ban_with_an_end_and_other_tenants(api: Api, tenant: Tenant, other: Tenant) -> None:
    r = api.put(
        tenant.path("/users/lee/ban"), key=tenant.admin_key, body={"until": "2999-01-01T00:00:00Z"}
    )
    assert r.status == 200 and r.body["until"] == "2999-01-01T00:00:00.000Z"
    tenant.make_app("solo")  # an app of this tenant only: the other's key finds nothing
    theirs = api.put(tenant.path("/users/lee/ban", "solo"), key=other.admin_key, body={})
    assert (theirs.status, theirs.code) == (404, "not_found")
    long = api.put(tenant.path(f"/users/{'u' * 129}/ban"), key=tenant.admin_key, body={})
    assert long.status == 400
    # the ban is this app's: lee writes in the other tenant's app
    other_rid = api.post(
        other.path("/requests"),
        key=other.pub_key,
        token=other.token("lee"),
        body={"title": "Elsewhere"},
    )
    assert other_rid.status == 201
