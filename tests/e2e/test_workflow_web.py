"""Issue 15 (part A) in Chromium: the console's status editor and board manager, triage by
board, and the board page's board switcher with the app's own status names and colours."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_web import PATIENCE_MS, browser, shot, sign_in, site  # noqa: F401


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A console page that accepts confirm() (deleting a board asks first)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PATIENCE_MS)
    found = context.new_page()
    found.errors = []
    found.on("pageerror", lambda e: found.errors.append(str(e)))
    found.on("dialog", lambda d: d.accept())
    yield found
    context.close()


def _app(site: dict[str, Any]) -> dict[str, Any]:
    return site["http"].get("/v1/apps/web", key=site["adminKey"]).body


def _looks(page: Any, name: str) -> None:
    """Screenshots at 1280 and 375 px, light and dark."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)
            shot(page, f"{name}-{width}-{scheme}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_status_editor_renames_recolours_reorders_adds_and_removes(
    page: Any, site: dict[str, Any]
) -> None:
    sign_in(page, site, "workflow")
    rows = page.locator("#status-list li")
    rows.first.wait_for()
    assert rows.count() == 7
    review = page.locator('li[data-status="under_review"]')
    review.get_by_label("Name of under_review").fill("Triage 🔎")
    review.get_by_label("Colour of under_review").fill("#aa3300")
    review.get_by_role("button", name="Move Under review up").click()
    page.fill("#status-new-id", "needs_info")
    page.fill("#status-new-name", "Needs info")
    page.click("#status-add button[type=submit]")
    page.locator('li[data-status="needs_info"]').wait_for()
    _looks(page, "console-statuses")
    page.click("#save-statuses")
    page.wait_for_selector("#messages >> text=Statuses saved.")
    statuses = _app(site)["statuses"]
    assert [s["id"] for s in statuses][:2] == ["under_review", "open"]
    assert statuses[0]["name"] == "Triage 🔎" and statuses[0]["color"] == "#aa3300"
    assert "needs_info" in [s["id"] for s in statuses]

    used = site["http"].get("/v1/apps/web/requests?status=planned", key=site["adminKey"])
    assert used.body["items"], "the demo data has planned requests"
    page.locator('li[data-status="planned"]').get_by_role("button", name="Remove Planned").click()
    page.click("#save-statuses")
    page.locator("#replace-with").wait_for()
    page.select_option("#replace-with", "in_progress")
    page.get_by_role("button", name="Move and save").click()
    page.wait_for_selector("#messages >> text=requests of the removed statuses moved")
    assert "planned" not in [s["id"] for s in _app(site)["statuses"]]
    moved = site["http"].get("/v1/apps/web/requests?status=planned", key=site["adminKey"])
    assert moved.status == 400  # no such status any more
    assert not page.errors


def test_the_board_manager_creates_edits_and_deletes_boards(
    page: Any, site: dict[str, Any]
) -> None:
    sign_in(page, site, "workflow")
    for board_id, name, visibility in (
        ("mobile", "Mobile", "public"),
        ("inner", "Inner", "private"),
    ):
        page.fill("#board-new-id", board_id)
        page.fill("#board-new-name", name)
        page.select_option("#board-new-visibility", visibility)
        page.click("#board-add button[type=submit]")
        page.locator(f'#board-table tr[data-board="{board_id}"]').wait_for()
    row = page.locator('#board-table tr[data-board="mobile"]')
    row.get_by_label("Name of board mobile").fill("Mobile apps 📱")
    row.get_by_label("Visibility of board mobile").select_option("signed_in")
    row.get_by_role("button", name="Save").click()
    page.wait_for_selector("#messages >> text=Board mobile saved.")
    boards = {b["id"]: b for b in _app(site)["boards"]}
    assert (
        boards["mobile"]["name"] == "Mobile apps 📱"
        and boards["mobile"]["visibility"] == "signed_in"
    )
    assert boards["inner"]["visibility"] == "private"
    _looks(page, "console-boards")
    page.locator('#board-table tr[data-board="mobile"]').get_by_role(
        "button", name="Delete"
    ).click()
    page.wait_for_selector("#messages >> text=Board mobile deleted.")
    assert "mobile" not in [b["id"] for b in _app(site)["boards"]]
    assert (
        page.locator('#board-table tr[data-board="general"] button', has_text="Delete").count() == 0
    )
    assert not page.errors


def test_triage_filters_by_board_and_moves_a_request(page: Any, site: dict[str, Any]) -> None:
    http, admin = site["http"], site["adminKey"]
    http.post(
        "/v1/apps/web/boards", key=admin, body={"id": "ops", "name": "Ops", "visibility": "private"}
    )
    made = http.post(
        "/v1/apps/web/requests", key=admin, body={"title": "Rotate the on-call", "board": "ops"}
    )
    assert made.status == 201, made.body
    sign_in(page, site, "triage")
    page.select_option("#triage-board", "ops")
    row = page.locator("tbody tr", has_text="Rotate the on-call")
    row.wait_for()
    assert page.locator("tbody tr").count() == 1
    shot(page, "console-triage-board")
    row.get_by_label("Board of Rotate the on-call").select_option("general")
    page.wait_for_selector("td.empty")  # gone from ops
    got = http.get(f"/v1/apps/web/requests/{made.body['id']}", key=admin).body
    assert got["board"] == "general"
    assert not page.errors


def test_the_board_switcher_shows_only_the_boards_a_visitor_may_see(
    page: Any, site: dict[str, Any]
) -> None:
    http, admin = site["http"], site["adminKey"]
    for board_id, visibility in (("ideas-2027", "public"), ("secret", "private")):
        http.post(
            "/v1/apps/web/boards",
            key=admin,
            body={"id": board_id, "name": board_id.title(), "visibility": visibility},
        )
    http.post(
        "/v1/apps/web/requests",
        key=admin,
        body={"title": "Next year's idea", "board": "ideas-2027"},
    )
    http.post(
        "/v1/apps/web/requests", key=admin, body={"title": "Nobody may see this", "board": "secret"}
    )
    page.goto(f"{site['site']}/board/")
    switcher = page.locator("#boards")
    switcher.wait_for()
    names = switcher.locator("button").all_inner_texts()
    assert "Ideas-2027" in names and "Secret" not in names
    page.locator("#requests li.request").first.wait_for()
    assert page.locator("#requests", has_text="Next year's idea").count() == 0
    switcher.get_by_role("button", name="Ideas-2027").click()
    page.wait_for_selector("#requests li.request >> text=Next year's idea")
    assert page.locator("#requests li.request").count() == 1
    assert switcher.locator('button[aria-pressed="true"]').inner_text() == "Ideas-2027"
    _looks(page, "board-switcher")
    page.goto(f"{site['site']}/board/#/roadmap")
    page.locator("#boards").get_by_role("button", name="General").click()
    page.locator(".roadmap section li.card").first.wait_for()
    _looks(page, "board-roadmap-statuses")
    assert "Nobody may see this" not in page.content()
    assert not page.errors
