"""Privacy: export everything about a user, forget them, and count every item."""

from __future__ import annotations

from chalicelib.context import get_context
from tests.helpers import Api, Tenant


def items_of(tenant: Tenant, user: str) -> list[dict]:
    return get_context().store.user_items(tenant.id, "web", user)


def test_export_then_forget_a_user(api: Api, tenant: Tenant) -> None:
    token = tenant.token("gone", name="Greta", email="greta@example.com")
    other = tenant.token("stays", name="Sam", email="sam@example.com")
    mine = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=token,
        body={"title": "Greta's idea", "tags": ["ui"]},
    ).body
    theirs = api.post(
        tenant.path("/requests"), key=tenant.pub_key, token=other, body={"title": "Sam's idea"}
    ).body
    for rid in (mine["id"], theirs["id"]):
        api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
    api.post(tenant.path(f"/requests/{theirs['id']}/vote"), key=tenant.pub_key, token=other)
    api.post(
        tenant.path(f"/requests/{theirs['id']}/comments"),
        key=tenant.pub_key,
        token=token,
        body={"body": "Greta says hi"},
    )
    api.post(
        tenant.path("/feedback"),
        key=tenant.pub_key,
        token=token,
        body={"message": "Greta's feedback", "rating": 4},
    )
    get_context().store.opt_out(tenant.id, "web", "gone")

    data = api.get(tenant.path("/users/gone/data"), key=tenant.admin_key)
    assert data.status == 200
    body = data.body
    assert [r["title"] for r in body["requests"]] == ["Greta's idea"]
    assert [c["body"] for c in body["comments"]] == ["Greta says hi"]
    assert sorted(v["requestId"] for v in body["votes"]) == sorted([mine["id"], theirs["id"]])
    assert len(body["subscriptions"]) == 2  # her request, and the one she voted and commented on
    assert body["feedback"][0]["email"] == "greta@example.com" and body["emailOptOut"] is True
    before = items_of(tenant, "gone")
    # request, comment, votes, follows, feedback, opt-out, the set of what she voted for
    assert len(before) == 1 + 1 + 2 + 2 + 1 + 1 + 1
    others_before = items_of(tenant, "stays")

    assert api.delete(tenant.path("/users/gone"), key=tenant.admin_key).status == 204
    assert items_of(tenant, "gone") == []
    assert len(items_of(tenant, "stays")) == len(others_before)
    kept = api.get(tenant.path(f"/requests/{mine['id']}"), key=tenant.admin_key).body
    assert kept["author"] == {"id": "deleted", "name": "deleted user", "email": None}
    assert kept["votes"] == 0
    assert api.get(tenant.path(f"/requests/{theirs['id']}"), key=tenant.pub_key).body["votes"] == 1
    tagged = api.get(tenant.path("/requests?tag=ui"), key=tenant.admin_key).body["items"][0]
    assert tagged["author"]["name"] == "deleted user" and tagged["votes"] == 0
    comment = api.get(tenant.path(f"/requests/{theirs['id']}/comments"), key=tenant.admin_key).body[
        "items"
    ][0]
    assert comment["body"] == "Greta says hi" and comment["author"]["name"] == "deleted user"
    feedback = api.get(tenant.path("/feedback"), key=tenant.admin_key).body["items"]
    greta = next(f for f in feedback if f["message"] == "Greta's feedback")
    assert greta["name"] is None and greta["email"] is None
    after = api.get(tenant.path("/users/gone/data"), key=tenant.admin_key).body
    assert after == {
        "userId": "gone",
        "requests": [],
        "comments": [],
        "votes": [],
        "subscriptions": [],
        "reactions": [],
        "feedback": [],
        "emailOptOut": False,
    }


def test_privacy_routes_are_admin_only_and_fenced(api: Api, tenant: Tenant, other: Tenant) -> None:
    for method, path in (("GET", "/users/u/data"), ("DELETE", "/users/u")):
        r = api.send(method, tenant.path(path), key=tenant.pub_key)
        assert (r.status, r.code) == (403, "forbidden")
        r = api.send(method, f"/v1/apps/nope{path}", key=tenant.admin_key)
        assert (r.status, r.code) == (404, "not_found")
    long = "x" * 129
    r = api.get(tenant.path(f"/users/{long}/data"), key=tenant.admin_key)
    assert (r.status, r.code) == (400, "validation_error")


def test_admin_changes_are_in_the_audit_trail(api: Api, tenant: Tenant, other: Tenant) -> None:
    rid = tenant.create("Audited")["id"]
    api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        headers={"X-User-Id": "alice"},
        body={"status": "planned"},
    )
    api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key)
    api.get(tenant.path("/requests"), key=tenant.admin_key)  # reads are not audited
    trail = api.get("/v1/audit", key=tenant.admin_key)
    assert trail.status == 200
    actions = [
        (e["action"], e["target"].get("requestId"), e["actingUser"]) for e in trail.body["items"]
    ]
    assert actions[:2] == [
        ("DELETE /v1/apps/{appId}/requests/{requestId}", rid, None),
        ("PATCH /v1/apps/{appId}/requests/{requestId}", rid, "alice"),
    ]
    assert ("POST /v1/apps", None, None) in actions  # the fixture made the app
    assert all(e["keyId"] and e["at"].endswith("Z") for e in trail.body["items"])
    assert api.get("/v1/audit", key=other.admin_key).body["items"][-1]["target"] == {}
    assert rid not in str(api.get("/v1/audit", key=other.admin_key).body)
    denied = api.get("/v1/audit", key=tenant.pub_key)
    assert (denied.status, denied.code) == (403, "forbidden")


def test_feedback_expires_after_the_retention(api: Api, tenant: Tenant, settings_env) -> None:
    import time

    settings_env(FEEDBACK_RETENTION_DAYS="30")
    made = api.post(
        tenant.path("/feedback"),
        key=tenant.pub_key,
        token=tenant.token("r"),
        body={"message": "keep me a month"},
    ).body
    from chalicelib.store import Keys

    item = get_context().store._get(Keys.feedback(tenant.id, "web", made["id"]))
    assert abs(item["expiresAt"] - (time.time() + 30 * 86400)) < 120
