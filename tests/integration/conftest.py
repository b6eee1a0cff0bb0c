"""In-process moto and chalice's test client: fast, no network, the real boto3 calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib import aws
from chalicelib.context import get_context
from chalicelib.settings import get_settings
from tests.helpers import Api, Tenant, new_tenant
from tools.moto_patches import install
from tools.resources import ensure_table


def _fresh() -> None:
    get_settings.cache_clear()
    get_context.cache_clear()
    aws.reset_clients()


@pytest.fixture(scope="session")
def aws_mock() -> Iterator[None]:
    install()
    with mock_aws():
        _fresh()
        ensure_table(aws.client("dynamodb"), get_settings().table_name)
        yield
    _fresh()


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
