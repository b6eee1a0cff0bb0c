"""The team: invitations, passwordless sign-in, sessions, roles, revocation, the audit trail."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.auth import hash_key
from chalicelib.errors import UnauthenticatedError
from chalicelib.services import team
from chalicelib.store.keys import Keys
from tests.helpers import Api, Tenant, unique
from tests.team import ROLES, emailed_token, invite, sign_in


def _flip(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_invite_sign_in_and_see_who_is_signed_in(api: Api, tenant: Tenant) -> None:
    address = f"ada-{unique()}@example.com"
    made = api.post("/v1/members", key=tenant.admin_key, body={"email": address, "role": "owner"})
    assert made.status == 201, made.body
    assert made.body["status"] == "invited" and made.body["invitedBy"].startswith("admin key ")
    token = emailed_token(address)
    verified = api.post("/v1/session/verify", body={"token": token})
    assert verified.status == 200, verified.body
    session = verified.body["sessionToken"]
    assert session.startswith(f"fr_sess_{tenant.id}_") and verified.body["expiresAt"].endswith("Z")
    assert verified.body["member"]["status"] == "active"
    me = api.get("/v1/session", key=session).body
    assert me["role"] == "owner" and me["member"]["email"] == address
    assert api.get("/v1/session", key=tenant.admin_key).body == {
        "role": "owner",
        "member": None,
        "expiresAt": None,
    }
    listed = api.get("/v1/members", key=session).body["items"]
    assert [m["email"] for m in listed] == [address]
    assert api.get("/v1/apps", key=session).status == 200

    stored = api_item(Keys.signin(tenant.id, hash_key(token)))
    assert stored is None, "a used token is gone"


def api_item(key: dict[str, str]) -> dict[str, Any] | None:
    from chalicelib.context import get_context

    return get_context().store._get(key, consistent=True)


def test_tokens_are_stored_hashed_and_live_15_minutes(api: Api, tenant: Tenant, ctx: Any) -> None:
    address = f"hash-{unique()}@example.com"
    api.post("/v1/members", key=tenant.admin_key, body={"email": address, "role": "viewer"})
    token = emailed_token(address)
    item = api_item(Keys.signin(tenant.id, hash_key(token)))
    assert item is not None and token not in str(item)
    assert 14 * 60_000 < item["expiresMs"] - ctx.clock() <= 15 * 60_000

    later = replace(ctx, clock=lambda: item["expiresMs"] + 1)
    with pytest.raises(UnauthenticatedError):
        team.verify(later, token)  # 15 minutes and a millisecond later: refused, and used up
    assert api.post("/v1/session/verify", body={"token": token}).status == 401

    session = sign_in(api, tenant.id, address)
    key = team.parse_key(f"Bearer {session}")
    assert token not in str(api_item(Keys.session(tenant.id, key.ident)))
    assert session not in str(api_item(Keys.session(tenant.id, key.ident)))


def test_each_sign_in_failure_is_the_same_401(api: Api, tenant: Tenant, other: Tenant) -> None:
    address = f"fail-{unique()}@example.com"
    api.post("/v1/members", key=tenant.admin_key, body={"email": address, "role": "admin"})
    token = emailed_token(address)
    wrong_tenant = token.replace(f"fr_signin_{tenant.id}_", f"fr_signin_{other.id}_")
    attempts = {
        "tampered": _flip(token),
        "wrong tenant": wrong_tenant,
        "not a token": "hello",
        "a session token": "fr_sess_" + token.removeprefix("fr_signin_"),
    }
    for what, bad in attempts.items():
        r = api.post("/v1/session/verify", body={"token": bad})
        assert (r.status, r.code) == (401, "unauthenticated"), (what, r.body)
        assert r.body["error"]["message"] == team.INVALID_LINK
    first = api.post("/v1/session/verify", body={"token": token})
    assert first.status == 200, "the failures above did not use the token up"
    reused = api.post("/v1/session/verify", body={"token": token})
    assert (reused.status, reused.body["error"]["message"]) == (401, team.INVALID_LINK)

    # a token made, then expired while stored: refused, as after 15 minutes
    member_id = first.body["member"]["id"]
    old = f"fr_signin_{tenant.id}_{'x' * 43}"
    api_ctx_store().put_signin_token(tenant.id, hash_key(old), member_id, 1)
    expired = api.post("/v1/session/verify", body={"token": old})
    assert (expired.status, expired.code) == (401, "unauthenticated")


def api_ctx_store() -> Any:
    from chalicelib.context import get_context

    return get_context().store


def test_session_start_answers_the_same_for_members_and_strangers(api: Api, tenant: Tenant) -> None:
    member = invite(api, tenant, "viewer")
    answers = [
        api.post("/v1/session/start", body={"tenant": t, "email": e})
        for t, e in (
            (tenant.id, member.email),
            (tenant.id, f"stranger-{unique()}@example.com"),
            (unique("nope"), member.email),
        )
    ]
    assert {(r.status, r.body["message"]) for r in answers} == {(202, team.STARTED)}
    assert {tuple(sorted(r.body)) for r in answers} == {("message",)}
    assert emailed_token(member.email).startswith(f"fr_signin_{tenant.id}_")
    for address in ("not an address", "zoë@example.com"):  # SES delivers to ASCII only
        bad = api.post("/v1/session/start", body={"tenant": tenant.id, "email": address})
        assert (bad.status, bad.code) == (400, "validation_error"), address
        bad = api.post(
            "/v1/members", key=tenant.admin_key, body={"email": address, "role": "viewer"}
        )
        assert (bad.status, bad.code) == (400, "validation_error"), address


def test_session_start_is_rate_limited_per_email_and_per_address(api: Api, tenant: Tenant) -> None:
    address = f"often-{unique()}@example.com"
    body = {"tenant": tenant.id, "email": address}
    assert all(
        api.post("/v1/session/start", body=body).status == 202 for _ in range(team.STARTS_PER_EMAIL)
    )
    over = api.post("/v1/session/start", body=body)
    assert (over.status, over.code) == (429, "rate_limited") and int(
        over.headers["retry-after"]
    ) > 0

    other_tenant = unique("spray")  # one address asking for many addresses' links
    for n in range(team.STARTS_PER_ADDRESS):
        r = api.post("/v1/session/start", body={"tenant": other_tenant, "email": f"{n}@ex.com"})
        assert r.status == 202, (n, r.body)
    over = api.post("/v1/session/start", body={"tenant": other_tenant, "email": "last@ex.com"})
    assert (over.status, over.code) == (429, "rate_limited")


# ---------------------------------------------------------------- roles


def _matrix_routes(api: Api, tenant: Tenant) -> list[tuple[str, str, Any, Any, str]]:
    """(name, method, path or path-maker, body, least role): a fresh target per call where
    the call changes or removes it."""

    def fresh(suffix: str = "") -> Any:
        return lambda: tenant.path(f"/requests/{tenant.create('Target')['id']}{suffix}")

    into = tenant.create("Merge target")["id"]
    return [
        ("list apps", "GET", "/v1/apps", None, "viewer"),
        ("list requests", "GET", tenant.path("/requests"), None, "viewer"),
        ("read feedback", "GET", tenant.path("/feedback"), None, "viewer"),
        ("analytics", "GET", tenant.path("/analytics"), None, "viewer"),
        ("insights", "GET", tenant.path("/insights"), None, "viewer"),
        ("list members", "GET", "/v1/members", None, "viewer"),
        ("read comments", "GET", fresh("/comments"), None, "viewer"),
        ("set status", "PATCH", fresh(), {"status": "planned"}, "moderator"),
        ("answer", "PATCH", fresh(), {"response": "Soon"}, "moderator"),
        ("merge", "POST", fresh("/merge"), {"into": into}, "moderator"),
        ("comment", "POST", fresh("/comments"), {"body": "We hear you"}, "moderator"),
        ("edit title", "PATCH", fresh(), {"title": "Renamed"}, "admin"),
        ("delete request", "DELETE", fresh(), None, "admin"),
        ("app settings", "PATCH", tenant.path(), {"name": "Renamed"}, "admin"),
        ("export", "GET", tenant.path("/export?format=json"), None, "admin"),
        ("audit", "GET", "/v1/audit", None, "admin"),
        ("invite", "POST", "/v1/members", lambda: _new_member("viewer"), "admin"),
        ("invite owner", "POST", "/v1/members", lambda: _new_member("owner"), "owner"),
    ]


def _new_member(role: str) -> dict[str, str]:
    return {"email": f"new-{unique()}@example.com", "role": role}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(api: Api, tenant: Tenant, role: str) -> None:
    member = invite(api, tenant, role)
    for name, method, path, body, least in _matrix_routes(api, tenant):
        r = api.send(
            method,
            path() if callable(path) else path,
            key=member.session,
            body=body() if callable(body) else body,
        )
        if ROLES.index(role) >= ROLES.index(least):
            assert 200 <= r.status < 300, (role, name, r.status, r.body)
        else:
            assert (r.status, r.code) == (403, "forbidden"), (role, name, r.body)


def test_only_an_owner_manages_members_and_one_owner_stays(api: Api, tenant: Tenant) -> None:
    owner = invite(api, tenant, "owner")
    admin = invite(api, tenant, "admin")
    viewer = invite(api, tenant, "viewer")
    for who in (admin, viewer):
        r = api.patch(f"/v1/members/{viewer.id}", key=who.session, body={"role": "admin"})
        assert (r.status, r.code) == (403, "forbidden"), r.body
        r = api.delete(f"/v1/members/{viewer.id}", key=who.session)
        assert (r.status, r.code) == (403, "forbidden"), r.body
    last = api.patch(f"/v1/members/{owner.id}", key=owner.session, body={"role": "admin"})
    assert (last.status, last.code) == (409, "conflict"), last.body
    gone = api.delete(f"/v1/members/{owner.id}", key=tenant.admin_key)
    assert (gone.status, gone.code) == (409, "conflict"), gone.body
    promoted = api.patch(f"/v1/members/{admin.id}", key=owner.session, body={"role": "owner"})
    assert promoted.status == 200 and promoted.body["role"] == "owner"
    assert api.delete(f"/v1/members/{owner.id}", key=admin.session).status == 204
    assert api.get("/v1/members", key=owner.session).status == 401
    missing = api.patch("/v1/members/nope", key=admin.session, body={"role": "viewer"})
    assert (missing.status, missing.code) == (404, "not_found")
    dup = api.post("/v1/members", key=admin.session, body={"email": viewer.email, "role": "admin"})
    assert (dup.status, dup.code) == (409, "conflict")


def test_sign_out_removal_and_role_change_take_effect_at_once(api: Api, tenant: Tenant) -> None:
    owner = invite(api, tenant, "owner")
    mod = invite(api, tenant, "moderator")
    rid = tenant.create("Triage me")["id"]
    patch = {"status": "planned"}
    assert api.patch(tenant.path(f"/requests/{rid}"), key=mod.session, body=patch).status == 200
    api.patch(f"/v1/members/{mod.id}", key=owner.session, body={"role": "viewer"})
    demoted = api.patch(tenant.path(f"/requests/{rid}"), key=mod.session, body=patch)
    assert (demoted.status, demoted.code) == (403, "forbidden")
    assert api.get("/v1/session", key=mod.session).body["role"] == "viewer"

    second = sign_in(api, tenant.id, mod.email)
    assert api.delete("/v1/session", key=mod.session).status == 204
    ended = api.get("/v1/apps", key=mod.session)
    assert (ended.status, ended.code) == (401, "unauthenticated")
    assert api.get("/v1/apps", key=second).status == 200, "one sign-out ends one session"
    assert api.delete(f"/v1/members/{mod.id}", key=owner.session).status == 204
    assert api.get("/v1/apps", key=second).status == 401
    assert api.delete("/v1/session", key=tenant.admin_key).code == "bad_request"
    assert api.get("/v1/apps", key=_flip(owner.session)).status == 401


def test_a_member_of_one_tenant_is_nobody_in_another(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    victim = invite(api, tenant, "viewer")
    vault = tenant.make_app("vault")
    rid = api.post(
        tenant.path("/requests", app_id="vault"),
        key=vault["pub"],
        token=tenant.token("u-1", app_id="vault"),
        body={"title": "Private"},
    ).body["id"]
    base = tenant.path(app_id="vault")
    for role in ROLES:
        outsider = invite(api, other, role)
        for method, path, body in (
            ("GET", f"{base}/requests", None),
            ("PATCH", f"{base}/requests/{rid}", {"status": "planned"}),
            ("GET", f"{base}/feedback", None),
            ("GET", base, None),
            ("PATCH", f"/v1/members/{victim.id}", {"role": "owner"}),
            ("DELETE", f"/v1/members/{victim.id}", None),
        ):
            r = api.send(method, path, key=outsider.session, body=body)
            expected = (403, "forbidden") if "members" in path and role != "owner" else None
            assert (r.status, r.code) == (expected or (404, "not_found")), (role, path, r.body)
        forged = outsider.session.replace(f"fr_sess_{other.id}_", f"fr_sess_{tenant.id}_")
        assert api.get("/v1/apps", key=forged).status == 401
    assert api.get(f"{base}/requests/{rid}", key=victim.session).body["status"] == "open"


def test_the_audit_trail_names_the_member(api: Api, tenant: Tenant) -> None:
    owner = invite(api, tenant, "owner")
    rid = tenant.create("Audited")["id"]
    api.patch(tenant.path(f"/requests/{rid}"), key=owner.session, body={"status": "planned"})
    api.post("/v1/members", key=owner.session, body=_new_member("viewer"))
    trail = api.get("/v1/audit", key=owner.session).body["items"]
    assert [e["action"] for e in trail[:2]] == [
        "POST /v1/members",
        "PATCH /v1/apps/{appId}/requests/{requestId}",
    ]
    assert all(e["member"] == {"id": owner.id, "email": owner.email} for e in trail[:2])
    assert trail[0]["keyId"] == f"member.{owner.id}"
    by_key = [e for e in trail if e["action"] == "POST /v1/members" and e["member"] is None]
    assert len(by_key) == 1 and by_key[0]["keyId"] == tenant.admin_key.split("_")[3]
