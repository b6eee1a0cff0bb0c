"""The board page of a public request merged into a private board's: it says it was merged,
closes its comments, and links nowhere (the API names no target to a visitor, so there is no
"Merged into…" link leading to "We couldn't find that")."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

from typing import Any

from tests.e2e.test_web import PATIENCE_MS, browser, page, site  # noqa: F401
from tests.e2e.test_workflow_web import _looks


def test_a_request_merged_into_a_hidden_one_says_so_without_a_link(
    page: Any, site: dict[str, Any]
) -> None:
    http, admin = site["http"], site["adminKey"]
    board = {"id": "roadmap", "name": "Roadmap", "visibility": "private"}
    assert http.post("/v1/apps/web/boards", key=admin, body=board).status in (201, 409)
    target = http.post(
        "/v1/apps/web/requests", key=admin, body={"title": "Team-only plan", "board": "roadmap"}
    ).body["id"]
    dupe = http.post(
        "/v1/apps/web/requests",
        key=admin,
        headers={"X-User-Id": "u-merged"},
        body={"title": "Single sign-on for the board"},
    ).body["id"]
    merged = http.post(f"/v1/apps/web/requests/{dupe}/merge", key=admin, body={"into": target})
    assert merged.status == 200, merged.body
    seen = http.get(f"/v1/apps/web/requests/{dupe}", key=site["apps"]["web"]["publishableKey"])
    assert (seen.body["status"], seen.body["duplicateOf"]) == ("duplicate", None)

    page.goto(f"{site['site']}/board/#/r/{dupe}")
    note = page.locator("#merged-note")
    note.wait_for()
    assert note.inner_text().startswith("Merged into another request")
    assert page.locator("#merged-note a, #comments-closed a").count() == 0
    assert target not in page.content()
    assert page.locator("#comment-body").count() == 0
    assert "Comments are closed" in page.locator("#comments-closed").inner_text()
    _looks(page, "request-merged-hidden")
    assert not page.errors
