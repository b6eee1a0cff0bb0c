"""`make run`'s stack, started unattended as a script would, used, stopped, started again."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import LocalStack
from tests.helpers import Api, Receiver
from tools.resources import ROOT


def emails(tmp_path: Path, port: int) -> list[dict[str, Any]]:
    creds = json.loads((tmp_path / "credentials.json").read_text())
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AWS_ENDPOINT_URL", "TABLE_NAME", "SIGNING_SECRET")
    }
    env["FEATUREBOARD_LOCAL_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "emails", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert creds["awsEndpointUrl"]
    return json.loads(out.stdout)


def wait_until(check: Any, timeout: float = 300) -> Any:
    """Poll until ``check`` finds something; the deadline is generous for a busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    raise AssertionError("condition not met in time")


def test_local_stack_runs_events_keeps_data_and_stops(tmp_path: Path) -> None:
    stack = LocalStack.on_free_ports(tmp_path)
    port = stack.port
    stack.start()
    receiver = Receiver()
    try:
        creds = json.loads((tmp_path / "credentials.json").read_text())
        assert creds["api"] == f"http://127.0.0.1:{port}/v1" and creds["tenant"] == "demo"
        api = Api(base_url=f"http://127.0.0.1:{port}")
        admin, pub = creds["adminKey"], creds["apps"]["web"]["publishableKey"]
        listed = api.get("/v1/apps/web/requests?sort=top&limit=50", key=pub)
        assert listed.status == 200 and len(listed.body["items"]) >= 30
        hooked = api.patch(
            "/v1/apps/web",
            key=admin,
            body={"webhooks": [{"url": receiver.url, "events": ["request.status_changed"]}]},
        )
        secret = hooked.body["webhooks"][0]["secret"]
        target = next(r for r in listed.body["items"] if r["status"] == "open")
        changed = api.patch(
            f"/v1/apps/web/requests/{target['id']}", key=admin, body={"status": "planned"}
        )
        assert changed.status == 200

        def status_emails() -> list[dict[str, Any]]:
            return [
                e
                for e in emails(tmp_path, port)
                if e["subject"] == f"“{target['title']}” is now Planned"  # the app's name
            ]

        sent = wait_until(status_emails)
        assert len({e["to"] for e in sent}) == len(sent)  # once per follower

        def ours() -> list[dict[str, Any]]:  # the seed's own status changes may come too
            return [
                r
                for r in receiver.received
                if json.loads(r["body"])["data"]["request"]["id"] == target["id"]
            ]

        raw = wait_until(ours)
        assert len(raw) == 1
        stamp, v1 = (p.split("=", 1)[1] for p in raw[0]["headers"]["X-Signature"].split(","))
        assert (
            v1
            == hmac.new(
                secret.encode(), f"{stamp}.".encode() + raw[0]["body"], hashlib.sha256
            ).hexdigest()
        )
        outbox = urllib.request.urlopen(f"http://127.0.0.1:{port}/local/outbox", timeout=10)
        assert "is now Planned" in outbox.read().decode()

        def counted() -> int:
            return api.get("/v1/apps/web/analytics", key=admin).body["requests"]

        # the statistics consumer follows the stream: wait for it to count every request
        wait_until(lambda: counted() == len(listed.body["items"]))
        assert counted() == len(listed.body["items"])
    finally:
        receiver.server.shutdown()
        log = stack.stop()
    assert "saved" in log
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2)

    stack.start()  # a restart keeps the data
    try:
        creds = json.loads((tmp_path / "credentials.json").read_text())
        api = Api(base_url=f"http://127.0.0.1:{port}")
        again = api.get(
            f"/v1/apps/web/requests/{target['id']}", key=creds["apps"]["web"]["publishableKey"]
        )
        assert again.status == 200 and again.body["status"] == "planned"
    finally:
        stack.stop()
