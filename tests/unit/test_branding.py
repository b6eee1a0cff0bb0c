"""Per-app branding: readable colours for any accent, and the emails in the app's brand."""

from __future__ import annotations

import re

import pytest

from chalicelib.branding import AA, contrast, email_brand, readable_on, text_on
from chalicelib.notify.email import Email, render

LIGHT, DARK = "#ffe14d", "#1a237e"  # a yellow that needs black text, a navy that needs white


def test_contrast_matches_the_wcag_reference_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#2f4fd1", "#2f4fd1") == 1.0


@pytest.mark.parametrize("accent", [LIGHT, DARK, "#808080", "#767676", "#ff0000", "#00ff00"])
def test_text_on_any_accent_reads_at_aa(accent: str) -> None:
    assert contrast(text_on(accent), accent) >= AA


def test_light_and_dark_accents_get_black_and_white_text() -> None:
    assert text_on(LIGHT) == "#000000" and text_on(DARK) == "#ffffff"


@pytest.mark.parametrize("page", ["#ffffff", "#f5f6f8", "#10131a", "#181c25"])
@pytest.mark.parametrize("accent", [LIGHT, DARK, "#808080", "#2f4fd1"])
def test_a_link_in_the_accent_is_moved_only_as_far_as_it_must(accent: str, page: str) -> None:
    link = readable_on(accent, page)
    assert contrast(link, page) >= AA
    if contrast(accent, page) >= AA:
        assert link == accent


def test_all_256_greys_read(page: str = "#ffffff") -> None:
    for level in range(256):
        grey = f"#{level:02x}{level:02x}{level:02x}"
        assert contrast(text_on(grey), grey) >= AA
        assert contrast(readable_on(grey, page), page) >= AA


def _styles(html: str, label: str) -> str:
    found = re.search(r'<a href="[^"]*" style="([^"]*)">' + re.escape(label), html)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize(("accent", "text"), [(LIGHT, "#000000"), (DARK, "#ffffff")])
def test_emails_carry_the_brand_name_logo_and_accent(accent: str, text: str) -> None:
    email = Email(
        "user-1",
        "a@example.com",
        "status_changed",
        "follower",
        {
            "request": {"id": "r1", "title": "Dark mode"},
            "status_from": "open",
            "status_to": "planned",
            "into": None,
            "merged": False,
        },
    )
    branding = {
        "name": "Acme <Ideas>",
        "logoUrl": "https://cdn.example/logo.png?a=1&b=2",
        "accentColor": accent,
    }
    _, plain, html = render(email, "web", "https://x.test/u", "https://board.test/", branding)
    assert "Acme <Ideas>" in plain and "Acme &lt;Ideas&gt;" in html
    assert '<img src="https://cdn.example/logo.png?a=1&amp;b=2"' in html
    style = _styles(html, "View the request")
    assert f"background:{accent}" in style and f"color:{text}" in style
    link = email_brand("web", branding)["link"]
    assert f'style="color:{link};">Unsubscribe' in html and contrast(link, "#ffffff") >= AA


def test_emails_without_branding_keep_the_app_name_and_default_colours() -> None:
    email = Email(
        "u",
        "a@example.com",
        "response",
        "follower",
        {"request": {"id": "r", "title": "T", "response": "Yes"}},
    )
    _, _, html = render(email, "Web app", "https://x.test/u", "https://board.test/")
    assert "Web app" in html and "<img" not in html
    assert "background:#2f4fd1;color:#ffffff" in _styles(html, "View the request")
