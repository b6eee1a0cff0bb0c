"""Each API call's log line prices what it did: table units, time and the messages it sent."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib import logs
from chalicelib.pricing import PRICES, request_cost
from tests.helpers import Api, Tenant


def _request_lines(found: list[dict], route: str) -> list[dict]:
    return [line for line in found if line["message"] == "request" and line["route"] == route]


def test_a_queued_job_is_priced_and_a_read_sends_nothing(api: Api, tenant: Tenant) -> None:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.JsonFormatter())
    log = logs.logger()
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        queued = api.post(tenant.path("/insights/run"), key=tenant.admin_key)
        read = api.get(tenant.path("/requests"), key=tenant.pub_key)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    assert queued.status == 202 and read.status == 200
    found = [json.loads(line) for line in sink.getvalue().splitlines()]
    (run,) = _request_lines(found, "/v1/apps/{appId}/insights/run")
    (listed,) = _request_lines(found, "/v1/apps/{appId}/requests")
    assert run["messages"] == {"sqs": 1}
    assert listed.get("messages") is None
    expected = request_cost(run["readUnits"], run["writeUnits"], run["ms"], {"sqs": 1}) * 1e6
    assert run["costMicroUsd"] == pytest.approx(expected, abs=0.001)
    without = request_cost(run["readUnits"], run["writeUnits"], run["ms"]) * 1e6
    assert run["costMicroUsd"] - without == pytest.approx(PRICES["sqs_request"] * 1e6, abs=0.001)
    metrics = run["_aws"]["CloudWatchMetrics"][0]
    assert {"Name": "CostMicroUsd", "Unit": "None"} in metrics["Metrics"]
    assert metrics["Dimensions"] == [["route"], []] and run["CostMicroUsd"] == run["costMicroUsd"]
