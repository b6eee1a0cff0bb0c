"""Issue 15 D: the board's search box (descriptions, typos, "no match for …" and a way to
clear it), search within "my votes", the console's triage search, and how soon the stream
brings a new request into the index on `make run`'s stack."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

import time
from typing import Any

from tests.e2e.test_board import _wait_until
from tests.e2e.test_web import PATIENCE_MS, browser, page, shot, sign_in, site  # noqa: F401
from tests.helpers import user_token

FRESH_S = 2.5  # the stream runner polls every ~0.2 s; the consumer then writes the postings


def _found(site: dict[str, Any], q: str, extra: str = "", token: str | None = None) -> list[str]:
    pub = site["apps"]["web"]["publishableKey"]
    r = site["http"].get(f"/v1/apps/web/requests?q={q}{extra}", key=pub, token=token)
    assert r.status == 200, r.body
    return [i["title"] for i in r.body["items"]]


def _indexed(site: dict[str, Any]) -> None:
    """The seed's events are through the search consumer (the stack seeds as it starts)."""
    _wait_until(
        lambda: "Offline mode for mobile" in _found(site, "subway"), "the seed indexed", 180
    )


def test_the_board_searches_descriptions_forgives_a_typo_and_says_when_nothing_matches(
    browser: Any, site: dict[str, Any]
) -> None:
    _indexed(site)
    for width, scheme in ((1280, "light"), (375, "dark")):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
        )
        context.set_default_timeout(PATIENCE_MS)
        p = context.new_page()
        errors: list[str] = []
        p.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
        p.goto(f"{site['site']}/board/")
        p.wait_for_selector("#requests li.request")
        p.fill("#search", "subwey")  # a word of the description, misspelt
        p.wait_for_function(
            "document.querySelector('#requests h3')?.textContent === 'Offline mode for mobile'"
        )
        shot(p, f"board-search-{width}-{scheme}")
        p.fill("#search", "zzqx nothing like it")
        p.wait_for_selector("#requests li.empty")
        assert "No match for “zzqx nothing like it”" in p.locator("#requests").inner_text()
        shot(p, f"board-search-none-{width}-{scheme}")
        p.click("#clear-search")
        p.wait_for_selector("#requests li.request")
        assert p.locator("#search").input_value() == ""
        assert errors == []
        context.close()


def test_search_within_my_votes_on_the_board(page: Any, site: dict[str, Any]) -> None:
    _indexed(site)
    secret = site["apps"]["web"]["userTokenSecret"]
    token = user_token(secret, "searcher", name="Searcher")
    pub = site["apps"]["web"]["publishableKey"]
    for title in ("Offline mode for mobile", "Gantt chart view"):
        rid = next(
            r["id"]
            for r in site["http"].get("/v1/apps/web/requests?limit=100", key=pub).body["items"]
            if r["title"] == title
        )
        voted = site["http"].post(f"/v1/apps/web/requests/{rid}/vote", key=pub, token=token)
        assert voted.status == 200, voted.body
    assert _found(site, "timeline", "&voted=true", token) == ["Gantt chart view"]
    page.goto(f"{site['site']}/board/?token={token}")
    page.wait_for_selector("#requests li.request")
    page.select_option("#show", "mine")
    page.wait_for_function("document.querySelectorAll('#requests li.request').length === 2")
    page.fill("#search", "timeline")
    page.wait_for_function(
        "document.querySelectorAll('#requests li.request').length === 1"
        " && document.querySelector('#requests h3').textContent === 'Gantt chart view'"
    )
    assert page.locator("#requests button.vote").get_attribute("aria-pressed") == "true"
    shot(page, "board-my-votes-search")
    assert not page.errors


def test_the_console_triage_searches(page: Any, site: dict[str, Any]) -> None:
    _indexed(site)
    sign_in(page, site)
    page.wait_for_selector("tbody tr .title")
    assert _found(site, "dropdown") == ["Custom fields on tasks"]
    page.fill("#triage-search", "dropdown")
    page.wait_for_function(
        "document.querySelectorAll('tbody tr .title').length === 1"
        " && document.querySelector('tbody tr .title').textContent === 'Custom fields on tasks'"
    )
    shot(page, "console-triage-search")
    page.fill("#triage-search", "zzqx")
    page.wait_for_selector("#triage-clear")
    page.click("#triage-clear")
    page.wait_for_function("document.querySelectorAll('tbody tr .title').length > 1")
    assert not page.errors


def test_a_new_request_is_found_within_seconds(site: dict[str, Any]) -> None:
    _indexed(site)
    secret = site["apps"]["web"]["userTokenSecret"]
    pub = site["apps"]["web"]["publishableKey"]
    token = user_token(secret, "fresh")
    lags = []
    # the first waits out the seed's backlog of events (a thousand votes); the others count
    for word in ("wombat", "quokka", "axolotl", "pangolin"):
        made = site["http"].post(
            "/v1/apps/web/requests",
            key=pub,
            token=token,
            body={"title": f"Mascot {word}", "description": f"A {word} on the login page"},
        )
        assert made.status == 201, made.body
        started = time.monotonic()
        _wait_until(lambda w=word: _found(site, w) == [f"Mascot {w}"], f"'{word}' found", 240)
        lags.append(time.monotonic() - started)
    print(f"seconds from a create to its search hit: {[round(s, 2) for s in lags]}")
    assert sorted(lags[1:])[1] < FRESH_S, lags  # the median
