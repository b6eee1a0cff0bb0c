"""Every event type, in every chat format, stays within the documented example of that
service's body (tests/data/chat/) and within its limits: a body the worker cannot build would
be retried into the dead-letter queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.events import EVENT_TYPES
from chalicelib.notify.chat import CHAT_FORMATS, TEST_EVENT, body_of
from tests.helpers import within

RECORDED = Path(__file__).resolve().parents[1] / "data" / "chat"
REQUEST = {
    "id": "01JD0000000000000000000000",
    "title": "Dark mode " + "x" * 300,
    "description": "Please.\n" * 2000,
    "status": "planned",
    "votes": 3,
    "tags": ["ui", "themes"],
    "response": "Next month.",
}
DATA: dict[str, dict[str, Any]] = {
    "request.created": {"request": REQUEST, "actor": "u-1"},
    "request.updated": {
        "request": REQUEST,
        "actor": "team",
        "changed": ["title"],
        "previous": {"title": "Dark"},
    },
    "request.status_changed": {
        "request": REQUEST,
        "actor": "team",
        "from": "open",
        "to": "planned",
    },
    "request.deleted": {"request": REQUEST, "actor": "team"},
    "request.merged": {"request": REQUEST, "actor": "team", "into": "01JD1", "from": "open"},
    "vote.created": {
        "requestId": REQUEST["id"],
        "user": {"id": "u-2", "name": "Bo"},
        "origin": None,
    },
    "vote.deleted": {
        "requestId": REQUEST["id"],
        "user": {"id": "u-2", "name": None},
        "origin": None,
    },
    "comment.created": {
        "requestId": REQUEST["id"],
        "comment": {"id": "c1", "body": "Yes!", "author": {"id": "u-3", "name": "Cy"}},
    },
    "comment.updated": {
        "requestId": REQUEST["id"],
        "internal": True,
        "comment": {"id": "c1", "body": "Acme asked too", "author": {"id": "team", "name": "Team"}},
        "previous": {"body": "Acme asked"},
    },
    "comment.deleted": {"requestId": REQUEST["id"], "commentId": "c1"},
    "request.approved": {"requestId": REQUEST["id"], "actor": "team"},
    "request.rejected": {"requestId": REQUEST["id"], "actor": "team"},
    "comment.approved": {"requestId": REQUEST["id"], "commentId": "c1", "actor": "team"},
    "comment.rejected": {"requestId": REQUEST["id"], "commentId": "c1", "actor": "team"},
    "feedback.created": {"feedback": {"id": "f1", "message": "Love it", "rating": 5}},
    "changelog.published": {
        "entry": {
            "id": "01JD2",
            "title": "Dark mode is here " + "y" * 300,
            "body": "**Dark** mode <b>ships</b>.\n" * 2000,
            "requestIds": [REQUEST["id"]],
            "status": "published",
        }
    },
    TEST_EVENT: {"message": "A test message: this webhook works."},
    "app.updated": {
        "app": {"id": "web", "name": "Web", "statuses": [], "boards": []},
        "changed": ["boards"],
        "previous": {"boards": []},
    },
}


def envelope(kind: str) -> dict[str, Any]:
    return {"id": "e1", "type": kind, "createdAt": "2026-11-28T23:00:00.000Z", "appId": "web", "data": DATA[kind]}  # fmt: skip


def test_every_event_type_has_words() -> None:
    assert set(DATA) == {*EVENT_TYPES, TEST_EVENT}


def test_an_internal_note_says_so_in_chat() -> None:
    text = body_of("slack", envelope("comment.updated"), "").decode()
    assert "Internal note edited by Team" in text


@pytest.mark.parametrize("fmt", CHAT_FORMATS)
@pytest.mark.parametrize("kind", sorted(DATA))
def test_each_event_fits_the_documented_body(fmt: str, kind: str) -> None:
    documented = json.loads((RECORDED / f"{fmt}.json").read_text())
    documented.pop("_source")
    body = json.loads(body_of(fmt, envelope(kind), "https://board.example/board/"))
    within(body, documented)
    if fmt == "slack":
        assert len(body["blocks"][0]["text"]["text"]) <= 3000
    if fmt == "discord":
        (embed,) = body["embeds"]
        assert len(embed["title"]) <= 256 and len(embed.get("description", "")) <= 4096


@pytest.mark.parametrize("fmt", CHAT_FORMATS)
def test_a_request_links_to_the_board_when_it_has_an_address(fmt: str) -> None:
    link = "https://board.example/board/#/r/01JD0000000000000000000000"
    assert (
        link in body_of(fmt, envelope("request.created"), "https://board.example/board/").decode()
    )
    assert "#/r/" not in body_of(fmt, envelope("request.created"), "").decode()
