"""A pending post from the outside, over real HTTP: invisible to every other user of its app
and to every other tenant, whatever route they try, and left unchanged by their attempts."""

from __future__ import annotations

from tests.e2e.test_isolation import ROUTES, _fill
from tests.helpers import ENVELOPE_KEYS, Api, Tenant

# the moderation routes, with someone else's credentials
MODERATION_ROUTES = [
    ("POST", "/v1/apps/{app}/requests/{rid}/approve", None),
    ("POST", "/v1/apps/{app}/requests/{rid}/reject", None),
    ("POST", "/v1/apps/{app}/requests/{open}/comments/{cid}/approve", None),
    ("POST", "/v1/apps/{app}/requests/{open}/comments/{cid}/reject", None),
    ("GET", "/v1/apps/{app}/moderation", None),
    ("PUT", "/v1/apps/{app}/users/author/ban", {}),
    ("DELETE", "/v1/apps/{app}/users/author/ban", None),
]


def test_a_pending_post_is_404_to_another_user_and_another_tenant(
    http: Api, tenant: Tenant, other: Tenant
) -> None:
    held = tenant.make_app("held", moderation="all")
    author = tenant.token("author", app_id="held")
    base = tenant.path(app_id="held")
    opened = http.post(f"{base}/requests", key=tenant.admin_key, body={"title": "Open one"})
    pending = http.post(
        f"{base}/requests", key=held["pub"], token=author, body={"title": "Held secret"}
    ).body
    comment = http.post(
        f"{base}/requests/{opened.body['id']}/comments",
        key=held["pub"],
        token=author,
        body={"body": "held private"},
    ).body
    assert pending["moderation"] == comment["moderation"] == "pending"
    ids = {"app": "held", "rid": pending["id"], "rid2": opened.body["id"], "cid": comment["id"]}
    ids["open"] = opened.body["id"]

    def state() -> tuple:
        mine = http.get(f"{base}/requests/{pending['id']}", key=held["pub"], token=author).body
        queue = http.get(f"{base}/moderation", key=tenant.admin_key).body["items"]
        said = http.get(f"{base}/requests/{ids['open']}/comments", key=held["pub"]).body
        return mine, [q["id"] for q in queue], said["items"]

    before = state()
    assert before[1] == [pending["id"], comment["id"]] and before[2] == []

    neighbour = tenant.token("neighbour", app_id="held")
    for method, template, body in ROUTES:
        if "{rid}" not in template:
            continue  # the app's own lists: open to this app's users (checked below)
        path = template.format(**ids)
        r = http.send(method, path, body=_fill(body, ids), key=held["pub"], token=neighbour)
        # 404, or the team-only routes' 403, which an end user gets for any id alike
        assert (r.status, r.code) in ((404, "not_found"), (403, "forbidden")), (method, path)
        assert "secret" not in str(r.body).lower()
    listed = http.get(f"{base}/requests?limit=100", key=held["pub"], token=neighbour).body
    assert pending["id"] not in [i["id"] for i in listed["items"]]
    for query in ("q=held+secret", "sort=top", "status=open"):
        found = http.get(f"{base}/requests?{query}", key=held["pub"], token=neighbour).body
        assert pending["id"] not in [i["id"] for i in found["items"]], query
    similar = http.get(f"{base}/requests/similar?q=held+secret", key=held["pub"]).body
    assert pending["id"] not in [i["id"] for i in similar["items"]]
    # end users may not moderate even in their own app
    for method, template, body in MODERATION_ROUTES:
        r = http.send(method, template.format(**ids), body=body, key=held["pub"], token=author)
        assert r.status in (401, 403), (method, template, r.status)

    attackers = {
        "other tenant's admin key": {"key": other.admin_key},
        "other tenant's admin key acting as the author": {
            "key": other.admin_key,
            "headers": {"X-User-Id": "author"},
        },
        "other tenant's publishable key and user": {
            "key": other.pub_key,
            "token": other.token("author"),
        },
        "same tenant, another app's publishable key": {
            "key": tenant.pub_key,
            "token": tenant.token("author"),
        },
    }
    for who, creds in attackers.items():
        for method, template, body in ROUTES + MODERATION_ROUTES:
            path = template.format(**ids)
            r = http.send(method, path, body=_fill(body, ids), **creds)
            assert (r.status, r.code) == (404, "not_found"), (who, method, path, r.body)
            assert set(r.body) == ENVELOPE_KEYS and "secret" not in str(r.body).lower()
    assert state() == before
