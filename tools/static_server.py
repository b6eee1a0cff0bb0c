"""Serve static/ locally, as S3 + CloudFront would, plus a ``/config.json`` for the pages.

Two origins are started by the local stack: the site (board, console, widget script) and a
"third-party" demo site that embeds the widget, so cross-origin use is exercised.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .resources import ROOT

__all__ = ["serve_static"]

STATIC = ROOT / "static"


class _Handler(SimpleHTTPRequestHandler):
    config: dict[str, Any] = {}

    def end_headers(self) -> None:
        # module scripts load cross-origin only with CORS (the widget on a customer's site)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/config.json":
            body = json.dumps(self.config).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        return


def serve_static(port: int, config: dict[str, Any]) -> ThreadingHTTPServer:
    """Start a server on 127.0.0.1:port in a daemon thread; ``shutdown()`` stops it."""
    handler = type("Handler", (_Handler,), {"config": config})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(STATIC)))
    except OSError as exc:
        raise SystemExit(
            f"cannot serve the web pages on port {port} ({exc.strerror}); "
            "set STATIC_PORT / DEMO_PORT to free ports"
        ) from None
    threading.Thread(target=server.serve_forever, daemon=True, name=f"static-{port}").start()
    return server
