"""The laptop stack: moto's server for AWS, the table, demo data, and ``chalice local``.

``make run`` calls ``run()``. With ``AWS_ENDPOINT_URL`` already set it uses that endpoint
instead of starting moto, so any emulator (or a counting proxy) can stand behind it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from .resources import ROOT

__all__ = ["LOCAL_DIR", "stack_env", "load_stack", "run", "free_port", "wait_for_health",
           "start_moto"]

LOCAL_DIR = Path(os.environ.get("FEATUREBOARD_LOCAL_DIR", ROOT / ".local"))
STACK_FILE = LOCAL_DIR / "stack.json"
CREDENTIALS_FILE = LOCAL_DIR / "credentials.json"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_stack() -> dict[str, Any]:
    """The local stack's settings; the signing secret is made once and kept."""
    LOCAL_DIR.mkdir(exist_ok=True)
    stack: dict[str, Any] = json.loads(STACK_FILE.read_text()) if STACK_FILE.exists() else {}
    stack.setdefault("signingSecret", secrets.token_urlsafe(32))
    stack.setdefault("tableName", "featureboard-local")
    STACK_FILE.write_text(json.dumps(stack, indent=2))
    return stack


def stack_env(endpoint: str, stack: dict[str, Any]) -> dict[str, str]:
    """Environment for anything that talks to the local stack (dummy AWS credentials)."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", REGION),
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        "TABLE_NAME": stack["tableName"],
        "SIGNING_SECRET": stack["signingSecret"],
        "STAGE": "local",
    }


def wait_for_health(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


def start_moto(port: int) -> Any:
    """moto's server on 127.0.0.1:port in this process, quiet, with DynamoDB's semantics."""
    import logging

    from moto.server import ThreadedMotoServer

    from .moto_patches import install

    install()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def _credentials(ctx: Any, api: str, endpoint: str, stack: dict[str, Any]) -> dict[str, Any]:
    """Seed the demo once; on later starts make fresh keys (old ones are shown only once)."""
    from chalicelib.auth import Caller
    from chalicelib.services import apps, tenants

    from .seed import seed_demo

    if ctx.store.get_tenant("demo") is None:
        made = seed_demo(ctx)
    else:
        key = tenants.create_key(ctx, "demo", "make run")
        admin = Caller("demo", "admin", key["keyId"], "127.0.0.1")
        app = ctx.store.get_app("demo", "web")
        made = {"tenant": "demo", "adminKey": key["adminKey"],
                "apps": {"web": apps.rotate_keys(ctx, admin, app)}}
    return {"api": api, "awsEndpointUrl": endpoint, "tableName": stack["tableName"], **made}


def _stop_when_orphaned() -> None:
    """`make` does not pass SIGTERM on to us: when our parent goes, we go too."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="orphan-watch").start()


def run(port: int) -> int:
    stack = load_stack()
    moto = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        moto_port = free_port()
        moto = start_moto(moto_port)
        endpoint = f"http://127.0.0.1:{moto_port}"
        print(f"moto server (local AWS) on {endpoint}", flush=True)
    env = stack_env(endpoint, stack)
    os.environ.update(env)

    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.settings import get_settings

    from .resources import ensure_table

    get_settings.cache_clear()
    get_context.cache_clear()
    aws.reset_clients()
    if ensure_table(aws.client("dynamodb"), stack["tableName"]):
        print(f"created table {stack['tableName']}", flush=True)
    api = f"http://127.0.0.1:{port}/v1"
    creds = _credentials(get_context(), api, endpoint, stack)
    CREDENTIALS_FILE.write_text(json.dumps(creds, indent=2))

    chalice = subprocess.Popen(
        [str(Path(sys.executable).parent / "chalice"), "local", "--stage", "local", "--no-autoreload",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True)

    def stop(*_: Any) -> None:
        if chalice.poll() is None:
            os.killpg(chalice.pid, signal.SIGTERM)
            try:
                chalice.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(chalice.pid, signal.SIGKILL)
        if moto is not None:
            moto.stop()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    _stop_when_orphaned()
    try:
        wait_for_health(f"{api}/health")
        print(json.dumps({"ready": api, "credentials": str(CREDENTIALS_FILE),
                          "tenant": "demo", "adminKey": creds["adminKey"],
                          "publishableKey": creds["apps"]["web"]["publishableKey"]}, indent=2),
              flush=True)
        print("Ctrl-C stops everything.", flush=True)
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
