"""Credentials, roles, anonymous writes and rate limits."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.context import get_context
from tests.helpers import Api, Tenant, user_token


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic abc",
        "Bearer fr_admin_nope",
        "Bearer fr_admin_demo_abc_def",
        "Bearer fr_pub_demo_web_xyz",
        "Bearer sk_live_123",
        "Bearer " + "fr_admin_" + "a" * 300,
    ],
)
def test_missing_or_unknown_keys_are_401(
    api: Api, tenant: Tenant, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    r = api.get(tenant.path("/requests"), headers=headers)
    assert (r.status, r.code) == (401, "unauthenticated")


def test_a_forged_key_with_a_real_key_id_is_401(api: Api, tenant: Tenant) -> None:
    forged = tenant.admin_key[:-4] + "AAAA"
    assert api.get("/v1/apps", key=forged).status == 401
    forged_pub = tenant.pub_key[:-4] + "AAAA"
    assert api.get(tenant.path("/requests"), key=forged_pub).status == 401


@pytest.mark.parametrize(
    "make_token",
    [
        lambda s: "not.a.jwt",
        lambda s: user_token("some-other-secret-of-32-bytes-xy", "u-1"),
        lambda s: user_token(s, "u-1", expires_in=-120),
        lambda s: user_token(s * 2, "u-1", algorithm="HS512"),
        lambda s: user_token(s, ""),
        lambda s: user_token(s, "x" * 200),
    ],
)
def test_bad_user_tokens_are_401(api: Api, tenant: Tenant, make_token: Any) -> None:
    r = api.get(tenant.path("/requests"), key=tenant.pub_key, token=make_token(tenant.user_secret))
    assert (r.status, r.code) == (401, "unauthenticated")


def test_unsigned_alg_none_token_is_401(api: Api, tenant: Tenant) -> None:
    import jwt

    token = jwt.encode({"sub": "admin"}, key=None, algorithm="none")
    r = api.get(tenant.path("/requests"), key=tenant.pub_key, token=token)
    assert (r.status, r.code) == (401, "unauthenticated")


def test_publishable_key_reads_but_cannot_write_without_a_user(api: Api, tenant: Tenant) -> None:
    assert api.get(tenant.path("/requests"), key=tenant.pub_key).status == 200
    r = api.post(tenant.path("/requests"), key=tenant.pub_key, body={"title": "Anonymous?"})
    assert (r.status, r.code) == (401, "unauthenticated")


def test_publishable_key_cannot_do_admin_work(api: Api, tenant: Tenant) -> None:
    for method, path in (
        ("GET", "/v1/apps"),
        ("GET", tenant.path()),
        ("POST", tenant.path("/keys/rotate")),
        ("GET", tenant.path("/feedback")),
    ):
        r = api.send(method, path, key=tenant.pub_key, token=tenant.token("u"))
        assert (r.status, r.code) == (403, "forbidden"), (method, path)


def test_x_user_id_with_a_publishable_key_is_refused(api: Api, tenant: Tenant) -> None:
    r = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        headers={"X-User-Id": "someone-else"},
        body={"title": "Pretend"},
    )
    assert (r.status, r.code) == (400, "bad_request")


def test_anonymous_writes_where_the_app_allows_them(api: Api, open_tenant: Tenant) -> None:
    t = open_tenant
    made = api.post(t.path("/requests"), key=t.pub_key, body={"title": "From a visitor"})
    assert made.status == 201 and made.body["author"]["id"].startswith("anon-")
    voted = api.post(t.path(f"/requests/{made.body['id']}/vote"), key=t.pub_key)
    again = api.post(t.path(f"/requests/{made.body['id']}/vote"), key=t.pub_key)
    assert voted.body["votes"] == again.body["votes"] == 1


def test_rotating_keys_retires_the_old_ones(api: Api, tenant: Tenant) -> None:
    old_token = tenant.token("u")
    assert api.get(tenant.path("/requests"), key=tenant.pub_key).status == 200
    rotated = api.post(tenant.path("/keys/rotate"), key=tenant.admin_key)
    assert rotated.status == 200
    assert api.get(tenant.path("/requests"), key=tenant.pub_key).status == 401
    new_key = rotated.body["publishableKey"]
    assert api.get(tenant.path("/requests"), key=new_key, token=old_token).status == 401
    fresh = user_token(rotated.body["userTokenSecret"], "u")
    assert api.get(tenant.path("/requests"), key=new_key, token=fresh).status == 200


def test_revoked_admin_key_stops_working(api: Api, tenant: Tenant) -> None:
    from chalicelib.services import tenants

    made = tenants.create_key(get_context(), tenant.id, "temp")
    assert api.get("/v1/apps", key=made["adminKey"]).status == 200
    # an app route reads the key with the app (one BatchGetItem): checked on every call
    assert api.get(tenant.path("/requests"), key=made["adminKey"]).status == 200
    tenants.revoke_key(get_context(), tenant.id, made["keyId"])
    assert api.get("/v1/apps", key=made["adminKey"]).status == 401
    assert api.get(tenant.path("/requests"), key=made["adminKey"]).status == 401
    assert api.get(tenant.path("/requests"), key=made["adminKey"] + "x").status == 401
    assert api.get(tenant.path("/requests"), key=tenant.admin_key).status == 200


@pytest.fixture
def tight_limits(settings_env: Any) -> None:
    settings_env(KEY_REQUESTS_PER_MINUTE="5", ANONYMOUS_WRITES_PER_MINUTE="2")


def test_keys_over_their_rate_get_429_with_retry_after(
    api: Api, tenant: Tenant, tight_limits: None
) -> None:
    # 12 calls: even split across two one-minute windows, one window sees more than 5
    statuses = [api.get(tenant.path("/requests"), key=tenant.pub_key) for _ in range(12)]
    assert [r.status for r in statuses].count(429) >= 1
    limited = next(r for r in statuses if r.status == 429)
    assert limited.code == "rate_limited" and 1 <= int(limited.headers["retry-after"]) <= 60
    assert sum(r.status == 200 for r in statuses) <= 10


def test_anonymous_writes_over_the_address_rate_get_429(
    api: Api, open_tenant: Tenant, tight_limits: None
) -> None:
    t = open_tenant
    replies = [
        api.post(t.path("/feedback"), key=t.pub_key, body={"message": f"hi {n}"}) for n in range(5)
    ]
    statuses = [r.status for r in replies]
    assert set(statuses) == {201, 429} and 2 <= statuses.count(201) <= 4
    limited = next(r for r in replies if r.status == 429)
    assert limited.code == "rate_limited" and "retry-after" in limited.headers
    listed = api.get(t.path("/feedback"), key=t.admin_key).body["items"]
    assert len(listed) == statuses.count(201)
