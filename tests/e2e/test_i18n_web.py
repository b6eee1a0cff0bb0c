"""The board, the console and the widget in Arabic (right to left) and in English: no English
text from the catalogue and no bare key shows in Arabic, phones never scroll sideways, the
language comes from ?lang=, the embed or the browser; and the console's tag editing."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.test_web import PATIENCE_MS, SHOTS, browser, shot, sign_in, site  # noqa: F401
from tools.resources import ROOT

CATALOGUE = ROOT / "static" / "i18n"
ENGLISH: dict[str, Any] = json.loads((CATALOGUE / "en.json").read_text(encoding="utf-8"))
ARABIC: dict[str, Any] = json.loads((CATALOGUE / "ar.json").read_text(encoding="utf-8"))
BOARD_SCREENS = {  # hash -> what shows once the screen has drawn
    "#/": "#requests li.request",
    "#/roadmap": ".roadmap li",
    "#/new": "#new-title",
    "#/changelog": "#changelog > *",
}
CONSOLE_TABS = {
    "triage": "tr[data-id]",
    "apps": "tbody tr",
    "moderation": "#mod-count:not(:empty)",
    "feedback": "tbody tr",
    "analytics": ".stat",
    "insights": "#insights-run:not(:empty)",
    "changelog": "#cl-editor",
    "workflow": "#status-list li",
    "webhooks": "#hook-url",
    "export": ".row button",
    "team": "tbody tr",
    "settings": "#branding-form",
}
# every visible text node and the labels a screen reader or a tooltip shows
TEXTS_JS = """(root) => {
  const out = [];
  const seen = (el) => el && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden";
  const walk = (node) => {
    const it = document.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const text = n.nodeValue.trim();
        if (text && seen(n.parentElement) && !n.parentElement.closest("script,style")) out.push(text);
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        for (const a of ["aria-label", "placeholder", "title"]) if (n.getAttribute(a)) out.push(n.getAttribute(a).trim());
        if (n.shadowRoot) walk(n.shadowRoot);
      }
    }
  };
  walk(root || document.body);
  return out;
}"""


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """English texts as patterns ({placeholders} match anything), less those Arabic shares."""
    found = []
    for key, value in ENGLISH.items():
        forms = value.items() if isinstance(value, dict) else [("", value)]
        for form, text in forms:
            theirs = ARABIC[key].get(form) if isinstance(ARABIC[key], dict) else ARABIC[key]
            if text == theirs or not re.search(r"[A-Za-z]{2}", re.sub(r"\{\w+\}", "", text)):
                continue  # the same in both (".", "“{text}”"): not a sign of a missing translation
            pattern = "".join(  # a count is digits (any script's), other values anything
                r"[\d.,]+"
                if part == "{count}"
                else ".+?"
                if part.startswith("{")
                else re.escape(part)
                for part in re.split(r"(\{\w+\})", text)
            )
            found.append((key, re.compile(pattern, re.S)))
    return found


PATTERNS = _patterns()


def _user_text(site: dict[str, Any]) -> str:
    """What people wrote (titles, descriptions, answers, feedback, changelog): English on
    purpose, so a text of it is not a missing translation ("Select many tasks…" is not
    "Select {title}")."""
    api, key, found = site["http"], site["adminKey"], []
    cursor = None
    while True:
        more = f"&cursor={quote(cursor)}" if cursor else ""
        page = api.get(f"/v1/apps/web/requests?limit=100{more}", key=key)
        found += [
            f"{r['title']}\n{r['description']}\n{r['response'] or ''}" for r in page.body["items"]
        ]
        cursor = page.body["nextCursor"]
        if not cursor:
            break
    found += [
        f["message"] for f in api.get("/v1/apps/web/feedback?limit=100", key=key).body["items"]
    ]
    found += [
        f"{e['title']}\n{e['body']}"
        for e in api.get("/v1/apps/web/changelog?limit=50", key=key).body["items"]
    ]
    return "\n".join(found)


def _english_in(texts: list[str], written: str = "") -> list[str]:
    """Texts that are catalogue English or a bare key, less what people wrote."""
    bad = []
    for text in texts:
        if re.sub(r"(…| \(\d+\))$", "", text) in written:
            continue
        if text in ENGLISH:
            bad.append(f"key {text}")
        bad += [f"{key}: {text!r}" for key, p in PATTERNS if p.fullmatch(text)]
    return bad


def _look(page: Any, name: str) -> None:
    """The whole page, and its first screen as a phone or a desktop shows it."""
    shot(page, name)
    page.screenshot(path=str(SHOTS / f"{name}-top.png"))


def _no_side_scroll(page: Any) -> None:
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"scrolls sideways: {wide}"


@pytest.fixture
def context_for(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(width: int = 1280, scheme: str = "light", locale: str = "en-US") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, locale=locale
        )
        context.set_default_timeout(PATIENCE_MS)
        made.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("dialog", lambda d: d.accept())
        return page

    yield make
    for context in made:
        context.close()


def _board(page: Any, site: dict[str, Any], lang: str, where: str) -> None:
    page.goto(f"{site['site']}/board/?lang={lang}{where}")
    page.wait_for_selector(BOARD_SCREENS.get(where, "#request-title"))
    page.wait_for_function("!document.querySelector('#view .muted')?.textContent.includes('…')")


def test_arabic_board_and_console_show_no_english_and_no_keys(
    context_for: Any, site: dict[str, Any]
) -> None:
    page = context_for()
    request = site["http"].get("/v1/apps/web/requests?sort=top&limit=1", key=site["adminKey"])
    written = _user_text(site)
    found: dict[str, list[str]] = {}
    for where in [*BOARD_SCREENS, f"#/r/{request.body['items'][0]['id']}"]:
        _board(page, site, "ar", where)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
            "ar",
            "rtl",
        ]
        found[f"board {where}"] = _english_in(page.evaluate(TEXTS_JS), written)
    sign_in(page, site, "triage")
    for tab, ready in CONSOLE_TABS.items():
        page.goto(f"{site['site']}/admin/?lang=ar#/{tab}")
        page.wait_for_selector(f"#nav a[data-tab={tab}][aria-current=page]")
        page.wait_for_selector(ready)
        found[f"console {tab}"] = _english_in(page.evaluate(TEXTS_JS), written)
    page.click("#nav a[data-tab=triage]")
    page.wait_for_selector("tr[data-id]")
    page.click("#manage-tags")
    page.wait_for_selector("#tags-dialog")
    found["console tags"] = _english_in(
        page.evaluate(TEXTS_JS, page.query_selector("#tags-dialog"))
    )
    assert {k: v for k, v in found.items() if v} == {}
    assert not page.errors


def test_the_english_check_would_see_english(context_for: Any, site: dict[str, Any]) -> None:
    page = context_for()
    _board(page, site, "en", "#/")
    texts = page.evaluate(TEXTS_JS)
    assert any("board.load_more" in b or "board.sort" in b for b in _english_in(texts))
    assert _english_in(["board.sort", "12 votes", "Vote for Dark mode, 1 vote"]) != []


def test_language_from_query_then_browser_and_the_switcher(
    context_for: Any, site: dict[str, Any]
) -> None:
    arab = context_for(locale="ar-EG")
    arab.goto(f"{site['site']}/board/")
    arab.wait_for_selector("#requests li.request")
    assert arab.evaluate("document.documentElement.dir") == "rtl"
    assert arab.locator("nav.tabs a[data-tab=list]").inner_text() == ARABIC["board.tab_requests"]
    votes = arab.locator("#requests li.request .meta span").all_inner_texts()
    assert not any(re.search(r"\b1 votes\b", v) for v in votes)
    arab.goto(f"{site['site']}/board/?lang=en")
    arab.wait_for_selector("#requests li.request")
    assert arab.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "en",
        "ltr",
    ]
    arab.select_option("#lang", "ar")
    arab.wait_for_url(re.compile(r"lang=ar"))
    arab.wait_for_selector("#requests li.request")
    assert arab.locator("label[for=sort]").inner_text() == ARABIC["board.sort"]
    english = context_for(locale="de-DE")  # no German catalogue: English
    english.goto(f"{site['site']}/board/")
    english.wait_for_selector("#requests li.request")
    assert english.evaluate("document.documentElement.lang") == "en"


def test_plurals_follow_the_language(context_for: Any, site: dict[str, Any]) -> None:
    page = context_for()
    _board(page, site, "en", "#/")
    counts = page.evaluate(
        "[...document.querySelectorAll('#requests li.request')].map((li) =>"
        " [li.querySelector('.count').textContent, li.querySelector('button.vote')"
        ".getAttribute('aria-label')])"
    )
    for count, label in counts:
        assert label.endswith(f", {count} vote" if count == "1" else f", {count} votes")
    page.goto(f"{site['site']}/board/?lang=ar#/")
    page.wait_for_selector("#requests li.request")
    forms = ARABIC["common.votes"]
    labels = page.locator("#requests button.vote").evaluate_all(
        "(all) => all.map((b) => b.getAttribute('aria-label'))"
    )
    assert all(any(f.replace("{count}", "") in lab for f in forms.values()) for lab in labels)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_screens_in_both_languages_and_rtl_never_scrolls_sideways(
    context_for: Any, site: dict[str, Any], lang: str, scheme: str, width: int
) -> None:
    page = context_for(width=width, scheme=scheme)
    name = f"i18n-{lang}-{scheme}-{width}"
    for where in ("#/", "#/new", "#/roadmap"):
        _board(page, site, lang, where)
        _no_side_scroll(page)
    _board(page, site, lang, "#/")
    _look(page, f"{name}-board")
    first = page.locator("#requests h3 a").first
    first.click()
    page.wait_for_selector("#request-title")
    _no_side_scroll(page)
    _look(page, f"{name}-request")
    sign_in(page, site, "triage")
    page.goto(f"{site['site']}/admin/?lang={lang}#/triage")
    page.wait_for_selector("tr[data-id]")
    _no_side_scroll(page)
    _look(page, f"{name}-console")
    page.goto(f"{site['demo']}/widget/demo.html?mode=board&lang={lang}")
    launcher = page.locator("[data-featureboard-widget]").locator("button.launcher")
    launcher.click()
    page.locator("[data-featureboard-widget]").locator("#fb-ideas li").first.wait_for()
    widget = page.locator("[data-featureboard-widget]")
    assert widget.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    if lang == "ar":
        shown = page.evaluate(TEXTS_JS, widget.element_handle())
        assert _english_in(shown, _user_text(site)) == []
    _no_side_scroll(page)
    _look(page, f"{name}-widget")
    assert not page.errors


def test_console_renames_and_deletes_a_tag_and_edits_a_requests_tags(
    context_for: Any, site: dict[str, Any]
) -> None:
    api, key = site["http"], site["adminKey"]
    old, new, gone = (f"{word}-{uuid.uuid4().hex[:6]}" for word in ("old", "new", "gone"))
    made = [
        api.post(
            "/v1/apps/web/requests",
            key=key,
            headers={"X-User-Id": "u-tags"},
            body={"title": f"Tagged request {n} {old}", "tags": [old, gone]},
        ).body["id"]
        for n in range(3)
    ]
    page = context_for()
    sign_in(page, site, "triage")
    for _ in range(240):  # the tag list is counted on the stream, behind the writes
        page.click("#manage-tags")
        page.wait_for_selector("#tags-dialog")
        if page.locator(f"#tags-dialog li[data-tag='{old}']").count():
            break
        page.locator("#tags-dialog button", has_text="Close").click()
        page.wait_for_timeout(500)
    row = page.locator(f"#tags-dialog li[data-tag='{old}']")
    assert "3 requests" in row.inner_text()
    row.locator(".rename-tag").click()
    row.locator("input").fill(new)
    row.locator("button[type=submit]").click()
    row.locator(".tag", has_text=new).wait_for()
    page.locator(f"#tags-dialog li[data-tag='{gone}'] .delete-tag").click()
    page.wait_for_selector(f"#tags-dialog li[data-tag='{gone}']", state="detached")
    shot(page, "tags-dialog")
    page.locator("#tags-dialog button", has_text="Close").click()
    for rid in made:
        assert api.get(f"/v1/apps/web/requests/{rid}", key=key).body["tags"] == [new]
    page.fill("#triage-search", "")
    line = page.locator("tr[data-id]", has_text=f"Tagged request 0 {old}")
    line.wait_for()
    line.locator("button.edit-tags").click()
    page.fill("#tags-input", f"{new}, Mobile  web")
    page.locator("dialog button[type=submit]").click()
    # the rename's notice may still be up: wait for the request itself, not for a notice
    want = [new, "mobile", "web"]
    for _ in range(240):
        got = api.get(f"/v1/apps/web/requests/{made[0]}", key=key).body["tags"]
        if got == want:
            break
        page.wait_for_timeout(250)
    assert got == want
    page.locator("tr[data-id]", has_text=f"Tagged request 0 {old}").locator(
        "button.edit-tags"
    ).click()
    page.fill("#tags-input", "Not a tag!")
    page.locator("dialog button[type=submit]").click()
    page.wait_for_selector("#messages .alert")  # the server's refusal, in plain words
    assert api.get(f"/v1/apps/web/requests/{made[0]}", key=key).body["tags"] == got
    assert not page.errors
