"""Issues 13 and 14: "vote for this instead" while suggesting (board and widget); the
board's trending and most-discussed sorts, "my votes" and following a request."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

from typing import Any

from tests.e2e.test_board import _all, _axe, _wait_until
from tests.e2e.test_web import PATIENCE_MS, browser, page, shot, site  # noqa: F401
from tests.helpers import user_token


def _request(site: dict[str, Any], title: str) -> dict[str, Any]:
    return next(r for r in _all(site) if r["title"] == title)


def _listed_votes_become(site: dict[str, Any], title: str, votes: int) -> None:
    """The list's count follows the vote from the stream (within a second or so)."""
    _wait_until(lambda: _request(site, title)["votes"] == votes, f"'{title}' listed with {votes}")


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
    match.get_by_role("button", name="Vote for this instead").click()
    page.wait_for_selector("#request-title >> text=Night theme please")
    page.wait_for_selector("#messages .notice >> text=Your vote went to “Night theme please”")
    assert page.locator("article button.vote").get_attribute("aria-pressed") == "true"
    _listed_votes_become(site, "Night theme please", before + 1)
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
    _listed_votes_become(site, "Read-only guest access", before + 1)

    widget.locator("#fb-title-input").fill("Slack notification")
    widget.locator(".send").click()
    widget.locator("#fb-similar", has_text="looks like the same idea").wait_for()
    assert not [r for r in _all(site) if r["title"] == "Slack notification"]
    widget.locator(".send").click()
    widget.locator(".msg.ok", has_text="Thank you! We got it.").wait_for()
    assert len([r for r in _all(site) if r["title"] == "Slack notification"]) == 1
    assert not page.errors


def _api_titles(site: dict[str, Any], query: str) -> list[str]:
    pub = site["apps"]["web"]["publishableKey"]
    items = site["http"].get(f"/v1/apps/web/requests?{query}", key=pub).body["items"]
    return [r["title"] for r in items if r["status"] != "duplicate"]


def test_the_board_sorts_by_trending_and_most_discussed_and_lists_my_votes(
    page: Any, site: dict[str, Any]
) -> None:
    _wait_until(lambda: _api_titles(site, "sort=discussed&limit=5"), "the seed's comments counted")
    page.goto(f"{site['site']}/board/")
    page.wait_for_selector("#requests li.request")
    for sort in ("trending", "discussed"):
        expected = _api_titles(site, f"sort={sort}&limit=20")
        page.select_option("#sort", sort)
        page.wait_for_function(
            "document.querySelector('#requests h3')?.textContent === " + repr(expected[0])
        )
        assert page.locator("#requests h3").all_inner_texts()[:5] == expected[:5]
    shot(page, "board-discussed")

    page.select_option("#show", "mine")  # this browser has voted for nothing yet
    page.wait_for_selector("#requests li.empty >> text=You haven't voted yet")
    assert page.locator("#sort").is_disabled()
    page.select_option("#show", "all")
    page.select_option("#sort", "new")
    card = page.locator("#requests li.request", has_text="Workload view")
    with page.expect_response(lambda r: r.url.endswith("/vote") and r.ok):
        card.locator("button.vote").click()
    page.select_option("#show", "mine")
    page.wait_for_function(
        "document.querySelectorAll('#requests li.request').length === 1"
        " && document.querySelector('#requests h3').textContent === 'Workload view'"
    )
    shot(page, "board-my-votes")
    assert not page.errors


def test_a_signed_in_user_follows_and_unfollows_a_request(page: Any, site: dict[str, Any]) -> None:
    secret = site["apps"]["web"]["userTokenSecret"]
    pub = site["apps"]["web"]["publishableKey"]
    token = user_token(secret, "follower-1", "Fran", "fran@example.com")
    rid = _request(site, "Gantt chart view")["id"]
    following = f"/v1/apps/web/requests/{rid}/subscription"

    def subscribed() -> bool:
        return site["http"].get(following, key=pub, token=token).body["subscribed"]

    page.goto(f"{site['site']}/board/?token={token}#/r/{rid}")
    button = page.locator("#follow")
    button.wait_for()
    assert button.inner_text() == "Follow" and not subscribed()
    button.click()
    page.wait_for_selector("#follow[aria-pressed=true] >> text=Following")
    assert subscribed()
    shot(page, "request-following")
    button.click()
    page.wait_for_selector("#follow[aria-pressed=false]")
    assert not subscribed()

    page.goto(f"{site['site']}/board/#/r/{rid}")  # same tab: still signed in (sessionStorage)
    page.wait_for_selector("#follow")
    anonymous = page.context.browser.new_context()
    try:
        other = anonymous.new_page()
        other.goto(f"{site['site']}/board/#/r/{rid}")
        other.wait_for_selector("#comment-body")
        assert other.locator("#follow").count() == 0  # following needs a signed-in user
    finally:
        anonymous.close()
    assert not page.errors


def test_the_new_screens_pass_axe_in_light_and_dark(browser: Any, site: dict[str, Any]) -> None:
    _similar_finds(site, "Night theme", "Night theme please")
    secret = site["apps"]["web"]["userTokenSecret"]
    token = user_token(secret, "axe-reader", "Axel", "axel@example.com")
    for scheme in ("light", "dark"):
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, color_scheme=scheme, bypass_csp=True
        )
        context.set_default_timeout(PATIENCE_MS)
        p = context.new_page()
        try:
            p.goto(f"{site['site']}/board/?token={token}")
            p.wait_for_selector("#requests li.request")
            p.select_option("#sort", "trending")
            p.wait_for_selector("#requests li.request")
            p.select_option("#show", "mine")
            p.wait_for_selector("#requests li.empty")
            assert _axe(p) == [], scheme
            p.select_option("#show", "all")
            p.locator("#requests h3 a").first.click()
            p.wait_for_selector("#follow:not([hidden])")
            assert _axe(p) == [], scheme
            p.goto(f"{site['site']}/board/#/new")
            p.locator("#new-title").press_sequentially("Night theme", delay=20)
            p.wait_for_selector("#similar li")
            assert _axe(p) == [], scheme
            p.get_by_role("button", name="Post request").click()
            p.wait_for_selector("#duplicate-check:not([hidden])")
            assert _axe(p) == [], scheme
            p.goto(f"{site['demo']}/widget/demo.html")
            widget = p.locator("[data-featureboard-widget]")
            widget.locator(".launcher").click()
            widget.get_by_role("tab", name="Suggest a feature").click()
            widget.locator("#fb-title-input").press_sequentially("Night theme", delay=20)
            widget.locator("#fb-similar li").first.wait_for()
            assert _axe(p) == [], scheme
        finally:
            context.close()


def test_the_widgets_board_mode_lists_searches_votes_and_suggests(
    page: Any, site: dict[str, Any]
) -> None:
    top = _api_titles(site, "sort=top&limit=10")
    page.goto(f"{site['demo']}/widget/demo.html?mode=board")
    widget = page.locator("[data-featureboard-widget]")
    widget.locator(".launcher").click()
    assert widget.get_by_role("tab", name="Ideas").get_attribute("aria-selected") == "true"
    widget.locator("#fb-ideas li").first.wait_for()
    titles = widget.locator("#fb-ideas li > span").evaluate_all(
        "spans => spans.map(s => s.firstChild.textContent)"
    )
    assert titles == top
    assert not widget.locator("form").is_visible()  # no Send button on the list
    shot(page, "widget-board")

    widget.locator("#fb-search").fill("trello import")
    first = widget.locator("#fb-ideas li").first
    first.filter(has_text="Import tasks from Trello").wait_for()
    before = _request(site, "Import tasks from Trello")["votes"]
    with page.expect_response(lambda r: r.url.endswith("/vote") and r.ok):
        first.locator("button.up").click()
    assert first.locator("button.up").get_attribute("aria-pressed") == "true"
    _listed_votes_become(site, "Import tasks from Trello", before + 1)

    widget.locator("#fb-search").fill("zzqx nothing like it")
    widget.locator("#fb-ideas li", has_text="No idea like that yet").wait_for()
    widget.get_by_role("button", name="Suggest it").click()
    assert widget.locator("#fb-title-input").input_value() == "zzqx nothing like it"
    assert (
        widget.get_by_role("tab", name="Suggest", exact=True).get_attribute("aria-selected")
        == "true"
    )
    assert not page.errors


def test_the_widgets_board_mode_switches_between_the_boards_it_may_see(
    page: Any, site: dict[str, Any]
) -> None:
    http, admin = site["http"], site["adminKey"]
    for board_id, name, visibility in (
        ("phones", "Phone apps", "public"),
        ("inner", "Inner circle", "private"),
    ):
        made = http.post(
            "/v1/apps/web/boards",
            key=admin,
            body={"id": board_id, "name": name, "visibility": visibility},
        )
        assert made.status == 201, made.body
    on_board = http.post(
        "/v1/apps/web/requests", key=admin, body={"title": "Offline mode", "board": "phones"}
    )
    assert on_board.status == 201, on_board.body
    page.goto(f"{site['demo']}/widget/demo.html?mode=board")
    widget = page.locator("[data-featureboard-widget]")
    widget.locator(".launcher").click()
    switcher = widget.locator("#fb-board")
    switcher.wait_for()
    assert switcher.locator("option").all_text_contents() == ["General", "Phone apps"]
    assert not widget.locator("#fb-ideas li", has_text="Offline mode").count()
    switcher.select_option("phones")
    widget.locator("#fb-ideas li", has_text="Offline mode").wait_for()
    shot(page, "widget-board-switcher")
    widget.get_by_role("tab", name="Suggest", exact=True).click()
    widget.locator("#fb-title-input").fill("Home screen shortcut for tablets")
    with page.expect_response(lambda r: r.url.endswith("/requests") and r.status == 201):
        widget.get_by_role("button", name="Send").click()
    pub = site["apps"]["web"]["publishableKey"]
    listed = http.get("/v1/apps/web/requests?board=phones&sort=new", key=pub).body["items"]
    assert [r["title"] for r in listed] == ["Home screen shortcut for tablets", "Offline mode"]
    assert not page.errors


def test_the_widgets_matches_while_suggesting_are_of_the_chosen_board(
    page: Any, site: dict[str, Any]
) -> None:
    http, admin = site["http"], site["adminKey"]
    made = http.post(
        "/v1/apps/web/boards",
        key=admin,
        body={"id": "tablets", "name": "Tablet apps", "visibility": "public"},
    )
    assert made.status == 201, made.body
    for title, board in (
        ("Split screen for notes", "general"),
        ("Split screen notes on tablets", "tablets"),
    ):
        r = http.post("/v1/apps/web/requests", key=admin, body={"title": title, "board": board})
        assert r.status == 201, r.body
    _similar_finds(site, "split%20screen%20notes", "Split screen notes on tablets")
    _similar_finds(site, "split%20screen%20notes", "Split screen for notes")
    page.goto(f"{site['demo']}/widget/demo.html?mode=board")
    widget = page.locator("[data-featureboard-widget]")
    widget.locator(".launcher").click()
    widget.locator("#fb-board").select_option("tablets")
    widget.get_by_role("tab", name="Suggest", exact=True).click()
    title = widget.locator("#fb-title-input")
    with page.expect_response(lambda r: "/requests/similar" in r.url) as asked:
        title.press_sequentially("Split screen notes", delay=20)
    assert "board=tablets" in asked.value.url
    matches = widget.locator("#fb-similar li")
    matches.filter(has_text="Split screen notes on tablets").wait_for()
    assert matches.all_text_contents() and not matches.filter(has_text="Split screen for").count()
    for width, scheme in ((1280, "light"), (375, "light"), (1280, "dark"), (375, "dark")):
        page.set_viewport_size({"width": width, "height": 800})
        page.emulate_media(color_scheme=scheme)
        shot(page, f"widget-board-similar-{width}-{scheme}")
    widget.get_by_role("tab", name="Ideas").click()
    widget.locator("#fb-board").select_option("general")
    widget.get_by_role("tab", name="Suggest", exact=True).click()
    title.fill("")
    with page.expect_response(lambda r: "board=general" in r.url and "/similar" in r.url):
        title.press_sequentially("Split screen notes", delay=20)
    matches.filter(has_text="Split screen for notes").wait_for()
    assert not matches.filter(has_text="on tablets").count()
    # the board's own suggest form asks about the board it posts onto, too
    page.goto(f"{site['site']}/board/")
    page.get_by_role("button", name="Tablet apps").click()
    page.goto(f"{site['site']}/board/#/new")
    with page.expect_response(lambda r: "/requests/similar" in r.url) as asked:
        page.locator("#new-title").press_sequentially("Split screen notes", delay=20)
    assert "board=tablets" in asked.value.url
    page.locator("#similar li", has_text="Split screen notes on tablets").wait_for()
    assert not page.locator("#similar li", has_text="Split screen for").count()
    assert not page.errors
