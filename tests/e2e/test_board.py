"""Issue 14: what a new user hit on the board and the console, each kept fixed in Chromium."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

import re
import time
from itertools import pairwise
from typing import Any

from tests.e2e.test_web import PATIENCE_MS, browser, page, shot, sign_in, site  # noqa: F401
from tests.helpers import user_token
from tools.resources import ROOT

AXE = ROOT / "static" / "vendor" / "axe.min.js"


def _all(site: dict[str, Any], query: str = "") -> list[dict[str, Any]]:
    """Every request of the demo app, as the team lists it."""
    found, cursor = [], ""
    while True:
        page_ = site["http"].get(
            f"/v1/apps/web/requests?limit=100{query}{cursor}", key=site["adminKey"]
        )
        found += page_.body["items"]
        if not page_.body["nextCursor"]:
            return found
        cursor = f"&cursor={page_.body['nextCursor']}"


def _wait_until(check: Any, what: str, seconds: float = 120) -> Any:
    """Poll ``check`` (an HTTP read) until it answers truthy; the stream runs behind."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_load_more_hides_at_the_end_and_never_repeats_page_1(
    page: Any, site: dict[str, Any]
) -> None:
    listed = [r for r in _all(site) if r["status"] != "duplicate"]
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    while page.locator("#more").is_visible():
        shown = page.locator("#requests li.request").count()
        page.click("#more")
        page.wait_for_function(
            f"document.querySelectorAll('#requests li.request').length > {shown}"
            " || document.querySelector('#more').hidden"
        )
    page.wait_for_function("document.querySelector('#more').hidden")
    titles = page.locator("#requests h3").all_inner_texts()
    assert len(titles) == len(listed)
    assert sorted(titles) == sorted(r["title"] for r in listed)
    assert not page.locator("#more").is_visible()
    page.evaluate("document.querySelector('#more').click()")  # even if something clicks it
    assert page.locator("#requests li.request").count() == len(listed)
    assert not page.errors


def test_a_status_change_updates_the_rows_badge(page: Any, site: dict[str, Any]) -> None:
    sign_in(page, site)
    row = page.locator("tbody tr", has_text="Color labels")
    row.wait_for()
    assert row.locator(".badge").inner_text() == "Open"
    row.locator("select").first.select_option("in_progress")
    page.wait_for_selector("#messages >> text=Saved.")
    assert row.locator(".badge").inner_text() == "In progress"
    assert not page.errors


def test_the_thank_you_notice_shows_after_suggesting(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['site']}/board/#/new")
    page.fill("#new-title", "Print a task list")
    page.get_by_role("button", name="Post request").click()
    page.wait_for_selector("#request-title >> text=Print a task list")
    page.wait_for_selector("#messages .notice >> text=Thank you! Your request was posted.")
    assert not page.errors


def test_a_filter_with_no_match_says_so(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    page.select_option("#status", "declined")
    page.wait_for_selector("#requests li.request")
    page.select_option("#tag", "ui")  # no declined request is about the UI
    page.wait_for_selector("#requests li.empty")
    text = page.locator("#requests").inner_text()
    assert "No requests match these filters" in text and "Be the first" not in text
    page.get_by_role("link", name="Clear the filters").click()
    page.wait_for_selector("#requests li.request")
    assert not page.errors


def test_the_tag_filter_lists_the_apps_tags_sorted(page: Any, site: dict[str, Any]) -> None:
    expected = sorted({t for r in _all(site) for t in r["tags"]})
    pub = site["apps"]["web"]["publishableKey"]

    def tags() -> list[str]:  # the stream counts them, behind the seed's events
        found = [t["tag"] for t in site["http"].get("/v1/apps/web/tags", key=pub).body["items"]]
        return found if found == expected else []

    _wait_until(tags, f"the tags {expected}")
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    page.wait_for_function(f"document.querySelectorAll('#tag option').length > {len(expected)}")
    options = page.locator("#tag option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["", *expected]


def test_merge_picker_is_searchable_and_the_merged_request_links_its_target(
    page: Any, site: dict[str, Any]
) -> None:
    target = next(r for r in _all(site) if r["title"] == "Import tasks from Trello")
    sign_in(page, site)
    page.locator("tbody tr", has_text="Migrate my boards from Trello").get_by_role(
        "button", name="Merge"
    ).click()
    page.wait_for_selector("#merge-target option")
    ids = page.locator("#merge-target option").evaluate_all("os => os.map(o => o.value)")
    assert len(ids) == len(set(ids)) > 10  # every other request, each once
    page.fill("#merge-search", "trello")
    page.wait_for_function("document.querySelectorAll('#merge-target option').length === 1")
    assert page.locator("#merge-target option").inner_text() == "Import tasks from Trello"
    shot(page, "console-merge-picker")
    page.click("dialog button[type=submit]")
    page.wait_for_selector("#messages >> text=Merged")
    merged = next(r for r in _all(site) if r["title"] == "Migrate my boards from Trello")
    assert merged["duplicateOf"] == target["id"]

    page.goto(f"{site['site']}/board/#/r/{merged['id']}")
    page.wait_for_selector("#merged-note >> text=Import tasks from Trello")
    link = page.locator("#merged-note a")
    assert link.get_attribute("href") == f"#/r/{target['id']}"
    assert page.locator("#comment-body").count() == 0
    assert "Comments are closed" in page.locator("#comments-closed").inner_text()
    shot(page, "request-merged")

    pub = site["apps"]["web"]["publishableKey"]
    said = site["http"].post(
        f"/v1/apps/web/requests/{merged['id']}/comments", key=pub, body={"body": "me too"}
    )
    assert said.status == 409 and said.code == "conflict" and "requestId" in said.body
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    page.select_option("#sort", "new")
    page.wait_for_selector("#requests li.request")
    assert page.locator("#requests h3", has_text="Migrate my boards from Trello").count() == 0
    assert not page.errors


def test_a_wrong_admin_key_says_it_was_not_accepted(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['site']}/admin/")
    page.fill("#admin-key", "fr_admin_demo_nope_0000000000000000")
    page.click("#admin-key-form button[type=submit]")
    page.wait_for_selector("#messages .alert")
    assert "That key or code was not accepted." in page.locator("#messages").inner_text()
    assert "Please sign in" not in page.locator("#messages").inner_text()


def test_anonymous_visitors_are_told_apart_per_browser(
    browser: Any,
    site: dict[str, Any],
) -> None:
    first = browser.new_context(viewport={"width": 1100, "height": 900})
    second = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        a, b = first.new_page(), second.new_page()
        for p in (a, b):
            p.set_default_timeout(PATIENCE_MS)
        rid = next(r["id"] for r in _all(site) if r["title"] == "Gantt chart view")
        a.goto(f"{site['site']}/board/#/r/{rid}")
        a.locator("article button.vote").click()
        a.wait_for_function(
            "document.querySelector('article button.vote').getAttribute('aria-pressed') === 'true'"
            " && !document.querySelector('article button.vote').disabled"
        )
        a.reload()
        a.wait_for_selector("#request-title")
        assert a.locator("article button.vote").get_attribute("aria-pressed") == "true"
        anon_a = a.evaluate("localStorage.getItem('fb-anon-id')")
        b.goto(f"{site['site']}/board/#/r/{rid}")
        b.wait_for_selector("#request-title")
        assert b.locator("article button.vote").get_attribute("aria-pressed") == "false"
        assert b.evaluate("localStorage.getItem('fb-anon-id')") not in (None, anon_a)
        b.wait_for_selector("#comment-body")
        b.fill("#comment-body", "Posted without an account")
        b.get_by_role("button", name="Comment", exact=True).click()
        said = b.locator("#comments li", has_text="Posted without an account")
        said.wait_for()
        assert said.locator("strong").inner_text() == "Anonymous"
    finally:
        first.close()
        second.close()
    # whatever a browser sends, the id it gets is the server's own anon-… pseudonym
    pub = site["apps"]["web"]["publishableKey"]
    rid = next(r["id"] for r in _all(site) if r["title"] == "Gantt chart view")
    for sent in ("team", "admin.x" * 4, "a" * 20):
        site["http"].post(
            f"/v1/apps/web/requests/{rid}/vote", key=pub, headers={"X-Anonymous-Id": sent}
        )
    voters = (
        site["http"]
        .get(f"/v1/apps/web/requests/{rid}/voters?limit=100", key=site["adminKey"])
        .body["items"]
    )
    anonymous = [v["id"] for v in voters if not v["id"].startswith("user-")]
    assert anonymous and all(re.fullmatch(r"anon-[0-9a-f]{20}", v) for v in anonymous)


def _axe(page: Any, rules: list[str] | None = None) -> list[Any]:
    page.add_script_tag(path=str(AXE))
    options = f"{{runOnly: {rules!r}}}" if rules else "{resultTypes: ['violations']}"
    result = page.evaluate(f"axe.run(document, {options})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_contrast_spacing_and_the_phone_header(
    browser: Any,
    page: Any,
    site: dict[str, Any],
) -> None:
    page.goto(f"{site['site']}/board/#/new")  # "Suggest a feature" is the active tab
    page.wait_for_selector("#new-title")
    assert _axe(page, ["color-contrast"]) == []
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    header = page.locator("header.top").bounding_box()
    filters = page.locator(".filters").bounding_box()
    assert filters["y"] - (header["y"] + header["height"]) >= 16

    phone = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(PATIENCE_MS)
    p = phone.new_page()
    try:
        p.goto(f"{site['site']}/board/")
        p.wait_for_selector("#requests li.request")
        assert "null" not in p.inner_text("#view").split()  # a missing part is not written out
        assert p.locator("header.top").bounding_box()["height"] <= 110
        suggest = p.locator("nav.tabs a.button").bounding_box()
        assert suggest["height"] <= 40 and suggest["x"] + suggest["width"] <= 375
        shot(p, "phone-board-header")
        sign_in(p, site)
        p.wait_for_selector("tbody tr")
        boxes = p.locator("#nav > *").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.right]; })"
        )
        # every tab on screen: the row wraps (at most three rows) rather than hide past the edge
        assert max(right for _, right in boxes) <= 375, boxes
        tops = sorted(top for top, _ in boxes)
        assert sum(b - a > 10 for a, b in pairwise(tops)) <= 2, boxes  # new rows: at most 2
        table = p.locator("table").bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= 375
        status = p.locator("tbody tr").first.locator("select").first
        status.scroll_into_view_if_needed()
        assert status.is_visible()
        shot(p, "phone-console-triage")
        assert p.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        phone.close()


def test_counts_charts_and_empty_states(page: Any, site: dict[str, Any]) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    made = (
        site["http"]
        .post("/v1/apps/web/requests", key=pub, body={"title": "Sticky notes on tasks"})
        .body
    )
    page.goto(f"{site['site']}/board/#/r/{made['id']}")
    vote = page.locator("article button.vote")
    vote.wait_for()
    assert vote.get_attribute("aria-label").endswith(", 0 votes")
    vote.click()
    page.wait_for_function(
        "document.querySelector('article button.vote').getAttribute('aria-label')"
        ".endsWith(', 1 vote') && !document.querySelector('article button.vote').disabled"
    )
    page.goto(f"{site['site']}/board/#/roadmap")
    page.wait_for_selector("#col-planned ~ ul li.card")
    counts = page.locator(".roadmap .meta").all_inner_texts()
    assert counts and all(re.fullmatch(r"1 vote|\d+ votes", c) for c in counts), counts
    assert not re.search(r"\b1 votes", page.locator("body").inner_text())

    sign_in(page, site, "analytics")
    page.wait_for_function("window.Chart && Chart.getChart('chart-tags')")
    weeks = page.evaluate("Chart.getChart('chart-weeks').config.type")
    assert weeks == "bar"  # one week is a bar, not a lone dot
    shown = page.evaluate("Chart.getChart('chart-tags').scales.y.ticks.length")
    labels = page.evaluate("Chart.getChart('chart-tags').data.labels.length")
    assert shown == labels
    shot(page, "console-analytics-fixed")

    sign_in(page, site, "webhooks")
    page.wait_for_selector("#no-deliveries")
    assert "No deliveries yet" in page.locator("#no-deliveries").inner_text()
    assert page.locator("#no-webhooks").count() == 1
    shot(page, "console-webhooks-empty")
    assert not page.errors


def test_the_outbox_opens_a_page_at_a_time_and_emails_link_the_request(
    site: dict[str, Any],
) -> None:
    secret = site["apps"]["web"]["userTokenSecret"]
    pub = site["apps"]["web"]["publishableKey"]
    token = user_token(secret, "outbox-reader", "Olive", "olive@example.com")
    made = (
        site["http"]
        .post("/v1/apps/web/requests", key=pub, token=token, body={"title": "Outbox link check"})
        .body
    )
    for n in range(22):  # more than one page of emails: each status change writes one
        status = "planned" if n % 2 == 0 else "under_review"
        site["http"].patch(
            f"/v1/apps/web/requests/{made['id']}", key=site["adminKey"], body={"status": status}
        )

    def full() -> Any:
        page_ = site["http"].get("/local/outbox")
        return page_ if "Older" in page_.body else None

    _wait_until(full, "a second page of emails")
    outbox = site["http"].get("/local/outbox")
    assert outbox.body.count("<article>") == 20  # a page, not every email ever sent
    link = f"/board/#/r/{made['id']}"
    assert link in outbox.body and "View the request" in outbox.body
    second = site["http"].get("/local/outbox?page=2")
    assert second.status == 200 and "Newer" in second.body


def test_the_seed_reads_like_a_real_board(page: Any, site: dict[str, Any]) -> None:
    said: dict[str, set[str]] = {}
    for r in _all(site):
        for c in (
            site["http"]
            .get(f"/v1/apps/web/requests/{r['id']}/comments?limit=100", key=site["adminKey"])
            .body["items"]
        ):
            said.setdefault(c["body"], set()).add(r["id"])
    assert said and all(len(where) == 1 for where in said.values())  # no copied comments
    answered = [r for r in _all(site) if r["response"]]
    assert len(answered) >= 5
    dark = next(r for r in answered if r["title"] == "Dark mode")
    page.goto(f"{site['site']}/board/#/r/{dark['id']}")
    page.wait_for_selector(".response >> text=Team response")
    page.wait_for_selector("#comments li")
    shot(page, "request-seeded")


def test_the_site_sends_a_csp_and_the_pages_work_under_it(
    browser: Any, site: dict[str, Any]
) -> None:
    import requests

    sent = requests.get(f"{site['site']}/board/", timeout=30).headers["Content-Security-Policy"]
    assert "script-src 'self';" in sent and "unsafe-eval" not in sent
    assert site["api"].rsplit("/v1", 1)[0] in sent  # the API origin in connect-src
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # CSP enforced
    context.set_default_timeout(PATIENCE_MS)
    p = context.new_page()
    refused: list[str] = []
    p.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    try:
        p.goto(f"{site['site']}/board/")
        p.wait_for_selector("#requests li.request")
        sign_in(p, site, "analytics")
        # the canvas comes first; the chart once Chart.js (loaded on demand) is in: a CSP
        # that refused the script would leave it out and this wait would fail. Polled from
        # here: wait_for_function evaluates a string in the page, which this CSP refuses.
        drawn = "!!(window.Chart && Chart.getChart('chart-status'))"
        _wait_until(lambda: p.evaluate(drawn), "the status chart is drawn")
        assert refused == []
    finally:
        context.close()


def test_the_search_box_finds_requests_by_their_words(page: Any, site: dict[str, Any]) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    found = _wait_until(  # the stream keeps the index, behind the seed's events
        lambda: site["http"].get("/v1/apps/web/requests?q=trello+import", key=pub).body["items"],
        "the search index",
        180,
    )
    assert found[0]["title"] == "Import tasks from Trello"
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    page.fill("#search", "trello import")
    page.wait_for_function(
        "document.querySelector('#requests h3')?.textContent === 'Import tasks from Trello'"
    )
    assert page.locator("#search").input_value() == "trello import"
    assert not page.locator("#more").is_visible()
    shot(page, "board-search")
    page.fill("#search", "zzqx nothing like it")
    page.wait_for_selector("#requests li.empty")
    assert "No match for “zzqx nothing like it”" in page.locator("#requests").inner_text()
    assert not page.errors


def test_dark_mode_follows_the_system_and_passes_axe(browser: Any, site: dict[str, Any]) -> None:
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, color_scheme="dark", bypass_csp=True
    )
    context.set_default_timeout(PATIENCE_MS)
    p = context.new_page()
    try:
        p.goto(f"{site['site']}/board/")
        p.wait_for_selector("#requests li.request")
        background = p.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert background == "rgb(16, 19, 26)"
        shot(p, "board-dark")
        assert _axe(p) == []
        p.locator("#requests h3 a").first.click()
        p.wait_for_selector("#request-title")
        assert _axe(p) == []
        shot(p, "request-dark")
        sign_in(p, site)
        p.wait_for_selector("tbody tr")
        assert _axe(p) == []
        shot(p, "console-dark")
    finally:
        context.close()
