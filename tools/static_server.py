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
from urllib.parse import urlsplit

from .resources import ROOT

__all__ = ["serve_static", "content_security_policy"]

STATIC = ROOT / "static"


def content_security_policy(api: str) -> str:
    """The site's policy, as CloudFront sends it (templates/site.json): scripts only from the
    site itself (no inline script, no eval), calls only to the site and the API; images also
    from any https address (an app's logo, images in changelog entries)."""
    parts = urlsplit(api)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: https:; connect-src 'self' {origin}".rstrip()
        + "; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


class _Handler(SimpleHTTPRequestHandler):
    config: dict[str, Any] = {}
    csp: str | None = None

    def end_headers(self) -> None:
        # module scripts load cross-origin only with CORS (the widget on a customer's site)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
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


def serve_static(port: int, config: dict[str, Any], csp: bool = False) -> ThreadingHTTPServer:
    """Start a server on 127.0.0.1:port in a daemon thread; ``shutdown()`` stops it. With
    ``csp`` every answer carries the site's Content-Security-Policy (the demo "customer"
    site has its own rules, so it has none)."""
    policy = content_security_policy(config.get("api", "")) if csp else None
    handler = type("Handler", (_Handler,), {"config": config, "csp": policy})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(STATIC)))
    except OSError as exc:
        raise RuntimeError(
            f"cannot serve the web pages on port {port} ({exc.strerror}); "
            "set STATIC_PORT / DEMO_PORT to free ports"
        ) from None
    threading.Thread(target=server.serve_forever, daemon=True, name=f"static-{port}").start()
    return server
