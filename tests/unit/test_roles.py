"""The role table: what each role may reach, including routes it does not name."""

from __future__ import annotations

import pytest

from chalicelib.roles import needed

REQ = "/v1/apps/{appId}/requests/{requestId}"


@pytest.mark.parametrize(
    ("method", "path", "least"),
    [
        ("GET", f"{REQ}/comments", "viewer"),
        ("POST", f"{REQ}/comments", "moderator"),
        ("PATCH", f"{REQ}/comments/{{commentId}}", "moderator"),
        ("PUT", f"{REQ}/comments/{{commentId}}/reactions/{{reaction}}", "moderator"),
        ("GET", "/v1/apps/{appId}/moderation", "moderator"),
        ("POST", f"{REQ}/approve", "moderator"),
        ("PUT", "/v1/apps/{appId}/users/{userId}/ban", "moderator"),
        ("DELETE", REQ, "admin"),
        ("POST", "/v1/apps/{appId}/boards", "admin"),  # a route the table does not name
        ("GET", "/v1/apps/{appId}/boards", "viewer"),
        ("GET", "/v1/apps/{appId}/export", "admin"),
        ("POST", "/v1/members", "admin"),
        ("PATCH", "/v1/members/{memberId}", "owner"),
    ],
)
def test_least_role_of_a_route(method: str, path: str, least: str) -> None:
    assert needed(method, path) == least
