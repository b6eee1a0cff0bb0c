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


def _capture(work) -> str:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.JsonFormatter())
    log = logs.logger()
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        work()
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    return sink.getvalue()


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
    (run,) = _request_lines(found, "run_insights")
    (listed,) = _request_lines(found, "list_requests")
    assert run["messages"] == {"sqs": 1}
    assert listed.get("messages") is None
    expected = request_cost(run["readUnits"], run["writeUnits"], run["ms"], {"sqs": 1}) * 1e6
    assert run["cost"] == pytest.approx(expected, abs=0.001)
    without = request_cost(run["readUnits"], run["writeUnits"], run["ms"]) * 1e6
    assert run["cost"] - without == pytest.approx(PRICES["sqs_request"] * 1e6, abs=0.001)
    assert "_aws" not in run and all(len(line) <= 400 for line in sink.getvalue().splitlines())


def test_a_key_in_the_query_string_never_reaches_a_log_line(api: Api, tenant: Tenant) -> None:
    """Issue 11 item 6: `POST …/feedback?key=<admin key>` put the admin key in the log."""
    secret = tenant.admin_key.rsplit("_", 1)[1]
    found = _capture(
        lambda: api.post(
            tenant.path(f"/feedback?key={tenant.admin_key}"), body={"message": "hi", "rating": 4}
        )
    )
    assert found.count('"message":"request"') == 1  # one line for the call
    assert secret not in found and tenant.admin_key not in found
