"""Boards from the outside, over real HTTP: a private board's requests are as invisible to the
app's own end users as another tenant's data, and no board id crosses a tenant."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.helpers import ENVELOPE_KEYS, Api, Tenant


@pytest.fixture
def vault(http: Api, tenant: Tenant) -> dict[str, Any]:
    """A tenant with a private board ``inner`` and a signed-in board ``beta``, a request on
    each and one on ``general``."""
    for board_id, visibility in (("inner", "private"), ("beta", "signed_in")):
        r = http.post(
            tenant.path("/boards"),
            key=tenant.admin_key,
            body={"id": board_id, "name": board_id.title(), "visibility": visibility},
        )
        assert r.status == 201, r.body
    made = {}
    for board_id in ("inner", "beta", "general"):
        r = http.post(
            tenant.path("/requests"),
            key=tenant.admin_key,
            body={"title": f"Plan on {board_id}", "board": board_id, "tags": ["x"]},
        )
        assert r.status == 201, r.body
        made[board_id] = r.body["id"]
    return made


def _not_found(r: Any, where: Any) -> None:
    assert (r.status, r.code) == (404, "not_found"), (where, r.status, r.body)
    assert set(r.body) == ENVELOPE_KEYS and "inner" not in r.body["error"]["message"]


def test_a_private_boards_request_is_404_to_the_apps_own_users(
    http: Api, tenant: Tenant, vault: dict[str, Any]
) -> None:
    rid = vault["inner"]
    for who, creds in (
        ("publishable key", {"key": tenant.pub_key}),
        ("user token", {"key": tenant.pub_key, "token": tenant.token("u-attacker")}),
    ):
        for method, rest, body in (
            ("GET", f"/requests/{rid}", None),
            ("GET", f"/requests/{rid}/comments", None),
            ("GET", f"/requests/{rid}/subscription", None),
            ("GET", "/requests?board=inner", None),
            ("GET", "/requests?board=inner&tag=x&sort=top", None),
        ):
            _not_found(http.send(method, tenant.path(rest), body=body, **creds), (who, rest))
        for query in ("", "?sort=top", "?tag=x", "?status=open", "?sort=trending", "?q=plan"):
            r = http.get(tenant.path(f"/requests{query}"), **creds)
            assert r.status == 200, r.body
            assert rid not in [i["id"] for i in r.body["items"]], (who, query)
        export = http.get(tenant.path("/export?format=json"), **creds)
        assert export.status == 403 and rid not in str(export.body)
    token = {"key": tenant.pub_key, "token": tenant.token("u-attacker")}
    for method, rest, body in (
        ("POST", f"/requests/{rid}/vote", None),
        ("DELETE", f"/requests/{rid}/vote", None),
        ("POST", f"/requests/{rid}/comments", {"body": "let me in"}),
        ("PUT", f"/requests/{rid}/subscription", None),
        ("PATCH", f"/requests/{rid}", {"title": "Mine now"}),
        ("POST", "/requests", {"title": "Plant it", "board": "inner"}),
    ):
        _not_found(http.send(method, tenant.path(rest), body=body, **token), rest)
    boards = http.get(tenant.path("/boards"), **token).body["items"]
    assert [b["id"] for b in boards] == ["general", "beta"]
    admin = http.get(tenant.path(f"/requests/{rid}"), key=tenant.admin_key)
    assert admin.status == 200 and admin.body["votes"] == 0 and admin.body["commentCount"] == 0


def test_a_signed_in_board_needs_a_token_the_app_signed(
    http: Api, tenant: Tenant, vault: dict[str, Any]
) -> None:
    rid = vault["beta"]
    _not_found(http.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key), "anonymous")
    forged = jwt.encode({"sub": "u-1", "exp": int(time.time()) + 600}, "not-the-secret", "HS256")
    expired = tenant.token("u-1", expires_in=-60)
    for bad in (forged, expired, "not.a.jwt"):
        r = http.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=bad)
        assert (r.status, r.code) == (401, "unauthenticated"), r.body
    r = http.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key, token=tenant.token("u-1"))
    assert r.status == 200 and r.body["board"] == "beta"


def test_no_board_id_crosses_a_tenant(
    http: Api, tenant: Tenant, other: Tenant, vault: dict[str, Any]
) -> None:
    for method, rest, body in (
        ("GET", "/requests?board=inner", None),
        ("PATCH", "/boards/inner", {"name": "Mine"}),
        ("DELETE", "/boards/inner", None),
        ("POST", "/requests", {"title": "Into their board", "board": "inner"}),
        ("GET", f"/requests/{vault['inner']}", None),
        ("GET", f"/requests/{vault['general']}", None),
    ):
        _not_found(http.send(method, other.path(rest), key=other.admin_key, body=body), rest)
    mine = other.create("Stay home")["id"]
    r = http.patch(other.path(f"/requests/{mine}"), key=other.admin_key, body={"board": "inner"})
    assert (r.status, r.code) == (400, "validation_error")  # other has no board inner
    assert http.get(tenant.path("/requests?board=inner"), key=tenant.admin_key).body["items"]


@pytest.mark.parametrize(
    "board", ["general#x", "../inner", "INNER", "inner\u200b", "ìnner", "", "a" * 33, 5, None]
)
def test_board_ids_that_are_not_ids_are_400(http: Api, tenant: Tenant, board: Any) -> None:
    r = http.post(
        tenant.path("/requests"), key=tenant.admin_key, body={"title": "Where?", "board": board}
    )
    assert (r.status, r.code) == (400, "validation_error"), r.body
    if isinstance(board, str) and board:
        r = http.get(tenant.path("/requests"), key=tenant.pub_key, headers={}, body=None)
        assert r.status == 200
