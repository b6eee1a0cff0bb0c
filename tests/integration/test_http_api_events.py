"""The deployed front door: an HTTP API's catch-all route sends payload 1.0 events, which
carry the real path but no route template. The app must route them as Chalice local does."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.gateway import match
from tests.helpers import Tenant

pytestmark = pytest.mark.usefixtures("api")


def http_api_event(
    method: str,
    path: str,
    *,
    key: str | None = None,
    query: dict[str, list[str]] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An event as API Gateway's HTTP API sends it with payload format 1.0 ($default route)."""
    sent = {"content-type": "application/json", **(headers or {})}
    if key:
        sent["authorization"] = f"Bearer {key}"
    return {
        "version": "1.0",
        "resource": "$default",
        "path": path,
        "httpMethod": method,
        "headers": sent,
        "multiValueHeaders": {k: [v] for k, v in sent.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "httpMethod": method,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": "req-1",
            "resourceId": "$default",
            "resourcePath": "$default",
            "stage": "$default",
        },
        "pathParameters": None,
        "stageVariables": None,
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def call(event: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    from app import app

    reply = app(event, SimpleNamespace(aws_request_id="lambda-req-1"))
    headers = {k.lower(): v for k, v in (reply.get("headers") or {}).items()}
    return reply["statusCode"], json.loads(reply["body"]) if reply["body"] else None, headers


def test_routes_with_path_parameters_query_and_body(tenant: Tenant) -> None:
    base = f"/v1/apps/{tenant.app_id}/requests"
    status, created, _ = call(
        http_api_event(
            "POST",
            base,
            key=tenant.admin_key,
            headers={"x-user-id": "u-http"},
            body={"title": "Calendar sync", "tags": ["sync"]},
        )
    )
    assert status == 201, created
    status, got, headers = call(
        http_api_event("GET", f"{base}/{created['id']}", key=tenant.pub_key)
    )
    assert status == 200 and got["title"] == "Calendar sync"
    assert headers["etag"] == f'"{got["version"]}"'
    status, listed, _ = call(
        http_api_event("GET", base, key=tenant.pub_key, query={"tag": ["sync"], "limit": ["5"]})
    )
    assert status == 200 and [r["id"] for r in listed["items"]] == [created["id"]]


def test_unknown_path_and_wrong_method_answer_the_envelope(tenant: Tenant) -> None:
    status, body, headers = call(http_api_event("GET", "/v1/nothing/here"))
    assert status == 404 and body["error"]["code"] == "not_found"
    assert headers["x-request-id"] == body["requestId"] == "lambda-req-1"
    status, body, _ = call(http_api_event("PUT", "/v1/health"))
    assert status == 405 and body["error"]["code"] == "method_not_allowed"


def test_a_custom_domain_mapping_prefix_is_skipped() -> None:
    status, body, _ = call(http_api_event("GET", "/feedback-api/v1/health"))
    assert status == 200 and body["status"] == "ok"


def test_literal_segments_win_over_parameters() -> None:
    from app import app

    routes = app.routes
    assert match("/v1/apps/web/requests/similar", routes) == (
        "/v1/apps/{appId}/requests/similar",
        {"appId": "web"},
    )
    assert match("/v1/apps/web/requests/r_1", routes) == (
        "/v1/apps/{appId}/requests/{requestId}",
        {"appId": "web", "requestId": "r_1"},
    )
    assert match("/v1/apps/caf%C3%A9", routes) == ("/v1/apps/{appId}", {"appId": "café"})
    assert match("/v1/apps", routes) == ("/v1/apps", {})
    assert match("/v2/apps", routes) is None
