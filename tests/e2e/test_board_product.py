"""Issues 13 and 14: "vote for this instead" while suggesting, in the board and the widget."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

from typing import Any

from tests.e2e.test_board import _all, _wait_until
from tests.e2e.test_web import browser, page, shot, site  # noqa: F401


def _request(site: dict[str, Any], title: str) -> dict[str, Any]:
    return next(r for r in _all(site) if r["title"] == title)


def _similar_finds(site: dict[str, Any], q: str, title: str) -> None:
    """Wait for the search index (kept by the stream, behind the seed's events) to know it."""
    pub = site["apps"]["web"]["publishableKey"]

    def found() -> bool:
        items = site["http"].get(f"/v1/apps/web/requests/similar?q={q}", key=pub).body["items"]
        return any(i["title"] == title for i in items)

    _wait_until(found, f"'{q}' to find '{title}'", 180)


def test_the_suggest_form_shows_matches_while_typing_and_votes_for_one_instead(
    page: Any, site: dict[str, Any]
) -> None:
    _similar_finds(site, "Night theme", "Night theme please")
    before = _request(site, "Night theme please")["votes"]
    page.goto(f"{site['site']}/board/#/new")
    page.locator("#new-title").press_sequentially("Night theme", delay=20)
    match = page.locator("#similar li", has_text="Night theme please")
    match.wait_for()
    shot(page, "suggest-matches")
    match.get_by_role("button", name="Vote for Night theme please instead").click()
    page.wait_for_selector("#request-title >> text=Night theme please")
    page.wait_for_selector("#messages .notice >> text=Your vote went to “Night theme please”")
    assert page.locator("article button.vote").get_attribute("aria-pressed") == "true"
    assert _request(site, "Night theme please")["votes"] == before + 1
    assert not [r for r in _all(site) if r["title"] == "Night theme"]  # nothing was posted
    assert not page.errors


def test_posting_an_obvious_duplicate_asks_once_more(page: Any, site: dict[str, Any]) -> None:
    _similar_finds(site, "Integrate with Zapier", "Zapier integration")
    page.goto(f"{site['site']}/board/#/new")
    page.fill("#new-title", "Integrate with Zapier")
    page.get_by_role("button", name="Post request").click()
    check = page.locator("#duplicate-check")
    check.wait_for()
    assert "“Zapier integration” looks like the same idea" in check.inner_text()
    shot(page, "suggest-duplicate-check")
    assert not [r for r in _all(site) if r["title"] == "Integrate with Zapier"]
    check.get_by_role("button", name="Post mine anyway").click()
    page.wait_for_selector("#request-title >> text=Integrate with Zapier")
    assert len([r for r in _all(site) if r["title"] == "Integrate with Zapier"]) == 1
    assert not page.errors


def test_the_widgets_suggest_tab_shows_matches_and_asks_before_a_duplicate(
    page: Any, site: dict[str, Any]
) -> None:
    _similar_finds(site, "Guest access", "Read-only guest access")
    before = _request(site, "Read-only guest access")["votes"]
    page.goto(f"{site['demo']}/widget/demo.html")
    widget = page.locator("[data-featureboard-widget]")
    widget.locator(".launcher").click()
    widget.get_by_role("tab", name="Suggest a feature").click()
    widget.locator("#fb-title-input").press_sequentially("Guest access", delay=20)
    match = widget.locator("#fb-similar li", has_text="Read-only guest access")
    match.wait_for()
    shot(page, "widget-suggest-matches")
    match.get_by_role("button", name="Vote for this instead").click()
    widget.locator(".msg.ok", has_text="Your vote went to “Read-only guest access”").wait_for()
    assert _request(site, "Read-only guest access")["votes"] == before + 1

    widget.locator("#fb-title-input").fill("Slack notification")
    widget.locator(".send").click()
    widget.locator("#fb-similar", has_text="looks like the same idea").wait_for()
    assert not [r for r in _all(site) if r["title"] == "Slack notification"]
    widget.locator(".send").click()
    widget.locator(".msg.ok", has_text="Thank you! We got it.").wait_for()
    assert len([r for r in _all(site) if r["title"] == "Slack notification"]) == 1
    assert not page.errors
