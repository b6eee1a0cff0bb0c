"""The local stack's snapshot file: written whole or not at all, read back whole."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.local_stack import short_line
from tools.snapshot import Snapshot, read_snapshot, write_snapshot

ITEM = {"pk": {"S": "T#demo#A#web#REQS"}, "sk": {"S": "R#1"}, "title": {"S": "Dark mode"}}


def test_a_failed_save_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    write_snapshot(path, Snapshot(items=[ITEM]))
    before = path.read_bytes()

    def scan_that_fails() -> Iterator[str]:
        yield json.dumps(ITEM)
        raise RuntimeError("an item the scan cannot read")

    with pytest.raises(RuntimeError):
        write_snapshot(path, scan_that_fails())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["table.jsonl"]  # no half file left
    assert read_snapshot(path).items == [ITEM]


def test_an_interrupted_save_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    write_snapshot(path, Snapshot(items=[ITEM]))

    def interrupted() -> Iterator[str]:
        yield json.dumps(ITEM)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_snapshot(path, interrupted())
    assert read_snapshot(path).items == [ITEM]


def test_a_snapshot_keeps_items_unhandled_changes_and_queued_messages(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    record = {"eventID": "e1", "eventName": "INSERT", "dynamodb": {"SequenceNumber": "7"}}
    message = {"body": "{}", "attributes": {}, "delaySeconds": 30}
    write_snapshot(path, Snapshot([ITEM], [record], {"local-stats_on_event": [message]}))
    back = read_snapshot(path)
    assert back.items == [ITEM] and back.records == [record]
    assert back.messages == {"local-stats_on_event": [message]}


def test_a_file_of_bare_items_from_earlier_versions_still_restores(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text(json.dumps(ITEM) + "\n")
    back = read_snapshot(path)
    assert back.items == [ITEM] and back.records == [] and back.messages == {}


def test_a_request_logs_one_short_line_locally() -> None:
    line = json.dumps(
        {
            "level": "INFO",
            "message": "request",
            "route": "list_requests",
            "status": 200,
            "ms": 12.5,
            "tenant": "demo",
            "app": "web",
        }
    )
    assert short_line(line) == "list_requests 200 12.5 ms demo/web"
    assert (
        short_line('127.0.0.1 - - [28/Nov/2026 19:00:00] "GET /v1/health HTTP/1.1" 200 -') is None
    )


def _formatted(level: int, message: str, **fields: object) -> str:
    """A line exactly as the app's own formatter writes it (INFO lines carry no level)."""
    from chalicelib.logs import JsonFormatter

    record = logging.LogRecord("featureboard", level, __file__, 1, message, None, None)
    record.__dict__.update(fields)
    return JsonFormatter().format(record)


def test_per_event_and_metric_lines_stay_out_of_the_local_console() -> None:
    consumed = _formatted(logging.INFO, "event consumed", consumer="stats", tenant="demo")
    assert short_line(consumed) is None
    assert short_line(_formatted(logging.INFO, "metric", tenant="demo")) is None
    failed = _formatted(logging.WARNING, "event consumed", consumer="stats", tenant="demo")
    assert short_line(failed) == "WARNING event consumed demo consumer=stats"
