"""Comments in the browser: the console's comment actions on a request in triage (an internal
note, edit, delete, a reaction) and the board's reactions and edit of one's own comment,
with what a reader outside the team sees; screenshots at 1280 and 375 px, light and dark
(tests/e2e/screenshots/comments-*.png)."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_web import SHOTS, browser, page, sign_in, site  # noqa: F401 (fixtures)
from tests.helpers import user_token
from tools.resources import ROOT


def fits(tab: Any, width: int) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def serious_violations(tab: Any) -> list[tuple]:
    """axe-core's serious and critical findings on the page as it stands."""
    tab.add_script_tag(path=str(ROOT / "static" / "vendor" / "axe.min.js"))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def four_shots(tab: Any, name: str, full_page: bool) -> None:
    """``name``, ``-dark``, ``-phone-dark``, ``-phone``: 1280 and 375 px, light and dark, each
    fitting its width (the console's dialog: the viewport, over a long triage table)."""
    SHOTS.mkdir(exist_ok=True)
    for width, scheme, suffix in (
        (1280, "light", ""),
        (1280, "dark", "-dark"),
        (375, "dark", "-phone-dark"),
        (375, "light", "-phone"),
    ):
        tab.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
        tab.emulate_media(color_scheme=scheme)
        tab.wait_for_timeout(300)
        fits(tab, width)
        tab.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=full_page)


def _request(site: dict[str, Any], token: str, title: str) -> str:  # noqa: F811
    pub = site["apps"]["web"]["publishableKey"]
    r = site["http"].post("/v1/apps/web/requests", key=pub, token=token, body={"title": title})
    assert r.status == 201, r.body
    return r.body["id"]


def test_the_team_writes_an_internal_note_edits_and_deletes_in_triage(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    token = user_token(site["apps"]["web"]["userTokenSecret"], "cara", "Cara")
    rid = _request(site, token, "Bulk export of comments")
    said = site["http"].post(f"/v1/apps/web/requests/{rid}/comments", key=pub, token=token,
                             body={"body": "We need this for audits, link: http://spam.example"})  # fmt: skip
    assert said.status == 201
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "triage")
    row = page.locator("tr", has_text="Bulk export of comments")
    row.get_by_role("button", name="Comments on Bulk export of comments, 1 comment").click()
    dialog = page.locator("dialog.comments-dialog")
    dialog.locator("li.comment", has_text="We need this for audits").wait_for()
    assert dialog.locator("#note-internal").is_checked()
    dialog.locator("#note-body").fill("Acme asked for this too (40 seats).")
    dialog.get_by_role("button", name="Add internal note").click()
    note = dialog.locator("li.comment.internal", has_text="Acme asked")
    note.wait_for()
    assert "Internal note · team only" in note.inner_text()
    user = dialog.locator("li.comment", has_text="We need this for audits")
    user.get_by_role("button", name="Edit").click()
    dialog.locator("textarea[id^=edit-]").fill("We need this for audits.")
    dialog.get_by_role("button", name="Save").click()
    dialog.locator("li.comment", has_text="· edited").wait_for()
    user = dialog.locator("li.comment", has_text="We need this for audits.")
    user.locator("button[data-reaction=eyes]").click()
    user.locator("button[data-reaction=eyes][aria-pressed=true]").wait_for()
    page.wait_for_selector("#messages >> text=Comment saved.")
    assert serious_violations(page) == []
    four_shots(page, "comments-console", full_page=False)

    public = site["http"].get(f"/v1/apps/web/requests/{rid}/comments", key=pub, token=token).body
    assert [(c["body"], c["edited"]) for c in public["items"]] == [
        ("We need this for audits.", True)
    ]
    assert public["items"][0]["reactions"] == {"eyes": 1}

    page.evaluate("window.confirm = () => true")  # the fixture dismisses real dialogs
    note.get_by_role("button", name="Delete").click()
    page.wait_for_selector("#messages >> text=Comment deleted.")
    team = site["http"].get(f"/v1/apps/web/requests/{rid}/comments", key=site["adminKey"]).body
    assert [c["internal"] for c in team["items"]] == [False]
    assert not page.errors


def test_a_reader_reacts_and_edits_their_own_comment_on_the_board(
    page: Any,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    pub = site["apps"]["web"]["publishableKey"]
    secret = site["apps"]["web"]["userTokenSecret"]
    token = user_token(secret, "rhea", "Rhea")
    rid = _request(site, token, "Emoji reactions please")
    others = user_token(secret, "omar", "Omar")
    theirs = site["http"].post(f"/v1/apps/web/requests/{rid}/comments", key=pub, token=others,
                               body={"body": "Agreed, and threads too."}).body  # fmt: skip
    site["http"].put(f"/v1/apps/web/requests/{rid}/comments/{theirs['id']}/reactions/%2B1",
                     key=pub, token=others)  # fmt: skip
    site["http"].post(f"/v1/apps/web/requests/{rid}/comments", key=site["adminKey"],
                      body={"body": "SECRET internal note", "internal": True})  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site['site']}/board/?token={token}#/r/{rid}")
    item = page.locator("#comments li.comment", has_text="Agreed")
    item.wait_for()
    assert "SECRET" not in page.locator("#comments").inner_text()
    assert "null" not in item.inner_text()
    assert item.get_by_role("button", name="Edit").count() == 0  # not hers
    plus = item.locator("button[data-reaction='+1']")
    assert plus.get_attribute("aria-pressed") == "false"
    assert plus.get_attribute("aria-label") == "Thumbs up, 1 reaction"
    plus.click()
    item.locator("button[data-reaction='+1'][aria-pressed=true]").wait_for()
    assert item.locator("button[data-reaction='+1'] .count").inner_text() == "2"
    assert item.locator("button[data-reaction='+1']").get_attribute("aria-label") == (
        "Thumbs up, 2 reactions, including yours"
    )
    page.fill("#comment-body", "Me too!!")
    page.get_by_role("button", name="Comment", exact=True).click()
    mine = page.locator("#comments li.comment", has_text="Me too!!")
    mine.get_by_role("button", name="Edit").click()
    page.locator("#comments textarea[id^=edit-]").fill("Me too, for the mobile app.")
    page.get_by_role("button", name="Save").click()
    page.locator("#comments li.comment", has_text="Me too, for the mobile app.").wait_for()
    assert "· edited" in page.locator("#comments li.comment", has_text="Me too, for").inner_text()
    mine = page.locator("#comments li.comment", has_text="Me too, for")
    mine.locator("button[data-reaction=tada]").click()
    mine.locator("button[data-reaction=tada][aria-pressed=true]").wait_for()
    page.reload()
    page.locator("#comments li.comment", has_text="Me too, for the mobile app.").wait_for()
    again = page.locator("#comments li.comment", has_text="Agreed")
    assert again.locator("button[data-reaction='+1']").get_attribute("aria-pressed") == "true"
    assert serious_violations(page) == []
    four_shots(page, "comments-board", full_page=True)
    assert not page.errors
