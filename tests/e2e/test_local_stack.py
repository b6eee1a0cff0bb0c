"""`make run`'s stack as a careless operator meets it: killed, stopped mid-flow, started twice,
and its command line used beside it or without it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import LocalStack, processes_of
from tests.helpers import Api, Receiver
from tools.local_stack import free_port
from tools.resources import ROOT

SEEDED = 39  # tools/seed.py's requests
BANNER_END = "Ctrl-C stops everything"  # the banner's last line


def wait_until(check: Callable[[], Any], timeout: float = 180, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; a deadline, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {timeout:.0f} s")
        time.sleep(0.25)


def manage(folder: Path, *args: str, endpoint: str | None = None) -> subprocess.CompletedProcess:
    """`manage.py ARGS` as an operator runs it beside the stack in ``folder``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AWS_ENDPOINT_URL", "TABLE_NAME", "SIGNING_SECRET")
    }
    env["FEATUREBOARD_LOCAL_DIR"] = str(folder)
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def credentials(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "credentials.json").read_text())


def counted_requests(api: Api, admin: str) -> int:
    return api.get("/v1/apps/web/analytics", key=admin).body.get("requests", 0)


def listed_requests(api: Api, key: str) -> list[dict[str, Any]]:
    found, cursor = [], ""
    while True:
        page = api.get(f"/v1/apps/web/requests?limit=100{cursor}", key=key).body
        found += page["items"]
        if not page.get("nextCursor"):
            return found
        cursor = f"&cursor={page['nextCursor']}"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One stack, freshly seeded, with the seed's own events handled."""
    stack = LocalStack.on_free_ports(tmp_path_factory.mktemp("stack"))
    stack.start()
    try:
        api = Api(base_url=f"http://127.0.0.1:{stack.port}")
        admin = credentials(stack.folder)["adminKey"]
        wait_until(lambda: counted_requests(api, admin) == SEEDED, what="the seed is counted")
        wait_until(lambda: BANNER_END in stack.log.read_text(), what="the banner is printed")
        yield stack
    finally:
        stack.stop()


def test_seeding_sends_no_email(running: LocalStack) -> None:
    out = manage(running.folder, "emails", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_the_banner_comes_last_and_requests_log_one_short_line(running: LocalStack) -> None:
    api = Api(base_url=f"http://127.0.0.1:{running.port}")
    assert api.get("/v1/apps/web/requests?limit=5", key=credentials(running.folder)["adminKey"])

    def logged() -> str | None:
        text = running.log.read_text()
        return text if "list_requests 200" in text else None

    log = wait_until(logged, timeout=120, what="the request is logged")
    after = log.split(BANNER_END, 1)[1].splitlines()[1:]
    assert after, log[-2000:]
    for line in after:  # only requests since the banner, one short line each
        route, status, *_ = line.split()
        assert route.isidentifier() and status.isdigit() and len(line) < 120, line


def test_manage_with_the_stacks_endpoint_preset_finds_its_signing_secret(
    running: LocalStack,
) -> None:
    endpoint = credentials(running.folder)["awsEndpointUrl"]
    out = manage(running.folder, "key", "create", "demo", "--json", endpoint=endpoint)
    assert out.returncode == 0, out.stderr
    made = json.loads(out.stdout)
    api = Api(base_url=f"http://127.0.0.1:{running.port}")
    assert api.get("/v1/apps", key=made["adminKey"]).status == 200  # signed with the secret


def test_manage_says_start_make_run_when_the_stack_is_down(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "credentials.json").write_text(json.dumps({"awsEndpointUrl": dead}))
    out = manage(tmp_path, "tenant", "list")
    assert out.returncode == 1
    assert "start `make run` first" in out.stderr
    assert "EndpointConnectionError" not in out.stderr and "Traceback" not in out.stderr


def test_killed_stack_keeps_writes_from_before_the_kill(tmp_path: Path) -> None:
    stack = LocalStack.on_free_ports(tmp_path)
    stack.start()
    try:
        api = Api(base_url=f"http://127.0.0.1:{stack.port}")
        admin = credentials(tmp_path)["adminKey"]
        made = api.post(
            "/v1/apps/web/requests", key=admin, body={"title": "Written before a crash"}
        )
        assert made.status == 201
        snapshot = tmp_path / "table.jsonl"
        wait_until(
            lambda: snapshot.exists() and made.body["id"] in snapshot.read_text(),
            timeout=60,
            what="a snapshot has it",
        )
    finally:
        stack.kill()  # on success as the crash under test; on failure to leave nothing behind
    wait_until(lambda: not stack.processes(), timeout=30, what="no process of the stack is left")

    stack.start()  # the ports are free again: the old children are gone
    try:
        api = Api(base_url=f"http://127.0.0.1:{stack.port}")
        again = api.get(
            f"/v1/apps/web/requests/{made.body['id']}", key=credentials(tmp_path)["adminKey"]
        )
        assert again.status == 200 and again.body["title"] == "Written before a crash"
    finally:
        stack.stop()
    assert not stack.processes()


def test_failed_start_leaves_no_process_and_names_the_port_holder(tmp_path: Path) -> None:
    stack = LocalStack.on_free_ports(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", stack.site_port))
        holder.listen()
        env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
        env |= {
            "PORT": str(stack.port),
            "STATIC_PORT": str(stack.site_port),
            "DEMO_PORT": str(stack.demo_port),
            "FEATUREBOARD_LOCAL_DIR": str(tmp_path),
        }
        out = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "local", "run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert out.returncode != 0
    assert f"port {stack.site_port}" in out.stderr and f"pid {os.getpid()}" in out.stderr
    assert not processes_of(tmp_path)


def test_restart_resumes_the_stream_where_consumers_stopped(tmp_path: Path) -> None:
    stack = LocalStack.on_free_ports(tmp_path)
    stack.start()
    receiver = Receiver()
    try:
        api = Api(base_url=f"http://127.0.0.1:{stack.port}")
        admin = credentials(tmp_path)["adminKey"]
        hooked = api.patch(
            "/v1/apps/web",
            key=admin,
            body={"webhooks": [{"url": receiver.url, "events": ["request.created"]}]},
        )
        assert hooked.status == 200

        def create(n: int) -> str:
            made = api.post("/v1/apps/web/requests", key=admin, body={"title": f"Burst {n}"})
            assert made.status == 201, made.body
            return made.body["id"]

        with ThreadPoolExecutor(6) as pool:
            created = set(pool.map(create, range(40)))
        stack.stop()  # at once: most of the burst's events are still on their way

        stack.start()
        api = Api(base_url=f"http://127.0.0.1:{stack.port}")
        admin = credentials(tmp_path)["adminKey"]
        total = len(listed_requests(api, admin))
        assert total == SEEDED + len(created)
        wait_until(
            lambda: counted_requests(api, admin) == total,
            what=f"analytics count all {total} requests (a recount)",
        )

        def hooked_ids() -> set[str]:
            return {e["data"]["request"]["id"] for e in receiver.events("request.created")}

        wait_until(lambda: created <= hooked_ids(), what="every created request made its webhook")
        assert counted_requests(api, admin) == total  # nothing counted twice either
    finally:
        receiver.server.shutdown()
        stack.stop()


def test_local_aws_command_serves_the_patched_moto_alone_and_stops(tmp_path: Path) -> None:
    import boto3

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    env["FEATUREBOARD_LOCAL_DIR"] = str(tmp_path)
    with (tmp_path / "aws.log").open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "local", "aws", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        client = boto3.client(
            "dynamodb",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

        def answers() -> bool:
            try:
                return isinstance(client.list_tables()["TableNames"], list)
            except Exception:
                return False

        wait_until(answers, timeout=60, what="the local AWS answers")
        assert "patched" in (tmp_path / "aws.log").read_text()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert not processes_of(tmp_path)
