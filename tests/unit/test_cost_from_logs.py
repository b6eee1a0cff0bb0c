"""`manage.py cost --from-logs`: per-route count, latency and cost from exported lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.cost import from_logs


def test_exported_lines_give_count_latency_and_cost_by_route(tmp_path: Path) -> None:
    lines = [
        {
            "message": "request",
            "requestId": "r1",
            "route": "vote",
            "status": 200,
            "ms": 10,
            "cost": 20.0,
        },
        {
            "message": "request",
            "requestId": "r2",
            "route": "vote",
            "status": 503,
            "ms": 30,
            "cost": 40.0,
        },
        {
            "message": "request",
            "requestId": "r3",
            "route": "list_requests",
            "status": 200,
            "ms": 5,
            "cost": 1.5,
        },
        {"message": "event consumed", "consumer": "stats", "eventId": "e1"},
    ]
    export = tmp_path / "export.log"
    export.write_text(
        "\n".join(
            # CloudWatch's export puts a timestamp before each message; Lambda adds its lines
            [f"2026-11-28T20:00:0{n}.000Z {json.dumps(x)}" for n, x in enumerate(lines)]
            + ["START RequestId: r1 Version: 3", "not json {at all", json.dumps(lines[2])]
        )
    )
    rows = {r["route"]: r for r in from_logs(export)}
    assert set(rows) == {"vote", "list_requests"}
    vote = rows["vote"]
    assert vote["count"] == 2 and vote["avgMs"] == 20 and vote["p95Ms"] == 30
    assert vote["errors"] == 1
    assert vote["dollars"] == pytest.approx(60e-6) and vote["perMillion"] == pytest.approx(30)
    assert rows["list_requests"]["count"] == 2  # the plain JSON line counts too
    assert next(r["route"] for r in from_logs(export)) == "vote"  # the costliest first
