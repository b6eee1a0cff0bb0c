"""The console's Settings in Chromium: GitHub (connect, open an issue from triage, see its state,
errors in plain words) against the fake GitHub of test_github.py, and branding with its live
preview, then the board and the widget in the brand's colours, axe-clean in light and dark."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_board import _axe
from tests.e2e.test_web import PATIENCE_MS, SHOTS, browser, page, shot, sign_in, site  # noqa: F401
from tests.integration.test_github import SECRET, TOKEN, FakeGitHub, deliver, issue_event

LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><circle cx="14" cy="14"
r="12" fill="#e85d04"/></svg>"""


@pytest.fixture(scope="module", autouse=True)
def github() -> Iterator[FakeGitHub]:
    """Started before the module's stack (autouse), which reads GITHUB_API_URL at start."""
    fake = FakeGitHub()
    before = os.environ.get("GITHUB_API_URL")
    os.environ["GITHUB_API_URL"] = fake.url
    yield fake
    fake.server.shutdown()
    if before is None:
        os.environ.pop("GITHUB_API_URL", None)
    else:
        os.environ["GITHUB_API_URL"] = before


def _contexts(browser: Any, scheme: str, width: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
    )
    context.set_default_timeout(PATIENCE_MS)
    context.route("https://cdn.example/**", lambda route: route.fulfill(body=LOGO, content_type="image/svg+xml"))  # fmt: skip
    found = context.new_page()
    found.errors = []
    found.on("pageerror", lambda e: found.errors.append(str(e)))
    return context, found


def _fits(page: Any) -> bool:
    """No sideways scrolling: phones never scroll the page horizontally."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _triage_row(page: Any, title: str) -> Any:
    page.goto(page.url.split("#")[0] + "#/triage")
    page.wait_for_selector("tbody tr")
    return page.locator("tbody tr", has_text=title)


def test_github_from_the_console(page: Any, site: dict[str, Any], github: FakeGitHub) -> None:
    sign_in(page, site, "triage")
    row = page.locator("tbody tr", has_text="Time tracking")
    row.wait_for()
    assert row.locator("button.gh-button").count() == 0  # no integration, no button

    sign_in(page, site, "settings")
    page.wait_for_selector("#gh-status >> text=Not set")
    page.fill("#gh-token", TOKEN)
    page.fill("#gh-secret", SECRET)
    page.click("#github-form button[type=submit]")
    page.wait_for_selector("#gh-status .badge.completed")
    assert page.input_value("#gh-token") == "" and page.input_value("#gh-secret") == ""
    assert TOKEN not in page.content() and SECRET not in page.content()  # write-only
    shot(page, "console-settings-github")

    row = _triage_row(page, "Time tracking")
    row.locator("button.gh-button").click()
    page.wait_for_selector("#gh-none")
    page.fill("#gh-repo", "not a repo")
    page.click("#gh-open")
    page.wait_for_selector("#gh-problem >> text=owner/name")
    page.fill("#gh-repo", "acme/app")
    page.click("#gh-open")
    page.wait_for_selector("#gh-links a >> text=acme/app#")
    link = page.locator("#gh-links li").first
    assert "Open" in link.inner_text()
    number = int(link.locator("a").inner_text().split("#")[1])
    assert github.received[-1]["body"]["title"] == "Time tracking"
    assert _axe(page) == []
    for width in (1280, 375):  # the dialog itself, as wide as a desktop and a phone
        page.set_viewport_size({"width": width, "height": 800})
        assert _fits(page)
        page.locator("#gh-dialog").screenshot(
            path=str(SHOTS / f"console-github-dialog-{width}.png")
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#gh-dialog button:text('Close')")

    # the repository's webhook closes the issue: the console shows it closed
    closed = deliver(
        site["http"], f"{site['tenant']}/web", issue_event("closed", "acme/app", number)
    )
    assert closed.status == 200, closed.body
    _triage_row(page, "Time tracking").locator("button.gh-button").click()
    page.wait_for_selector("#gh-links .badge >> text=Closed")
    page.click("#gh-dialog button:text('Close')")

    # GitHub refuses (a token it does not know): 409, said in plain words
    site["http"].patch("/v1/apps/web", key=site["adminKey"], body={"integrations": {"github": {"token": "revoked", "webhookSecret": SECRET}}})  # fmt: skip
    _triage_row(page, "Recurring tasks").locator("button.gh-button").click()
    page.fill("#gh-repo", "acme/app")
    page.click("#gh-open")
    page.wait_for_selector("#gh-problem >> text=GitHub did not open the issue")
    assert "token may open issues" in page.inner_text("#gh-problem")
    page.click("#gh-dialog button:text('Close')")

    # GitHub does not answer at all: 502, said in plain words
    github.server.shutdown()
    github.server.server_close()
    _triage_row(page, "Recurring tasks").locator("button.gh-button").click()
    page.fill("#gh-repo", "acme/app")
    page.click("#gh-open")
    page.wait_for_selector("#gh-problem >> text=GitHub did not answer")
    assert not page.errors


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize(("accent", "text"), [("#ffe14d", "#000000"), ("#1a237e", "#ffffff")])
def test_branding_with_a_live_preview_on_the_board_and_widget(
    browser: Any, site: dict[str, Any], accent: str, text: str
) -> None:
    tone = "light" if text == "#000000" else "dark"
    for scheme in ("light", "dark"):
        for width in (1280, 375):
            context, page = _contexts(browser, scheme, width)
            try:
                sign_in(page, site, "settings")
                page.wait_for_selector("#branding-form")
                page.fill("#brand-name", "Acme Ideas")
                page.fill("#brand-logo", "https://cdn.example/acme.svg")
                page.fill("#brand-accent", accent)
                button = page.locator("#preview-button")
                page.wait_for_function(
                    f"getComputedStyle(document.querySelector('#preview-button')).backgroundColor === '{_rgb(accent)}'"
                )
                assert button.evaluate("e => getComputedStyle(e).color") == _rgb(text)
                assert "Acme Ideas" in page.inner_text("#brand-preview")
                assert _axe(page) == [] and _fits(page)
                shot(page, f"console-branding-{tone}-{scheme}-{width}")
                page.click("#branding-form button[type=submit]")
                page.wait_for_selector("#messages >> text=Branding saved")

                page.goto(f"{site['site']}/board/")
                page.wait_for_selector("#board-title img.brand-logo")
                page.wait_for_selector("#requests li.request")
                assert page.inner_text("#board-title") == "Acme Ideas"
                suggest = page.locator("nav.tabs a.button.primary")
                assert suggest.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(accent)
                assert suggest.evaluate("e => getComputedStyle(e).color") == _rgb(text)
                assert _axe(page) == [] and _fits(page)
                shot(page, f"board-branded-{tone}-{scheme}-{width}")

                page.goto(f"{site['demo']}/widget/demo.html")
                launcher = page.locator("[data-featureboard-widget] .launcher")
                page.wait_for_function(
                    "(() => { const h = document.querySelector('[data-featureboard-widget]');"
                    f" return h && getComputedStyle(h.shadowRoot.querySelector('.launcher')).backgroundColor === '{_rgb(accent)}'; }})()"
                )
                assert launcher.evaluate("e => getComputedStyle(e).color") == _rgb(text)
                launcher.click()
                send = page.locator("[data-featureboard-widget] .send")
                assert send.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(accent)
                assert _axe(page) == []
                shot(page, f"widget-branded-{tone}-{scheme}-{width}")
                assert not page.errors
            finally:
                context.close()
