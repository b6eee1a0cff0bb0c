"""Who costs what: each tenant's API calls kept by day at a bounded cost, and
``manage.py cost --by-tenant`` showing them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from chalicelib import usage
from chalicelib.store import Store
from manage import cli
from tests.helpers import Api, Tenant, new_tenant


def _by_tenant() -> dict[str, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["cost", "--by-tenant", "--days", "2", "--json"])
    assert result.exit_code == 0, result.output
    return {row["tenant"]: row for row in json.loads(result.output)}


def test_each_tenants_calls_are_counted_by_day_and_shown_by_cost_by_tenant(
    api: Api, ctx: Any
) -> None:
    busy, quiet = new_tenant(api), new_tenant(api)
    usage.flush(ctx.store, force=True)
    before = _by_tenant()
    for _ in range(5):
        assert api.get(busy.path("/requests"), key=busy.pub_key).status == 200
    busy.create("Counted")
    assert api.get(quiet.path("/requests"), key=quiet.pub_key).status == 200
    usage.flush(ctx.store, force=True)
    after = _by_tenant()
    assert after[busy.id]["requests"] - before[busy.id]["requests"] == 6
    assert after[quiet.id]["requests"] - before[quiet.id]["requests"] == 1
    grown = after[busy.id]
    assert grown["readUnits"] > before[busy.id]["readUnits"]  # its list pages
    # the request it created is a transaction, for which moto reports no consumed capacity
    # (AWS does); its reads' rate counter is written every 10th call, so none here
    assert grown["writeUnits"] >= before[busy.id]["writeUnits"]
    assert grown["dollars"] > after[quiet.id]["dollars"]
    assert list(after).index(busy.id) < list(after).index(quiet.id)  # the costliest first
    table = CliRunner().invoke(cli, ["cost", "--by-tenant", "--days", "2"]).output.splitlines()
    heading = "tenant requests read units write units messages $"
    assert table[0].split() == heading.split()
    assert any(line.split()[:2] == [busy.id, str(after[busy.id]["requests"])] for line in table)


def test_usage_is_written_once_a_flush_per_tenant_not_once_a_call(
    api: Api, ctx: Any, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage.flush(ctx.store, force=True)
    written: list[str] = []
    original = Store.add_usage

    def counted(self: Store, tenant_id: str, *args: Any) -> None:
        written.append(tenant_id)
        original(self, tenant_id, *args)

    monkeypatch.setattr(Store, "add_usage", counted)
    for _ in range(20):
        assert api.get(tenant.path("/requests"), key=tenant.pub_key).status == 200
    assert written == []  # within FLUSH_S of the last flush: kept in memory
    assert usage.flush(ctx.store, force=True) == 1
    assert written == [tenant.id]
