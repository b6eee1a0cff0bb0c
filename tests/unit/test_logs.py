"""Logs: one short JSON line per API call with the request id; a fixed set of metrics with no
per-route dimension; no credential in any line."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from chalicelib import logs

LONGEST_TENANT = "t" * 40  # tenant names are 2-40 characters
LONG_APP = "a" * 40


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    log = logs.logger()
    level = log.level
    log.setLevel(logging.INFO)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.JsonFormatter())
    log.addHandler(handler)
    try:
        yield sink
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _call(route: str, status: int, request_id: str = "0f0e0d0c-0b0a-4908-8706-050403020100"):
    caller = SimpleNamespace(tenant=LONGEST_TENANT)
    call = SimpleNamespace(request_id=request_id, caller=caller, app=SimpleNamespace(id=LONG_APP))
    return call, SimpleNamespace(name=route)


def _longest_route() -> str:
    from app import api

    return max((spec.name for spec in api.specs), key=len)


def test_a_request_is_one_line_of_at_most_400_bytes_with_its_request_id(lines) -> None:
    """The worst case: longest tenant, app and route, table units, a queued job, a cold
    start, a 5xx and a vote."""
    from chalicelib.store import reset_meter

    m = reset_meter()
    m.read_units, m.write_units, m.messages = 123.5, 97.0, {"sqs": 1, "sns": 10, "ses": 3}
    logs._cold = True
    call, spec = _call(_longest_route(), 503)
    logs.begin()
    logs.metric("Votes", 1)
    logs.access(call, spec, 503, time.perf_counter() - 1.234)
    (line,) = lines.getvalue().splitlines()
    assert len(line.encode()) <= 400, (len(line.encode()), line)
    found = json.loads(line)
    assert found["requestId"] == call.request_id and found["route"] == spec.name
    assert found["status"] == 503 and found["cold"] == 1 and found["Votes"] == 1


def test_every_route_feeds_one_fixed_set_of_metrics_without_dimensions(lines) -> None:
    """No line declares metrics of its own (no embedded-metric record, no route dimension):
    the template's metric filters read the same few fields of every route's line."""
    from app import api

    routes = {spec.name for spec in api.specs}
    assert len(routes) > len(logs.METRICS)  # a route dimension would multiply them
    for n, name in enumerate(sorted(routes)):
        logs.begin()
        status = 200 if n % 2 else 500
        logs.access(*_call(name, status, f"r{n}"), status, time.perf_counter())
    found = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert len(found) == len(routes) and {f["route"] for f in found} == routes
    assert not any("_aws" in f for f in found)
    assert len(logs.METRICS) <= 10
    for pattern, value in logs.METRICS.values():
        field = pattern.split("$.")[1].split()[0]
        if field in ("ms", "status"):  # every request line has it
            assert all(field in f for f in found), pattern
        assert value == "1" or value.removeprefix("$.") in (field, "ms", "cost")


def test_a_metric_outside_an_api_call_is_a_line_of_its_own(lines) -> None:
    logs._local.pending = None
    logs.metric("EmailsSent", 3, eventId="e1")
    line = json.loads(lines.getvalue().strip().splitlines()[-1])
    assert line == {"message": "metric", "EmailsSent": 3, "eventId": "e1"}


def test_a_metric_outside_the_fixed_set_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of the app's metrics"):
        logs.metric("VotesByRoute")


def test_unknown_fields_never_reach_the_log() -> None:
    record = logging.LogRecord("featureboard", logging.INFO, __file__, 1, "request", None, None)
    record.requestId = "r1"
    record.authorization = "Bearer fr_admin_x"
    record.email = "a@b.c"
    line = logs.JsonFormatter().format(record)
    assert json.loads(line)["requestId"] == "r1"
    assert "fr_admin_x" not in line and "a@b.c" not in line


ADMIN_KEY = "fr_admin_acme_k1_s3cr3tS3cr3tS3cr3t"


@pytest.mark.parametrize(
    "leak",
    [
        f"POST /v1/apps/web/feedback?key={ADMIN_KEY} HTTP/1.1",
        f"GET /v1/apps/web/requests?cursor=abc&key={ADMIN_KEY}&limit=5",
        f"GET /unsubscribe?token={ADMIN_KEY}",
        f"Authorization: Bearer {ADMIN_KEY}",
        f"{{'authorization': 'Bearer {ADMIN_KEY}'}}",
        f"x-user-token: {ADMIN_KEY}",
        f"failed for key {ADMIN_KEY} while voting",
    ],
)
def test_credentials_are_redacted_wherever_they_appear(leak: str) -> None:
    assert "s3cr3t" not in logs.redact(leak)
    record = logging.LogRecord("featureboard", logging.ERROR, __file__, 1, leak, None, None)
    assert "s3cr3t" not in logs.JsonFormatter().format(record)


def test_redaction_keeps_what_is_not_a_credential() -> None:
    text = "GET /v1/apps/web/requests?cursor=abc&limit=5 HTTP/1.1"
    assert logs.redact(text) == text


def test_the_local_servers_access_log_has_no_key(capsys) -> None:
    """`chalice local` serves with http.server, whose access line holds the query string."""
    import http.server

    logs._redact_http_server_log()
    handler = http.server.BaseHTTPRequestHandler.__new__(http.server.BaseHTTPRequestHandler)
    handler.client_address = ("127.0.0.1", 1)
    handler.requestline = f"POST /v1/apps/web/feedback?key={ADMIN_KEY} HTTP/1.1"
    handler.log_request(201)
    err = capsys.readouterr().err
    assert "feedback?key=[redacted]" in err and "s3cr3t" not in err
