"""The operator's command line against the running stack: a new tenant can use the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.helpers import Api, unique
from tools.resources import ROOT


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_tenant_create_json_gives_a_working_admin_key(http: Api, stack: dict[str, Any]) -> None:
    name = unique("cli")
    made = manage("tenant", "create", name, "--json")
    assert made.returncode == 0, made.stderr
    out = json.loads(made.stdout)
    assert set(out) == {"tenant", "adminKey"} and out["tenant"] == name
    assert http.get("/v1/apps", key=out["adminKey"]).body == {"items": []}
    listed = json.loads(manage("tenant", "list", "--json").stdout)
    assert name in [t["tenant"] for t in listed]

    key = json.loads(manage("key", "create", name, "--label", "ci", "--json").stdout)
    assert http.get("/v1/apps", key=key["adminKey"]).status == 200
    keys = json.loads(manage("key", "list", name, "--json").stdout)
    assert {k["keyId"] for k in keys} >= {key["keyId"]} and all("adminKey" not in k for k in keys)
    assert manage("key", "revoke", name, key["keyId"]).returncode == 0
    assert http.get("/v1/apps", key=key["adminKey"]).status == 401


def test_bad_arguments_exit_1_with_a_message_not_a_traceback(stack: dict[str, Any]) -> None:
    for args in (
        ("tenant", "create", "Bad Name"),
        ("tenant", "create", "x"),
        ("key", "create", unique("missing")),
        ("key", "revoke", unique("no"), "abc"),
    ):
        result = manage(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Error:" in result.stderr and "Traceback" not in result.stderr
    name = unique("dup")
    assert manage("tenant", "create", name).returncode == 0
    again = manage("tenant", "create", name)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_every_command_has_help() -> None:
    for args in (
        (),
        ("tenant",),
        ("tenant", "create"),
        ("tenant", "list"),
        ("key",),
        ("key", "create"),
        ("key", "list"),
        ("key", "revoke"),
        ("seed",),
        ("local",),
        ("local", "run"),
    ):
        result = manage(*args, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, args
