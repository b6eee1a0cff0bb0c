"""Moderation in the browser: the author sees "awaiting approval" on the board while others
get nothing, and a moderator clears the console's queue with the keyboard alone (screenshots
in tests/e2e/screenshots/moderation-*.png, 1280 and 375 px, light and dark)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.e2e.test_web import browser, page, shot, sign_in, site  # noqa: F401 (fixtures)
from tests.helpers import user_token


def fits(tab: Any, width: int) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def held_app(running: dict[str, Any]) -> dict[str, str]:
    """An app of its own that holds every end user's post (the shared ``web`` stays open)."""
    app_id = f"held-{uuid.uuid4().hex[:6]}"
    made = running["http"].post(
        "/v1/apps",
        key=running["adminKey"],
        body={"id": app_id, "name": "Held", "moderation": "all"},
    )
    assert made.status == 201, made.body
    return {
        "id": app_id,
        "pub": made.body["publishableKey"],
        "secret": made.body["userTokenSecret"],
    }


def both_schemes(tab: Any, name: str) -> None:
    for scheme in ("light", "dark"):
        tab.emulate_media(color_scheme=scheme)
        tab.wait_for_timeout(200)
        shot(tab, f"{name}-{scheme}")
    tab.emulate_media(color_scheme="light")


def at_both_widths(tab: Any, url: str, name: str, check: Callable[[Any], None]) -> None:
    """Open ``url`` at 1280 and 375 px, ``check`` it, see it fits, shoot it light and dark."""
    for width in (1280, 375):
        tab.set_viewport_size({"width": width, "height": 800})
        tab.goto(url)
        check(tab)
        fits(tab, width)
        both_schemes(tab, f"{name}-{width}")


def test_the_author_sees_awaiting_approval_and_nobody_else_sees_it(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    app = held_app(site)
    ann = user_token(app["secret"], "ann", name="Ann", email="ann@example.com")
    made = (
        site["http"]
        .post(
            f"/v1/apps/{app['id']}/requests",
            key=app["pub"],
            token=ann,
            body={"title": "Offline mode", "description": "Keep working on the train."},
        )
        .body
    )
    assert made["moderation"] == "pending"
    board = f"{site['site']}/board/?key={app['pub']}&app={app['id']}"

    def check(tab: Any) -> None:
        tab.wait_for_selector("#pending-note >> text=Awaiting approval")
        assert tab.locator("#comment-body, button.vote").count() == 0
        assert tab.inner_text(".request").startswith("Offline mode")  # no vote button

    at_both_widths(page, f"{board}&token={ann}#/r/{made['id']}", "moderation-board-pending", check)
    bob = user_token(app["secret"], "bob", name="Bob")
    page.goto(f"{board}&token={bob}#/r/{made['id']}")
    page.wait_for_selector("#messages [role=alert]")
    assert page.locator("#pending-note").count() == 0
    assert "Offline mode" not in page.inner_text("#view")
    page.goto(f"{board}#/")
    page.wait_for_selector("#view .empty, #view .request")
    assert "Offline mode" not in page.inner_text("#view")
    assert not page.errors


def test_the_author_sees_a_held_comment_after_a_reload_and_nobody_else_does(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    app = held_app(site)
    http, base = site["http"], f"/v1/apps/{app['id']}/requests"
    made = http.post(base, key=site["adminKey"], body={"title": "Dark mode"}).body
    said = {"body": "Yes, for the evenings."}
    assert http.post(f"{base}/{made['id']}/comments", key=site["adminKey"], body=said).status == 201
    ann = user_token(app["secret"], "ann", name="Ann", email="ann@example.com")
    mine = {"body": "Please also a dimmer sidebar."}
    posted = http.post(f"{base}/{made['id']}/comments", key=app["pub"], token=ann, body=mine)
    assert posted.body["moderation"] == "pending", posted.body
    board = f"{site['site']}/board/?key={app['pub']}&app={app['id']}"
    held = f"#comments li[data-id='{posted.body['id']}']"

    def check(tab: Any) -> None:  # a fresh load: the comment comes from the API
        tab.wait_for_selector(f"{held} .badge.pending >> text=Awaiting approval")
        assert tab.locator("#comments li").count() == 2
        assert tab.locator(f"{held} .comment-actions").count() == 0  # no edit, no delete
        assert tab.locator(f"{held} .reactions").count() == 0  # none until it is approved

    at_both_widths(
        page, f"{board}&token={ann}#/r/{made['id']}", "moderation-board-held-comment", check
    )
    bob = user_token(app["secret"], "bob", name="Bob")
    page.goto(f"{board}&token={bob}#/r/{made['id']}")
    page.wait_for_selector("#comments li")
    assert page.locator("#comments li").count() == 1
    assert "dimmer sidebar" not in page.inner_text("#view")
    assert not page.errors


def test_a_moderator_clears_the_queue_with_the_keyboard(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    app = held_app(site)
    http, pub = site["http"], app["pub"]
    open_one = http.post(
        f"/v1/apps/{app['id']}/requests", key=site["adminKey"], body={"title": "Team's own post"}
    ).body  # the team is never held: something to comment on
    posts = []
    for user, title, description in (
        ("cat", "Calendar sync", "Two-way sync with Google Calendar."),
        ("dan", "CHEAP FOLLOWERS", "Buy now http://spam.example.com http://spam.example.com"),
    ):
        token = user_token(app["secret"], user, name=user.title())
        body = {"title": title, "description": description}
        posts.append(
            http.post(f"/v1/apps/{app['id']}/requests", key=pub, token=token, body=body).body
        )
    eve = user_token(app["secret"], "eve", name="Eve")
    comment = http.post(
        f"/v1/apps/{app['id']}/requests/{open_one['id']}/comments",
        key=pub,
        token=eve,
        body={"body": "Yes please, this would help us a lot."},
    ).body
    assert [p["moderation"] for p in posts] + [comment["moderation"]] == ["pending"] * 3

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "moderation")
    page.select_option("#app-picker", app["id"])
    page.wait_for_selector("#mod-queue li >> nth=2")
    assert "approve" in page.inner_text("#mod-keys") and "j" in page.inner_text("#mod-keys")
    rows = page.locator("#mod-queue li")
    assert rows.count() == 3
    spam = page.locator("#mod-queue li.spam")
    assert spam.count() == 1 and "CHEAP FOLLOWERS" in spam.inner_text()
    assert "links" in spam.inner_text()
    fits(page, 1280)
    both_schemes(page, "moderation-console-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(200)
    fits(page, 375)
    both_schemes(page, "moderation-console-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.focus("#mod-queue")
    selected = "#mod-queue li[aria-selected=true]"
    assert "Calendar sync" in page.inner_text(selected)  # oldest first
    page.keyboard.press("a")  # approve Calendar sync
    page.wait_for_function("document.querySelectorAll('#mod-queue li').length === 2")
    assert "CHEAP FOLLOWERS" in page.inner_text(selected)
    page.keyboard.press("j")
    assert "Yes please" in page.inner_text(selected)
    page.keyboard.press("ArrowUp")
    assert "CHEAP FOLLOWERS" in page.inner_text(selected)
    page.keyboard.press("r")  # reject the spam
    page.wait_for_function("document.querySelectorAll('#mod-queue li').length === 1")
    page.keyboard.press("a")  # approve the comment
    page.wait_for_selector("#mod-count >> text=Nothing awaits approval")

    base = f"/v1/apps/{app['id']}/requests"
    listed = [r["title"] for r in http.get(base, key=pub).body["items"]]
    assert "Calendar sync" in listed and "CHEAP FOLLOWERS" not in listed
    assert http.get(f"{base}/{posts[1]['id']}", key=site["adminKey"]).status == 404
    said = http.get(f"{base}/{open_one['id']}/comments", key=pub).body["items"]
    assert [c["body"] for c in said] == ["Yes please, this would help us a lot."]
    assert not page.errors


def test_on_a_phone_the_queue_keeps_its_header_clamps_a_huge_post_and_triage_cuts_nothing(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    """At 375 px: every console tab is on screen (the row wraps, nothing hides past the edge),
    loading the queue does not scroll the header away, a 3,000-character post shows its first
    lines until "Show all", and each triage row is a card whose last control is on screen."""
    app = held_app(site)
    first = site["http"].post(
        f"/v1/apps/{app['id']}/requests", key=site["adminKey"], body={"title": "Team's post"}
    )
    assert first.status == 201, first.body
    long_request = site["http"].post(
        f"/v1/apps/{app['id']}/requests",
        key=app["pub"],
        token=user_token(app["secret"], "hal", name="Hal"),
        body={"title": "A long request", "description": "\n\n".join(["Paragraph."] * 40)},
    )
    assert long_request.body["moderation"] == "pending", long_request.body
    for user in ("fay", "gus"):
        made = site["http"].post(
            f"/v1/apps/{app['id']}/requests/{first.body['id']}/comments",
            key=app["pub"],
            token=user_token(app["secret"], user, name=user.title()),
            body={"body": "🙂" * 3000 if user == "fay" else "Short and sweet."},
        )
        assert made.body["moderation"] == "pending", made.body
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, site, "moderation")
    page.select_option("#app-picker", app["id"])
    page.wait_for_selector("#mod-queue li >> nth=2")
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 0  # the header and the settings stay in view
    request = page.locator("#mod-queue li", has_text="A long request")
    request.locator("button.show-all").click()  # a held request's description, all of it
    assert request.locator(".mod-body").inner_text().count("Paragraph.") == 40
    tabs = page.eval_on_selector_all("#nav a", "as => as.map(a => a.getBoundingClientRect().right)")
    assert len(tabs) >= 10 and max(tabs) <= 375
    huge = page.locator("#mod-queue li", has_text="🙂")
    box = huge.locator(".mod-text").bounding_box()
    assert box is not None and box["height"] < 200  # clamped: 3,000 emoji are ~60 lines
    huge.locator("button.show-all").click()
    opened = huge.locator(".mod-text").bounding_box()
    assert opened is not None and opened["height"] > 1000
    assert huge.locator("button.show-all").count() == 0
    short = page.locator("#mod-queue li", has_text="Short and sweet.")
    assert short.locator("button.show-all").count() == 0
    fits(page, 375)
    both_schemes(page, "moderation-console-375-clamp")

    page.goto(f"{site['site']}/admin/#/triage")
    page.select_option("#app-picker", app["id"])
    page.wait_for_selector("#triage-table tbody tr[data-id]")
    rights = page.eval_on_selector_all(
        "#triage-table tbody tr[data-id] :is(select, button, input)",
        "els => els.map(e => e.getBoundingClientRect().right)",
    )
    assert rights and max(rights) <= 375  # no control cut at the edge of a scroller
    assert page.locator("#triage-table thead").is_hidden()
    labels = page.eval_on_selector_all(
        "#triage-table tbody tr[data-id] td[data-label]",
        "tds => tds.map(td => getComputedStyle(td, '::before').content)",
    )
    assert labels[:3] == ['"Votes"', '"Status"', '"Priority"']  # each field labelled
    fits(page, 375)
    both_schemes(page, "triage-console-375")

    said = site["http"].post(
        f"/v1/apps/{app['id']}/feedback",
        key=app["pub"],
        token=user_token(app["secret"], "ida", name="Ida", email="ida@example.com"),
        body={"message": "Love it", "rating": 5, "type": "praise"},
    )
    assert said.status == 201, said.body
    page.goto(f"{site['site']}/admin/#/feedback")
    page.select_option("#app-picker", app["id"])
    page.wait_for_selector("#feedback-table tbody tr >> text=Love it")
    card = page.inner_text("#feedback-table tbody tr")
    assert "praise" in card and "ida@example.com" in card  # nothing hidden on a phone
    fits(page, 375)
    both_schemes(page, "feedback-console-375")
    assert not page.errors
