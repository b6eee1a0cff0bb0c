"""The board, the console and the widget in Debian's Chromium, against `make run`'s stack."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import LocalStack
from tests.helpers import Api
from tools.resources import ROOT

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every wait below is on a condition; this is only its ceiling. Playwright's 30 s default is
# too short for a busy 2-core machine running the stack, the browser and other tests at once.
PATIENCE_MS = 120_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    stack = LocalStack.on_free_ports(tmp_path_factory.mktemp("stack"))
    stack.start()
    try:
        creds = json.loads((stack.folder / "credentials.json").read_text())
        yield {
            **creds,
            "site": f"http://127.0.0.1:{stack.site_port}",
            "demo": f"http://127.0.0.1:{stack.demo_port}",
            "http": Api(base_url=f"http://127.0.0.1:{stack.port}"),
            "folder": stack.folder,
        }
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # axe-core goes in as an inline script: these pages let it past the site's CSP
    context = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=True)
    context.set_default_timeout(PATIENCE_MS)
    found = context.new_page()
    found.errors = []
    found.on("pageerror", lambda e: found.errors.append(str(e)))
    found.on("dialog", lambda d: found.errors.append(f"dialog: {d.message}") or d.dismiss())
    yield found
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, site: dict[str, Any], tab: str = "triage") -> None:
    """Open the console on ``tab``, signing in with the admin key unless this tab already is."""
    page.goto(f"{site['site']}/admin/#/{tab}")
    page.wait_for_selector("#admin-key, #nav:not([hidden])")
    if page.locator("#admin-key").count():
        page.fill("#admin-key", site["adminKey"])
        page.click("form button[type=submit]")
        page.wait_for_selector("#nav:not([hidden])")
    page.wait_for_selector(f"#nav a[data-tab={tab}][aria-current=page]")


def test_end_user_finds_votes_comments_and_suggests(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    shot(page, "board")
    page.select_option("#tag", "integrations")
    page.wait_for_selector("#requests li.request")
    titles = page.locator("#requests h3").all_inner_texts()
    assert "Zapier integration" in titles
    item = page.locator("#requests li.request", has_text="Zapier integration")
    before = int(item.locator(".count").inner_text())
    item.locator("button.vote").click()
    page.wait_for_function("document.querySelector('#requests button.vote[aria-pressed=\"true\"]')")
    assert int(item.locator(".count").inner_text()) == before + 1
    item.locator("h3 a").click()
    page.wait_for_selector("#request-title")
    page.fill("#comment-body", "We need this for our whole team!")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_selector("#comments li >> text=We need this for our whole team!")
    shot(page, "request")
    page.goto(f"{site['site']}/board/#/new")
    for attempt in range(180):  # the stream keeps the search index, behind the seed's events
        page.fill("#new-title", "Night theme" + " " * (attempt % 2))
        page.wait_for_timeout(1000)
        if page.locator("#similar").is_visible():
            break
    assert "Dark mode" in page.locator("#similar").inner_text()  # did you mean…
    shot(page, "did-you-mean")
    page.fill("#new-title", "Export to PDF")
    page.fill("#new-description", "A printable report of the roadmap.")
    page.get_by_role("button", name="Post request").click()
    page.wait_for_selector("#request-title >> text=Export to PDF")
    assert not page.errors


def test_admin_triages_merges_responds_and_the_board_shows_it(
    page: Any, site: dict[str, Any]
) -> None:
    sign_in(page, site)
    page.wait_for_selector("tbody tr")
    shot(page, "console-triage")
    row = page.locator("tbody tr", has_text="Time tracking")
    row.locator("select").first.select_option("planned")
    page.wait_for_selector("#messages >> text=Saved.")
    page.locator("tbody tr", has_text="Time tracking").get_by_role("button", name="Respond").click()
    page.fill("dialog textarea", "Coming in the spring release.")
    page.click("dialog button[type=submit]")
    page.wait_for_selector("#messages >> text=Saved.")
    page.locator("tbody tr", has_text="Task templates").get_by_role("button", name="Merge").click()
    page.select_option("dialog select", label="Recurring tasks")
    page.click("dialog button[type=submit]")
    page.wait_for_selector("#messages >> text=Merged")
    assert not page.errors

    page.goto(f"{site['site']}/board/#/roadmap")
    page.wait_for_selector("#col-planned")
    planned = page.locator("section", has=page.locator("#col-planned"))
    planned.locator("a", has_text="Time tracking").click()
    page.wait_for_selector(".response >> text=Coming in the spring release.")
    shot(page, "roadmap-response")
    pub = site["apps"]["web"]["publishableKey"]
    listed = site["http"].get("/v1/apps/web/requests?status=duplicate", key=pub).body["items"]
    assert [r["title"] for r in listed] == ["Task templates"]


def test_console_pages_render(page: Any, site: dict[str, Any]) -> None:
    for tab in ("apps", "feedback", "analytics", "webhooks", "export"):
        sign_in(page, site, tab)
        page.wait_for_selector("h2")
        page.wait_for_timeout(500)
        shot(page, f"console-{tab}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = download.value.path()
    header = Path(path).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,title,description,status")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything").click()
    assert download.value.suggested_filename == "web.full.jsonl"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert {"request", "vote", "subscription", "comment", "feedback"} <= kinds
    assert not page.errors


def test_widget_on_a_third_party_origin_sends_feedback_the_admin_sees(
    page: Any, site: dict[str, Any]
) -> None:
    page.goto(f"{site['demo']}/widget/demo.html")
    page.wait_for_selector("[data-featureboard-widget]", state="attached")
    page.locator("[data-featureboard-widget] .launcher").click()
    page.locator("[data-featureboard-widget] #fb-message").fill("The widget works from afar")
    page.locator("[data-featureboard-widget] label[for=fb-star-4]").click()
    shot(page, "widget-open")
    page.locator("[data-featureboard-widget] .send").click()
    page.wait_for_selector("[data-featureboard-widget] .msg.ok")
    sign_in(page, site, "feedback")
    page.wait_for_selector("tbody >> text=The widget works from afar")
    assert not page.errors


def test_unmodified_feedback_fin_bundle_posts_to_us(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['demo']}/widget/feedbackfin.html")
    page.wait_for_function("!!(window.feedbackfin && window.feedbackfin.open)")
    page.click("[data-feedbackfin-button]")
    page.click("label[for=feedbackfin__radio--idea]")
    page.fill("#feedbackfin__message", "Hello from Feedback Fin")
    page.click("#feedbackfin__submit")
    page.wait_for_selector("#feedbackfin__success", state="visible")
    found = site["http"].get("/v1/apps/web/feedback?limit=20", key=site["adminKey"]).body["items"]
    fin = [f for f in found if f["message"] == "Hello from Feedback Fin"]
    assert fin and fin[0]["type"] == "idea" and fin[0]["email"] == "fin@example.com"


def test_hostile_titles_show_as_text_and_run_nothing(page: Any, site: dict[str, Any]) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    hostile = "<img src=x onerror=alert(1)>"
    made = site["http"].post(
        "/v1/apps/web/requests",
        key=pub,
        body={"title": hostile, "description": "<script>alert(2)</script>"},
    )
    assert made.status == 201
    page.goto(f"{site['site']}/board/#/r/{made.body['id']}")
    page.wait_for_selector("#request-title")
    assert page.locator("#request-title").inner_text() == hostile
    assert page.locator("article img").count() == 0
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    page.select_option("#sort", "new")
    page.wait_for_selector(f"#requests h3 >> text={hostile}")
    assert page.locator("#requests img").count() == 0
    page.wait_for_timeout(300)
    assert not page.errors  # no alert() dialog, no script error


@pytest.mark.parametrize("where", ["board", "board-request", "console", "widget"])
def test_no_serious_accessibility_violations(page: Any, site: dict[str, Any], where: str) -> None:
    if where == "console":
        sign_in(page, site)
        page.wait_for_selector("tbody tr")
    elif where == "widget":
        page.goto(f"{site['demo']}/widget/demo.html")
        page.wait_for_selector("[data-featureboard-widget]", state="attached")
        page.locator("[data-featureboard-widget] .launcher").click()
    else:
        page.goto(f"{site['site']}/board/")
        page.wait_for_selector("#requests li.request")
        if where == "board-request":
            page.locator("#requests h3 a").first.click()
            page.wait_for_selector("#comment-body")  # #comments is empty (hidden) with no comments
    page.add_script_tag(path=str(ROOT / "static" / "vendor" / "axe.min.js"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_pages_fit_a_phone(browser: Any, site: dict[str, Any]) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(PATIENCE_MS)
    page = context.new_page()
    try:
        for name, url, ready in (
            ("phone-board", f"{site['site']}/board/", "#requests li.request"),
            ("phone-roadmap", f"{site['site']}/board/#/roadmap", "#col-planned"),
            ("phone-new", f"{site['site']}/board/#/new", "#new-title"),
            ("phone-widget", f"{site['demo']}/widget/demo.html", "[data-featureboard-widget]"),
        ):
            page.goto(url)
            page.wait_for_selector(ready, state="attached")
            if name == "phone-widget":
                page.locator("[data-featureboard-widget] .launcher").click()
            page.wait_for_timeout(300)
            shot(page, name)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (name, width)
        page.goto(f"{site['site']}/admin/")
        page.fill("#admin-key", site["adminKey"])
        page.click("form button[type=submit]")
        page.wait_for_selector("tbody tr")
        shot(page, "phone-console")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
