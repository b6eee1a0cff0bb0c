"""The team from the outside, over real HTTP: each role against every route of the app's
route table, and every role of another tenant against this one's routes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.roles import needed, rank
from chalicelib.settings import get_settings
from tests.helpers import ENVELOPE_KEYS, Api, Tenant
from tests.team import ROLES, invite


@pytest.fixture(scope="module", autouse=True)
def _ses(stack: dict[str, Any]) -> None:
    """moto's SES sends only from a verified address, as SES does."""
    aws.client("ses").verify_email_identity(EmailAddress=get_settings().sender_email)


def _team_routes() -> list[Any]:
    """Every route a credential opens, signing out last (it ends the session)."""
    from app import api as router

    found = [s for s in router.specs if s.auth != "none"]
    return sorted(found, key=lambda s: (s.path, s.method) == ("/v1/session", "DELETE"))


def _path(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "nope"), template)


def test_each_role_against_every_route(http: Api, tenant: Tenant) -> None:
    ids = {"appId": "web", "requestId": tenant.create("Swept")["id"], "reaction": "+1"}
    for role in ROLES:
        member = invite(http, tenant, role)
        for spec in _team_routes():
            path = _path(spec.path, ids)
            r = http.send(spec.method, path, key=member.session)
            where = (role, spec.method, spec.path, r.status, r.body)
            if rank(role) < rank(needed(spec.method, spec.path)):
                assert (r.status, r.code) == (403, "forbidden"), where
                assert set(r.body) == ENVELOPE_KEYS, where
            else:  # past the role check; what follows is each route's own business
                assert r.status not in (401, 403), where


def test_every_role_of_another_tenant_finds_nothing(
    http: Api, tenant: Tenant, other: Tenant
) -> None:
    vault = tenant.make_app("vault")
    rid = http.post(
        tenant.path("/requests", app_id="vault"),
        key=vault["pub"],
        token=tenant.token("u-1", app_id="vault"),
        body={"title": "Secret plan"},
    ).body["id"]
    victim = invite(http, tenant, "owner")
    before = http.get(tenant.path(f"/requests/{rid}", app_id="vault"), key=victim.session).body
    ids = {"appId": "vault", "requestId": rid, "memberId": victim.id, "reaction": "+1"}
    for role in ROLES:
        outsider = invite(http, other, role)
        for spec in _team_routes():
            if "{appId}" not in spec.path and "{memberId}" not in spec.path:
                continue  # the caller's own tenant: nothing of the victim's to reach
            body = {"role": "viewer"} if spec.method == "PATCH" else None
            r = http.send(spec.method, _path(spec.path, ids), key=outsider.session, body=body)
            where = (role, spec.method, spec.path, r.status, r.body)
            if "{memberId}" in spec.path and rank(role) < rank(needed(spec.method, spec.path)):
                assert (r.status, r.code) == (403, "forbidden"), where  # says nothing either
            else:
                assert (r.status, r.code) == (404, "not_found"), where
            assert "Secret" not in str(r.body) and victim.email not in str(r.body), where
    after = http.get(tenant.path(f"/requests/{rid}", app_id="vault"), key=victim.session).body
    assert after == before
    assert http.get("/v1/session", key=victim.session).body["member"]["role"] == "owner"
