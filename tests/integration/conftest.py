"""moto's server in this process and chalice's test client: the real boto3 calls, no network.

moto's server, not its decorator: with boto3 1.44 the decorator routes DynamoDB Streams
calls to DynamoDB ("Not yet implemented"), while the server answers them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.context import get_context
from chalicelib.settings import get_settings
from tests.helpers import Api, Tenant, new_tenant
from tools.event_runner import EventRunner
from tools.local_stack import free_port, start_moto
from tools.resources import provision


def _fresh() -> None:
    get_settings.cache_clear()
    get_context.cache_clear()
    aws.reset_clients()


@pytest.fixture(scope="session")
def aws_mock() -> Iterator[dict[str, str]]:
    port = free_port()
    server = start_moto(port)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    _fresh()
    made = provision(get_settings().table_name, "featureboard@example.com")
    os.environ.update(made)
    _fresh()
    try:
        yield made
    finally:
        server.stop()
        for name in (*made, "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
        _fresh()


@pytest.fixture(scope="session")
def _session_runner(aws_mock: dict[str, str]) -> EventRunner:
    found = EventRunner(
        "us-east-1",
        aws_mock["TABLE_NAME"],
        aws_mock["EVENTS_TOPIC_ARN"],
        aws_mock["WEBHOOK_QUEUE_URL"],
        aws_mock["JOBS_QUEUE_URL"],
    )
    found.subscribe()
    found.start_at_latest()
    return found


@pytest.fixture(autouse=True)
def _events_from_here(request: pytest.FixtureRequest) -> None:
    """A test that handles events starts the stream where it starts, before its own fixtures
    write: what earlier tests wrote and never handled is theirs (each test makes its own
    tenant), and handling it all again here made the wait grow with the session."""
    if "runner" in request.fixturenames:
        request.getfixturevalue("_session_runner").skip_to_latest()


@pytest.fixture
def runner(_session_runner: EventRunner) -> EventRunner:
    """The local event sources, from this test's first write on (see ``_events_from_here``);
    messages earlier tests left queued are handled first."""
    _session_runner.drain(timeout=600)  # a ceiling, on a busy machine
    return _session_runner


@pytest.fixture
def ctx(aws_mock: None) -> Any:
    return get_context()


@pytest.fixture
def api(aws_mock: None) -> Iterator[Api]:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        yield Api(chalice_client=client)


@pytest.fixture
def tenant(api: Api) -> Tenant:
    return new_tenant(api)


@pytest.fixture
def open_tenant(api: Api) -> Tenant:
    """A tenant whose app allows anonymous writes."""
    return new_tenant(api, allow_anonymous=True)


@pytest.fixture
def other(api: Api) -> Tenant:
    return new_tenant(api)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``settings_env(NAME="value", …)``: settings from these variables for this test only."""

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        get_context.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()
    get_context.cache_clear()


@pytest.fixture(scope="module")
def own_moto() -> Iterator[str]:
    """A moto server of a module's own, in another process: what the module makes there
    (a stack, a Lambda function) does not reach the shared one the other tests use."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto did not start"
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def own_aws(own_moto: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 in this test talks to the module's own moto server."""
    for name, value in (
        ("AWS_ENDPOINT_URL", own_moto),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ):
        monkeypatch.setenv(name, value)
