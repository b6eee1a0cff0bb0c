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

__all__ = [
    "chalice_local",
    "LOCAL_DIR",
    "stack_env",
    "load_stack",
    "run",
    "free_port",
    "wait_for_health",
    "start_moto",
]

LOCAL_DIR = Path(os.environ.get("FEATUREBOARD_LOCAL_DIR", ROOT / ".local"))
STACK_FILE = LOCAL_DIR / "stack.json"
CREDENTIALS_FILE = LOCAL_DIR / "credentials.json"
STATE_FILE = LOCAL_DIR / "table.jsonl"
REGION = "us-east-1"


def chalice_local(port: int, env: dict[str, str], **popen: Any) -> subprocess.Popen[bytes]:
    """`chalice local` for the local stage, in its own process group so it stops as a whole."""
    command = [
        str(Path(sys.executable).parent / "chalice"),
        "local",
        "--stage",
        "local",
        "--no-autoreload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **popen)


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
        **stack.get("env", {}),
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
        made = {
            "tenant": "demo",
            "adminKey": key["adminKey"],
            "apps": {"web": apps.rotate_keys(ctx, admin, app)},
        }
    return {"api": api, "awsEndpointUrl": endpoint, "tableName": stack["tableName"], **made}


def _stop_when_orphaned() -> None:
    """`make` does not pass SIGTERM on to us: when our parent goes, we go too."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="orphan-watch").start()


def save_table(table: str, path: Path) -> int:
    """Every item, as DynamoDB JSON lines: moto keeps nothing when it stops."""
    from chalicelib import aws

    count = 0
    with path.open("w") as out:
        for page in aws.client("dynamodb").get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                out.write(json.dumps(item) + "\n")
                count += 1
    return count


def restore_table(table: str, path: Path) -> int:
    """Put back what ``save_table`` wrote, 25 items a call."""
    from chalicelib import aws

    client = aws.client("dynamodb")
    items = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    for start in range(0, len(items), 25):
        pending = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
    return len(items)


def _provision(stack: dict[str, Any], port: int) -> dict[str, str]:
    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.settings import get_settings

    from .resources import provision

    aws.reset_clients()
    made = provision(stack["tableName"], "featureboard@example.com")
    made["API_BASE_URL"] = f"http://127.0.0.1:{port}"
    os.environ.update(made)
    STACK_FILE.write_text(json.dumps({**stack, "env": made}, indent=2))  # for manage.py
    get_settings.cache_clear()
    get_context.cache_clear()
    return made


def _start_runner(table: str, made: dict[str, str]) -> Any:
    from .event_runner import EventRunner

    runner = EventRunner(
        os.environ["AWS_DEFAULT_REGION"],
        table,
        made["EVENTS_TOPIC_ARN"],
        made["WEBHOOK_QUEUE_URL"],
        made["JOBS_QUEUE_URL"],
    )
    runner.subscribe()
    runner.start_at_latest()
    thread = threading.Thread(target=runner.run_forever, daemon=True, name="event-runner")
    thread.start()
    runner.thread = thread
    return runner


def _serve_pages(creds: dict[str, Any], site_port: int, demo_port: int) -> dict[str, Any]:
    """The board, console and widget on one origin; a third-party demo site on another."""
    import jwt

    from .static_server import serve_static

    site = f"http://127.0.0.1:{site_port}"
    web = creds["apps"]["web"]
    config = {"api": creds["api"], "key": web["publishableKey"], "app": "web", "siteOrigin": site}
    servers = [serve_static(site_port, config), serve_static(demo_port, config)]
    ada = jwt.encode(
        {
            "sub": "user-00",
            "name": "Ada",
            "email": "ada@example.com",
            "exp": int(time.time()) + 7 * 24 * 3600,
        },
        web["userTokenSecret"],
        "HS256",
    )
    return {
        "servers": servers,
        "urls": {
            "board": f"{site}/board/",
            "boardSignedInAsAda": f"{site}/board/?token={ada}",
            "console": f"{site}/admin/",
            "widgetDemo": f"http://127.0.0.1:{demo_port}/widget/demo.html",
            "feedbackFinDemo": f"http://127.0.0.1:{demo_port}/widget/feedbackfin.html",
        },
    }


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
    env |= _provision(stack, port)
    if moto is not None and STATE_FILE.exists():
        restored = restore_table(stack["tableName"], STATE_FILE)
        print(f"restored {restored} items from {STATE_FILE}", flush=True)
    runner = _start_runner(stack["tableName"], env)

    from chalicelib.context import get_context

    api = f"http://127.0.0.1:{port}/v1"
    creds = _credentials(get_context(), api, endpoint, stack)
    CREDENTIALS_FILE.write_text(json.dumps(creds, indent=2))

    site_port = int(os.environ.get("STATIC_PORT", port + 1))
    demo_port = int(os.environ.get("DEMO_PORT", port + 2))
    pages = _serve_pages(creds, site_port, demo_port)

    chalice = chalice_local(port, {**os.environ, **env})
    stopped = threading.Event()

    def stop(*_: Any) -> None:
        if stopped.is_set():
            return
        stopped.set()
        runner.stop()
        runner.thread.join(timeout=30)  # let its current pass end before the table is saved
        for server in pages["servers"]:
            server.shutdown()
        if chalice.poll() is None:
            os.killpg(chalice.pid, signal.SIGTERM)
            try:
                chalice.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(chalice.pid, signal.SIGKILL)
        if moto is not None:
            saved = save_table(stack["tableName"], STATE_FILE)
            print(f"saved {saved} items to {STATE_FILE}", flush=True)
            moto.stop()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    _stop_when_orphaned()
    try:
        wait_for_health(f"{api}/health")
        print(
            json.dumps(
                {
                    "ready": api,
                    "credentials": str(CREDENTIALS_FILE),
                    **pages["urls"],
                    "outbox": f"http://127.0.0.1:{port}/local/outbox",
                    "tenant": "demo",
                    "adminKey": creds["adminKey"],
                    "publishableKey": creds["apps"]["web"]["publishableKey"],
                },
                indent=2,
            ),
            flush=True,
        )
        print(
            "Ctrl-C stops everything (the data is kept in .local/ for the next start).", flush=True
        )
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
