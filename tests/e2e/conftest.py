"""A real stack per test session: moto's server and `chalice local`, talked to over HTTP."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.context import get_context
from chalicelib.settings import get_settings
from tests.helpers import Api, Tenant, new_tenant
from tools.local_stack import chalice_local, free_ports, start_moto, wait_for_health
from tools.resources import ensure_table


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, Any]]:
    moto_port, api_port = free_ports(2)
    moto = start_moto(moto_port)
    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    get_settings.cache_clear()
    get_context.cache_clear()
    aws.reset_clients()
    ensure_table(aws.client("dynamodb"), get_settings().table_name)
    chalice = chalice_local(
        api_port, dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{api_port}"
    try:
        wait_for_health(f"{base}/v1/health")
        yield {"base": base, "endpoint": endpoint}
    finally:
        chalice.terminate()
        chalice.wait(timeout=10)
        moto.stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)
        get_settings.cache_clear()
        get_context.cache_clear()
        aws.reset_clients()


@pytest.fixture
def http(stack: dict[str, Any]) -> Api:
    return Api(base_url=stack["base"])


@pytest.fixture
def tenant(http: Api) -> Tenant:
    return new_tenant(http)


@pytest.fixture
def other(http: Api) -> Tenant:
    return new_tenant(http)
