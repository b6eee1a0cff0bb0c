"""`make run`'s stack, started unattended the way a script would, then stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import Api
from tools.local_stack import free_port, wait_for_health
from tools.resources import ROOT


def test_local_stack_serves_the_demo_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    env |= {"PORT": str(port), "FEATUREBOARD_LOCAL_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "local", "run"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_health(f"http://127.0.0.1:{port}/v1/health", timeout=120)
        creds = json.loads((tmp_path / "credentials.json").read_text())
        assert creds["api"] == f"http://127.0.0.1:{port}/v1" and creds["tenant"] == "demo"
        assert creds["awsEndpointUrl"].startswith("http://127.0.0.1:")
        api = Api(base_url=f"http://127.0.0.1:{port}")
        listed = api.get("/v1/apps/web/requests?sort=top&limit=50",
                         key=creds["apps"]["web"]["publishableKey"])
        assert listed.status == 200 and len(listed.body["items"]) >= 30
        assert listed.body["items"][0]["votes"] >= listed.body["items"][-1]["votes"]
        apps = api.get("/v1/apps", key=creds["adminKey"]).body["items"]
        assert [a["id"] for a in apps] == ["web"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode()[-2000:]
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2)
