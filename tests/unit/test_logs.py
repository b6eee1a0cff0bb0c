"""Logs are JSON with the request id, and carry CloudWatch embedded metrics; no secrets."""

from __future__ import annotations

import io
import json
import logging

from chalicelib import logs


def test_metric_lines_are_embedded_metric_format() -> None:
    log = logs.logger()
    log.setLevel(logging.INFO)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.JsonFormatter())
    log.addHandler(handler)
    try:
        logs.metric("EmailsSent", 3, eventId="e1")
    finally:
        log.removeHandler(handler)
    line = json.loads(sink.getvalue().strip().splitlines()[-1])
    assert line["EmailsSent"] == 3 and line["eventId"] == "e1"
    definition = line["_aws"]["CloudWatchMetrics"][0]
    assert definition["Namespace"] == "Featureboard"
    assert definition["Metrics"] == [{"Name": "EmailsSent", "Unit": "Count"}]


def test_unknown_fields_never_reach_the_log() -> None:
    record = logging.LogRecord("featureboard", logging.INFO, __file__, 1, "request", None, None)
    record.requestId = "r1"
    record.authorization = "Bearer fr_admin_x"
    record.email = "a@b.c"
    line = logs.JsonFormatter().format(record)
    assert json.loads(line)["requestId"] == "r1"
    assert "fr_admin_x" not in line and "a@b.c" not in line
