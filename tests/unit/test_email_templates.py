"""Email templates with hostile text: escaped in HTML, readable in text, never broken."""

from __future__ import annotations

import pytest

from chalicelib.notify.email import Email, render

HOSTILE = {
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "emoji": "Dark mode 🌙✨ please 🙏🏽",
    "rtl": "وضع داكن من فضلك — מצב כהה",
    "long": "A" * 60 + " " + "very-long-word-" * 20,
    "quotes": "\"quoted\" & 'single' </blockquote>",
}


def emails_for(text: str) -> list[Email]:
    request = {
        "id": "r1",
        "title": text[:120],
        "description": text,
        "tags": ["ui"],
        "author": {"id": "u1", "name": text[:40]},
        "response": text,
    }
    return [
        Email(
            "u1",
            "u1@example.com",
            "status_changed",
            "follower",
            {
                "request": request,
                "status_from": "open",
                "status_to": "in_progress",
                "into": None,
                "merged": False,
            },
        ),
        Email(
            "u1",
            "u1@example.com",
            "status_changed",
            "follower",
            {
                "request": request,
                "status_from": "open",
                "status_to": "duplicate",
                "into": {"title": text},
                "merged": True,
                "voted": True,
            },
        ),
        Email("u1", "u1@example.com", "response", "follower", {"request": request}),
        Email(
            "u1",
            "u1@example.com",
            "comment",
            "follower",
            {"request": request, "comment": {"body": text, "author": {"name": text}}},
        ),
        Email("email:t@example.com", "t@example.com", "new_request", "team", {"request": request}),
        Email(
            "email:t@example.com",
            "t@example.com",
            "new_feedback",
            "team",
            {"feedback": {"message": text, "name": text, "rating": 2}},
        ),
    ]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_every_template_escapes_html_and_keeps_text(kind: str) -> None:
    text = HOSTILE[kind]
    for email in emails_for(text):
        subject, plain, html = render(email, "App <b>name</b>", "https://x.test/u?token=a&b=c")
        assert "<script>" not in html and "<img" not in html
        assert "App &lt;b&gt;name&lt;/b&gt;" in html
        assert "\n" not in subject and len(subject) < 140
        assert "https://x.test/u?token=a&amp;b=c" in html
        assert "https://x.test/u?token=a&b=c" in plain
        if kind in ("emoji", "rtl"):
            assert text[:20] in html and text[:20] in plain
        if kind == "html":
            assert "&lt;script&gt;" in html and "<script>" in plain


def test_subjects_name_the_request_and_status() -> None:
    email = emails_for("Dark mode")[0]
    assert render(email, "Web", "u")[0] == "“Dark mode” is now in progress"


@pytest.mark.parametrize(
    ("voted", "into", "said"),
    [
        (True, {"title": "PDF export"}, 'merged into "PDF export"; your vote moved with it.'),
        (False, {"title": "PDF export"}, 'merged into "PDF export"; follow that one to hear'),
        (True, None, "merged into another request; your vote moved with it."),
        (False, None, "merged into another request.\n"),
    ],
)
def test_the_merged_email_says_your_vote_moved_only_to_voters(
    voted: bool, into: dict | None, said: str
) -> None:
    email = Email(
        "u1",
        "u1@example.com",
        "status_changed",
        "follower",
        {
            "request": {"id": "r1", "title": "Export to PDF"},
            "status_from": "open",
            "status_to": "duplicate",
            "into": into,
            "merged": True,
            "voted": voted,
        },
    )
    _, plain, html = render(email, "Web", "u")
    assert said in plain
    assert ("your vote moved" in html) is voted and ("your vote moved" in plain) is voted
    assert ("follow that one" in html) is (not voted and into is not None)
