"""`./manage.py cost`: measured per-request costs, a forecast, the idle month, a comparison."""

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
            "3",
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
    kinds = {k["name"]: k for k in data["measured"]}
    assert {"read: list page of 20", "vote", "create request"} <= set(kinds)
    assert kinds["vote"]["write_units"] > kinds["read: list page of 20"]["write_units"]
    assert all(0 < k["perMillion"] < 100 for k in kinds.values())
    plan = data["forecast"]
    assert plan["requests"] == 100000 and abs(sum(r["share"] for r in plan["rows"]) - 1) < 1e-9
    assert plan["month"] > 0 and data["idle"]["month"] > 0
    assert [r["requestsPerMonth"] for r in data["comparison"]] == [1000, 100000, 1000000]
    assert data["comparison"][-1]["seedOtherDesign"] == 118.5


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
