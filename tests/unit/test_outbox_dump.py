"""The local outbox reads moto's dump again when it fails: moto checks each value before it
serialises them all, and a queue taking a message in between makes the dump a 500."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.notify import outbox


def _moto_like(failures: int, status: int = 500) -> tuple[ThreadingHTTPServer, list[int]]:
    answered: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code = status if len(answered) < failures else 200
            answered.append(code)
            body = json.dumps({"ses": {"RawMessage": [{"raw_data": "x"}]}}).encode()
            self.send_response(code)
            self.end_headers()
            self.wfile.write(body if code == 200 else b"TypeError")

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, answered


def test_a_failed_dump_is_asked_for_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox.time, "sleep", lambda _: None)
    server, answered = _moto_like(failures=2)
    try:
        found = outbox._raw(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert found == [{"raw_data": "x"}] and answered == [500, 500, 200]


def test_a_dump_that_keeps_failing_or_another_error_is_the_callers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import urllib.error

    monkeypatch.setattr(outbox.time, "sleep", lambda _: None)
    for failures, status, tries in ((99, 500, outbox.DUMP_ATTEMPTS), (1, 404, 1)):
        server, answered = _moto_like(failures, status)
        try:
            with pytest.raises(urllib.error.HTTPError):
                outbox._raw(f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
        assert len(answered) == tries
