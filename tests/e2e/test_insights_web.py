"""The console's Insights screen in Chromium: run the analysis, merge what it suggests,
and the board shows the merge."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.test_web import SHOTS, browser, page, shot, sign_in, site  # noqa: F401 (fixtures)
from tools.resources import ROOT

PATIENCE_MS = 120_000


def test_insights_merges_a_suggested_group_and_the_board_shows_it(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    tag = uuid.uuid4().hex[:6]
    keep = (
        site["http"]
        .post(
            "/v1/apps/web/requests",
            key=pub,
            body={"title": f"Offline mode for the mobile app {tag}"},
        )
        .body
    )
    twin = (
        site["http"]
        .post(
            "/v1/apps/web/requests",
            key=pub,
            body={"title": f"Use the mobile app without internet {tag}"},
        )
        .body
    )
    message = f"Great, it crashed again. {tag}"
    site["http"].post("/v1/apps/web/feedback", key=pub, body={"message": message})
    for _ in range(240):  # the stream's sentiment consumer reads it (a condition, with a ceiling)
        found = site["http"].get("/v1/apps/web/feedback?limit=20", key=site["adminKey"]).body
        if any(f["message"] == message and f["sentiment"] for f in found["items"]):
            break
        page.wait_for_timeout(500)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "insights")
    page.wait_for_selector("#insights-run")
    page.click("#run-insights")
    group = page.locator(f"section.insight-group[data-ids~='{twin['id']}']")
    group.wait_for(timeout=PATIENCE_MS)
    assert keep["id"] in group.get_attribute("data-ids").split()
    assert "same meaning" in group.inner_text() and "%" in group.inner_text()
    page.select_option("#sentiment-filter", "negative")
    page.wait_for_function(  # the filter drew: only negative feedback is left
        "[...document.querySelectorAll('tbody tr[data-sentiment]')].every("
        "r => r.dataset.sentiment === 'negative')"
    )
    page.wait_for_selector(f"tbody tr[data-sentiment=negative] >> text={message}")
    shot(page, "console-insights")
    page.add_script_tag(path=str(ROOT / "static" / "vendor" / "axe.min.js"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.set_viewport_size({"width": 375, "height": 740})
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "phone-console-insights")
    page.screenshot(path=str(SHOTS / "phone-console-insights-top.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    group.get_by_role("button", name="Merge into").click()
    page.wait_for_selector("#messages >> text=Merged into")
    merged_away = (
        twin if group.locator("li", has_text=keep["title"]).inner_text().endswith("kept") else keep
    )
    group.get_by_role("button", name="Unmerge").wait_for()
    assert not page.errors

    page.goto(f"{site['site']}/board/#/r/{merged_away['id']}")
    page.wait_for_selector("#request-title")
    page.wait_for_selector("text=Merged into")
    shot(page, "board-merged-by-insights")
    assert not page.errors
