"""The changelog in the browser: the console's editor with its preview publishes, the board's
"What's new" page and the widget's tab show the entry, hostile Markdown runs nothing, and the
pages fit 1280 and 375 px (screenshots in tests/e2e/screenshots/changelog-*.png)."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_web import browser, page, shot, sign_in, site  # noqa: F401 (fixtures)

HOSTILE = (
    "We **shipped** it: dark mode for every page.\n\n"
    "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))\n\n"
    "- faster\n- calmer at night\n\n```\ntheme: dark\n```\n"
)


def fits(tab: Any, width: int) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def test_the_team_writes_previews_and_publishes_and_everyone_reads_it(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "changelog")
    page.wait_for_selector("#cl-editor")
    page.fill("#cl-title", "Dark mode is here")
    page.fill("#cl-body", HOSTILE)
    page.wait_for_selector("#cl-preview strong >> text=shipped")  # the server's rendering
    assert page.locator("#cl-preview img, #cl-preview script").count() == 0
    first = page.locator("#cl-requests option").first.get_attribute("value")
    page.select_option("#cl-requests", first)
    page.check("#cl-complete")
    shot(page, "changelog-console")
    page.click("#cl-publish")
    page.wait_for_selector("#messages >> text=Published")
    page.wait_for_selector("#cl-published article >> text=Dark mode is here")
    fits(page, 1280)
    pub = site["apps"]["web"]["publishableKey"]
    done = site["http"].get(f"/v1/apps/web/requests/{first}", key=pub).body
    assert done["status"] == "completed"

    page.goto(f"{site['site']}/board/#/changelog")
    page.wait_for_selector("#changelog article >> text=Dark mode is here")
    assert page.locator("#changelog article li").all_inner_texts() == ["faster", "calmer at night"]
    assert page.locator("#changelog img, #changelog script").count() == 0
    assert page.locator("a.feed").get_attribute("href").endswith(f"feed.atom?key={pub}")
    shot(page, "changelog-board")
    page.locator("#changelog h2 a", has_text="Dark mode is here").click()
    page.wait_for_selector("#changelog article h2 >> text=Dark mode is here")
    fits(page, 1280)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{site['site']}/board/#/changelog")
    page.wait_for_selector("#changelog article")
    page.wait_for_timeout(300)
    shot(page, "changelog-board-phone")
    fits(page, 375)

    page.goto(f"{site['demo']}/widget/demo.html")
    page.wait_for_selector("[data-featureboard-widget]", state="attached")
    widget = page.locator("[data-featureboard-widget]")
    widget.locator(".launcher").click()
    widget.get_by_role("tab", name="What's new").click()
    widget.locator(".news article h3", has_text="Dark mode is here").wait_for()
    assert widget.locator(".news img, .news script").count() == 0
    assert widget.locator("form").is_hidden()
    page.wait_for_timeout(300)
    shot(page, "changelog-widget-phone")
    fits(page, 375)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    shot(page, "changelog-widget")
    page.wait_for_timeout(300)
    assert not page.errors  # no alert() dialog, no script error
