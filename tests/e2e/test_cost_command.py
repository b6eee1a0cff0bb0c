"""`./manage.py cost`: builds the package it prices, every billed line per request and per
month, the idle month with and without the free tier; refuses to guess without a package."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tools.resources import ROOT


def test_cost_prints_four_tables_from_measured_figures() -> None:
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "cost",
            "--rounds",
            "2",
            "--requests",
            "100000",
            "--mix",
            "reads=80,votes=15,creates=5",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout)
    assert data["template"] == "build/prod/package/sam.json"  # built, then priced
    kinds = {k["name"]: k for k in data["measured"]}
    assert {"read: list page of 20", "vote", "create request"} <= set(kinds)
    assert kinds["vote"]["write_units"] > kinds["read: list page of 20"]["write_units"]
    assert all(0 < k["perMillion"] < 1000 for k in kinds.values())
    vote = kinds["vote"]
    assert vote["events"] == 1 and vote["invocations"] < vote["invocations_unfiltered"]
    assert vote["log_bytes"] <= 400 + 26  # one line, and its 26 bytes of metadata
    assert {"DynamoDB writes", "CloudWatch Logs ingestion", "SNS publishes"} <= set(vote["lines"])
    plan = data["forecast"]
    assert plan["requests"] == 100000 and plan["month"] > 0
    assert [m["requests"] for m in data["months"]] == [1000, 100000, 1000000, 10000000]
    assert all(
        f["month"] <= m["month"]
        for f, m in zip(data["monthsFreeTier"], data["months"], strict=True)
    )
    assert data["idle"]["month"] <= 0.50 and data["idleFreeTier"]["month"] <= data["idle"]["month"]
    assert len(data["customMetrics"]) <= 10 and data["alarms"]["all"] <= 10
    assert data["comparison"][2]["seedOtherDesign"] == 118.5


def test_cost_without_a_package_refuses_to_guess(tmp_path) -> None:
    """With --no-build and no build/ (a fresh clone), it says so instead of pricing nothing."""
    from tools import cost

    original = cost.ROOT
    cost.ROOT = tmp_path
    try:
        try:
            cost.stack_of("prod", build=False)
        except cost.NoPackageError as exc:
            assert "make package STAGE=prod" in str(exc)
        else:
            raise AssertionError("priced a package that is not there")
    finally:
        cost.ROOT = original


def test_cost_rejects_a_bad_mix() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "cost", "--mix", "reads"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 1 and "--mix looks like" in out.stderr
