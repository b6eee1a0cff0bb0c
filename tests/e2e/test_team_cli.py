"""The operator's path to the team: the first owner with the tenant, then members."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from chalicelib.settings import get_settings
from tests.e2e.test_manage_cli import manage
from tests.helpers import Api, unique
from tests.team import emailed_token, sign_in


def test_tenant_create_invites_the_owner_and_members_come_and_go(
    http: Api, stack: dict[str, Any]
) -> None:
    aws.client("ses").verify_email_identity(EmailAddress=get_settings().sender_email)
    name, owner, mod = unique("cli"), f"own-{unique()}@example.com", f"mod-{unique()}@example.com"
    made = manage("tenant", "create", name, "--owner", owner, "--json")
    assert made.returncode == 0, made.stderr
    out = json.loads(made.stdout)
    assert out["owner"]["role"] == "owner" and out["owner"]["invitationSent"] is True
    assert http.get("/v1/apps", key=out["adminKey"]).status == 200
    verified = http.post("/v1/session/verify", body={"token": emailed_token(owner)})
    assert verified.status == 200 and verified.body["member"]["email"] == owner

    added = manage("member", "add", name, mod, "--role", "moderator", "--json")
    assert added.returncode == 0, added.stderr
    member_id = json.loads(added.stdout)["id"]
    session = sign_in(http, name, mod)
    assert http.get("/v1/session", key=session).body["role"] == "moderator"
    listed = json.loads(manage("member", "list", name, "--json").stdout)
    assert {(m["email"], m["role"], m["status"]) for m in listed} == {
        (owner, "owner", "active"),
        (mod, "moderator", "active"),
    }
    owner_id = next(m["id"] for m in listed if m["email"] == owner)
    assert manage("member", "remove", name, member_id).returncode == 0
    assert http.get("/v1/apps", key=session).status == 401

    for args in (
        ("member", "add", unique("missing"), "x@example.com"),
        ("member", "remove", name, "nope"),
        ("member", "remove", name, owner_id),  # the last owner stays
    ):
        result = manage(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Error:" in result.stderr and "Traceback" not in result.stderr
    bad = manage("member", "add", name, "not an address")
    assert bad.returncode == 2 and "plain address" in bad.stderr
