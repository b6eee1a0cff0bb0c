"""Tenant isolation from the outside: every route, with someone else's credentials."""

from __future__ import annotations

import pytest

from tests.helpers import ENVELOPE_KEYS, Api, Tenant, user_token

# (method, path template, body); {app} and {rid}, {cid} are the victim's
ROUTES = [
    ("GET", "/v1/apps/{app}", None),
    ("PATCH", "/v1/apps/{app}", {"name": "Pwned"}),
    ("POST", "/v1/apps/{app}/keys/rotate", None),
    ("POST", "/v1/apps/{app}/requests", {"title": "Injected"}),
    ("GET", "/v1/apps/{app}/requests", None),
    ("GET", "/v1/apps/{app}/requests/{rid}", None),
    ("PATCH", "/v1/apps/{app}/requests/{rid}", {"title": "Changed"}),
    ("DELETE", "/v1/apps/{app}/requests/{rid}", None),
    ("POST", "/v1/apps/{app}/requests/{rid}/merge", {"into": "{rid2}"}),
    ("POST", "/v1/apps/{app}/requests/{rid}/unmerge", None),
    ("POST", "/v1/apps/{app}/requests/{rid}/vote", None),
    ("DELETE", "/v1/apps/{app}/requests/{rid}/vote", None),
    ("GET", "/v1/apps/{app}/requests/{rid}/voters", None),
    ("POST", "/v1/apps/{app}/requests/{rid}/comments", {"body": "hi"}),
    ("GET", "/v1/apps/{app}/requests/{rid}/comments", None),
    ("DELETE", "/v1/apps/{app}/requests/{rid}/comments/{cid}", None),
    ("PATCH", "/v1/apps/{app}/requests/{rid}/comments/{cid}", {"body": "hijacked"}),
    ("PUT", "/v1/apps/{app}/requests/{rid}/comments/{cid}/reactions/heart", None),
    ("DELETE", "/v1/apps/{app}/requests/{rid}/comments/{cid}/reactions/%2B1", None),
    ("PUT", "/v1/apps/{app}/requests/{rid}/subscription", None),
    ("GET", "/v1/apps/{app}/requests/{rid}/subscription", None),
    ("DELETE", "/v1/apps/{app}/requests/{rid}/subscription", None),
    ("POST", "/v1/apps/{app}/feedback", {"message": "hi"}),
    ("GET", "/v1/apps/{app}/feedback", None),
]


def _fill(value: object, ids: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _victim_state(http: Api, victim: Tenant, rid: str) -> tuple:
    path = victim.path(app_id="vault")
    req = http.get(f"{path}/requests/{rid}", key=victim.admin_key).body
    comments = http.get(f"{path}/requests/{rid}/comments", key=victim.admin_key).body
    voters = http.get(f"{path}/requests/{rid}/voters", key=victim.admin_key).body
    listed = http.get(f"{path}/requests", key=victim.admin_key).body
    app = http.get(path, key=victim.admin_key).body
    return req, comments["items"], voters["items"], [r["id"] for r in listed["items"]], app


def test_other_tenants_and_apps_see_nothing(http: Api, tenant: Tenant, other: Tenant) -> None:
    victim = tenant
    vault = victim.make_app("vault")
    owner = victim.token("owner", app_id="vault")
    base = victim.path(app_id="vault")
    rid, rid2 = (
        http.post(f"{base}/requests", key=vault["pub"], token=owner, body={"title": title}).body[
            "id"
        ]
        for title in ("Secret plan", "Other secret")
    )
    cid = http.post(
        f"{base}/requests/{rid}/comments", key=vault["pub"], token=owner, body={"body": "private"}
    ).body["id"]
    http.post(f"{base}/requests/{rid}/vote", key=vault["pub"], token=owner)
    before = _victim_state(http, victim, rid)
    ids = {"app": "vault", "rid": rid, "rid2": rid2, "cid": cid}

    attackers = {
        "other tenant's admin key": {"key": other.admin_key},
        "other tenant's admin key acting as the owner": {
            "key": other.admin_key,
            "headers": {"X-User-Id": "owner"},
        },
        "other tenant's publishable key and user": {
            "key": other.pub_key,
            "token": other.token("owner"),
        },
        "same tenant, another app's publishable key": {
            "key": victim.pub_key,
            "token": victim.token("owner"),
        },
    }
    for who, creds in attackers.items():
        for method, template, body in ROUTES:
            path = template.format(**ids)
            r = http.send(method, path, body=_fill(body, ids), **creds)
            assert (r.status, r.code) == (404, "not_found"), (who, method, path, r.body)
            assert set(r.body) == ENVELOPE_KEYS
            assert "secret" not in str(r.body).lower() and "private" not in str(r.body)

    forged = user_token("not-the-app-secret-but-long-enough-32b", "owner")
    for method, template, body in ROUTES:
        r = http.send(
            method, template.format(**ids), key=vault["pub"], token=forged, body=_fill(body, ids)
        )
        assert (r.status, r.code) == (401, "unauthenticated"), (method, template)

    assert _victim_state(http, victim, rid) == before


def test_an_internal_note_does_not_exist_for_the_apps_users(http: Api, tenant: Tenant) -> None:
    """Over real HTTP: the same app's publishable key, with or without a user token (even
    the request's author, even one claiming the team's id), never sees or touches a note."""
    base = tenant.path()
    author = tenant.token("asker", name="Asker")
    rid = http.post(f"{base}/requests", key=tenant.pub_key, token=author, body={"title": "Quota"})
    rid = rid.body["id"]
    note = http.post(f"{base}/requests/{rid}/comments", key=tenant.admin_key,
                     body={"body": "NOTE: churn risk", "internal": True})  # fmt: skip
    assert note.status == 201 and note.body["internal"] is True
    path = f"{base}/requests/{rid}/comments/{note.body['id']}"
    for token in (None, author, tenant.token("someone"), tenant.token("Team")):
        listed = http.get(f"{base}/requests/{rid}/comments", key=tenant.pub_key, token=token)
        assert listed.status == 200 and listed.body["items"] == []
        got = http.get(f"{base}/requests/{rid}", key=tenant.pub_key, token=token).body
        assert got["commentCount"] == 0
        for r in (
            http.patch(path, key=tenant.pub_key, token=token, body={"body": "seen"}),
            http.delete(path, key=tenant.pub_key, token=token),
            http.put(f"{path}/reactions/eyes", key=tenant.pub_key, token=token),
            http.delete(f"{path}/reactions/eyes", key=tenant.pub_key, token=token),
        ):
            assert (r.status, r.code) in ((404, "not_found"), (401, "unauthenticated")), r.body
            assert r.status == 404 or token is None
            assert "churn" not in str(r.body)
        posted = http.post(f"{base}/requests/{rid}/comments", key=tenant.pub_key, token=token,
                           body={"body": "me too", "internal": True})  # fmt: skip
        assert posted.status in (401, 403), posted.body
    team = http.get(f"{base}/requests/{rid}/comments", key=tenant.admin_key).body["items"]
    assert [c["body"] for c in team] == ["NOTE: churn risk"]


@pytest.mark.parametrize("app_id", ["nope", "web2", "WEB", "a" * 41])
def test_unknown_app_ids_are_404(http: Api, tenant: Tenant, app_id: str) -> None:
    r = http.get(f"/v1/apps/{app_id}/requests", key=tenant.admin_key)
    assert (r.status, r.code) == (404, "not_found")
    r = http.get(f"/v1/apps/{app_id}/requests", key=tenant.pub_key)
    assert (r.status, r.code) == (404, "not_found")


# ---------------------------------------------------------------- ids the service makes


def _key_id(admin_key: str) -> str:
    return admin_key.split("_")[3]  # fr_admin_<tenant>_<keyid>_<secret>


def test_token_sub_cannot_impersonate_the_team(http: Api, tenant: Tenant) -> None:
    base, key_id = tenant.path(), _key_id(tenant.admin_key)
    made = http.post(f"{base}/requests", key=tenant.admin_key, body={"title": "Team plan"}).body
    rid = made["id"]
    cid = http.post(
        f"{base}/requests/{rid}/comments", key=tenant.admin_key, body={"body": "From us"}
    ).body["id"]
    public = [
        http.get(f"{base}/requests/{rid}", key=tenant.pub_key),
        http.get(f"{base}/requests", key=tenant.pub_key),
        http.get(f"{base}/requests/{rid}/comments", key=tenant.pub_key),
        http.get(f"{base}/requests/{rid}", key=tenant.admin_key),
    ]
    assert all(r.status == 200 for r in public)
    assert public[0].body["author"] == {"id": "team", "name": "Team"}
    assert all(key_id not in str(r.body) for r in public), "an admin key id is shown"

    for sub in (f"admin.{key_id}", "team", "admin.", "anon-x"):
        forged = tenant.token(sub, name="Team")
        edit = http.patch(
            f"{base}/requests/{rid}", key=tenant.pub_key, token=forged, body={"title": "Mine now"}
        )
        assert (edit.status, edit.code) == (401, "unauthenticated"), (sub, edit.body)
        gone = http.delete(
            f"{base}/requests/{rid}/comments/{cid}", key=tenant.pub_key, token=forged
        )
        assert (gone.status, gone.code) == (401, "unauthenticated"), (sub, gone.body)
        acting = http.patch(
            f"{base}/requests/{rid}",
            key=tenant.admin_key,
            headers={"X-User-Id": sub},
            body={"title": "Acting as"},
        )
        assert (acting.status, acting.code) == (400, "bad_request"), (sub, acting.body)
    after = http.get(f"{base}/requests/{rid}", key=tenant.pub_key).body
    assert after["title"] == "Team plan" and after["commentCount"] == 1


def test_token_sub_cannot_become_a_deleted_user(http: Api, tenant: Tenant) -> None:
    base = tenant.path()
    victim = tenant.token("victim", name="Vic", email="vic@example.com")
    rid = http.post(f"{base}/requests", key=tenant.pub_key, token=victim, body={"title": "Mine"})
    rid = rid.body["id"]
    cid = http.post(
        f"{base}/requests/{rid}/comments", key=tenant.pub_key, token=victim, body={"body": "Hi"}
    ).body["id"]
    assert http.delete(f"{base}/users/victim", key=tenant.admin_key).status == 204
    assert http.get(f"{base}/requests/{rid}", key=tenant.pub_key).body["author"]["id"] == "deleted"
    ghost = tenant.token("deleted", name="Vic")
    edit = http.patch(
        f"{base}/requests/{rid}", key=tenant.pub_key, token=ghost, body={"title": "Taken"}
    )
    assert (edit.status, edit.code) == (401, "unauthenticated"), edit.body
    gone = http.delete(f"{base}/requests/{rid}/comments/{cid}", key=tenant.pub_key, token=ghost)
    assert (gone.status, gone.code) == (401, "unauthenticated"), gone.body
    assert http.get(f"{base}/requests/{rid}", key=tenant.pub_key).body["title"] == "Mine"


def test_token_sub_cannot_become_an_anonymous_visitor(http: Api, tenant: Tenant) -> None:
    keys = tenant.make_app("open", allowAnonymous=True)
    base = tenant.path(app_id="open")
    made = http.post(f"{base}/requests", key=keys["pub"], body={"title": "From a visitor"}).body
    anon = made["author"]["id"]
    assert anon.startswith("anon-")
    forged = tenant.token(anon, app_id="open")
    edit = http.patch(
        f"{base}/requests/{made['id']}", key=keys["pub"], token=forged, body={"title": "Taken"}
    )
    assert (edit.status, edit.code) == (401, "unauthenticated"), edit.body
    # ids that merely look alike are ordinary users
    fine = tenant.token("Team", app_id="open")
    assert http.get(f"{base}/requests", key=keys["pub"], token=fine).status == 200


# ---------------------------------------------------------------- keys in URLs, rate headers


def test_an_admin_key_in_the_url_is_refused_over_http(http: Api, tenant: Tenant) -> None:
    r = http.post(tenant.path(f"/feedback?key={tenant.admin_key}"), body={"message": "leak"})
    assert (r.status, r.code) == (401, "unauthenticated") and set(r.body) == ENVELOPE_KEYS
    assert tenant.admin_key not in str(r.body)
    assert http.get(tenant.path("/feedback"), key=tenant.admin_key).body["items"] == []


def test_browsers_can_read_the_rate_limit_headers(http: Api, tenant: Tenant) -> None:
    r = http.get(tenant.path("/requests"), key=tenant.pub_key, headers={"Origin": "https://x.test"})
    assert r.status == 200
    assert int(r.headers["x-ratelimit-remaining"]) < int(r.headers["x-ratelimit-limit"])
    assert int(r.headers["x-ratelimit-reset"]) % 60 == 0
    exposed = r.headers["access-control-expose-headers"].lower()
    assert all(f"x-ratelimit-{h}" in exposed for h in ("limit", "remaining", "reset"))
