"""schemathesis over ``/v1/openapi.json`` against the running local stack: every operation,
with real keys, must answer a status, media type, headers and body that the document lists,
and never a 500.

Its own `chalice local` beside the session's, on the same moto, with both rate limits off
(``0`` = no limit): a few hundred calls a minute from one key is the point here, not abuse.
The path's app and request are real ones, so the calls reach the use cases behind the 404s;
the app whose keys it rotates is a spare, so the other operations keep working keys.
Bounded for CI on 2 cores: a few examples per operation, each call with a timeout.

Every check but one: "schema-valid request rejected" (ST202) is off, because some rules of
the input models are not JSON Schema (text is measured after trimming and refuses control
characters, a PATCH must name a field, cursors are signed, ``full`` wants ``format=jsonl``),
so the document's schemas are looser than what the API accepts. A request the document says
is invalid must still be refused (negative cases), and every answer must match the document.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from app import api
from chalicelib.settings import get_settings
from tests.helpers import Api, Tenant, new_tenant
from tools.local_stack import chalice_local, free_port, wait_for_health
from tools.resources import provision

MAX_EXAMPLES = 20
VERSION = "fuzzed"
CONFIG = schemathesis.Config.from_dict(
    {
        # the test sends real credentials: a generated "bad" Authorization header would be
        # replaced by a good key, and would be no negative case at all
        "generation": {"with-security-parameters": False},
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            # an oversized body refused with 413 is refused all the same
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
            },
        },
    }
)
AUTH = {spec.name: spec.auth for spec in api.specs}


class _Refuse(BaseHTTPRequestHandler):
    """GitHub answering 401 to everything: the API must turn that into a 409, never a 5xx."""

    def _refuse(self) -> None:
        body = b'{"message": "Bad credentials"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _refuse

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def refusing_github() -> Iterator[str]:
    """An answer at once, on its own thread: the API calling itself could wait on itself."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def fuzz_base(
    stack: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, refusing_github: str
) -> Iterator[str]:
    """Its API's log (with any traceback behind a 500) is chalice.log in the test's tmp dir."""
    port = free_port()
    log = tmp_path_factory.mktemp("fuzz") / "chalice.log"
    made = provision(get_settings().table_name, "featureboard@example.com")  # queues, bucket
    env = {
        **os.environ,
        **made,
        "AWS_ENDPOINT_URL": stack["endpoint"],
        "KEY_REQUESTS_PER_MINUTE": "0",
        "CALLER_REQUESTS_PER_MINUTE": "0",
        "ANONYMOUS_WRITES_PER_MINUTE": "0",
        # no network here: "GitHub" is a local server that refuses every call (a 409 to us)
        "GITHUB_API_URL": refusing_github,
    }
    with log.open("wb") as out:
        process = chalice_local(port, env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(f"{base}/v1/health")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def fuzz_tenant(fuzz_base: str) -> dict[str, Any]:
    """A tenant with an app, a request with a vote and a comment, and a spare app."""
    tenant: Tenant = new_tenant(Api(base_url=fuzz_base))
    tenant.make_app("spare")
    request = tenant.create("Dark mode", tags=["ui"])
    token = tenant.token("fuzz-user", name="Fuzz", email="fuzz@example.com")
    voted = tenant.api.post(
        tenant.path(f"/requests/{request['id']}/vote"), key=tenant.pub_key, token=token
    )
    assert voted.status == 200, voted.body
    said = tenant.api.post(
        tenant.path(f"/requests/{request['id']}/comments"),
        key=tenant.pub_key,
        token=token,
        body={"body": "Yes please"},
    )
    assert said.status == 201, said.body
    return {"tenant": tenant, "request": request["id"], "token": token, "base": fuzz_base}


def _operations() -> list[Any]:
    """The document the API serves, built here too, so the operations are known when collected."""
    from chalicelib.openapi import document

    loaded = schemathesis.openapi.from_dict(document(api.specs, VERSION), config=CONFIG)
    return [result.ok() for result in loaded.get_all_operations()]


OPERATIONS = _operations()


def _credentials(name: str, found: dict[str, Any]) -> dict[str, str]:
    tenant: Tenant = found["tenant"]
    if AUTH[name] == "admin":
        return {"Authorization": f"Bearer {tenant.admin_key}"}
    if AUTH[name] == "key":
        return {"Authorization": f"Bearer {tenant.pub_key}", "X-User-Token": found["token"]}
    return {}


def _path(operation: Any, found: dict[str, Any]) -> dict[str, str]:
    """The real app and request (a random request id where the call would delete it)."""
    names = {p.name for p in operation.path_parameters}
    name = operation.definition.raw["operationId"]
    aimed = {}
    if "appId" in names:
        aimed["appId"] = "spare" if name == "rotate_keys" else found["tenant"].app_id
    if "requestId" in names and operation.method.upper() != "DELETE":
        aimed["requestId"] = found["request"]
    return aimed


def test_the_served_openapi_document_is_the_one_fuzzed(fuzz_tenant: dict[str, Any]) -> None:
    from chalicelib.openapi import document

    served = requests.get(f"{fuzz_tenant['base']}/v1/openapi.json", timeout=10).json()
    assert served["paths"] == document(api.specs, VERSION)["paths"]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_every_operation_answers_as_its_openapi_document_says(
    operation: Any, fuzz_tenant: dict[str, Any]
) -> None:
    headers = _credentials(operation.definition.raw["operationId"], fuzz_tenant)
    aimed = _path(operation, fuzz_tenant)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=aimed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=aimed),
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases on every run: CI fails on a change, not on luck
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=fuzz_tenant["base"],
            headers=headers,
            timeout=10,
        )

    call()
