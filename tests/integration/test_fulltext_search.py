"""``GET …/requests?q=``: words of title and description, stems and typos forgiven, best
first, combinable with status, tag and voted, paged by cursor, kept by the stream, at a cost
that does not depend on the app's size; bad input answers 400 on ``q``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.store import meter, reset_meter
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def _search(api: Api, t: Tenant, q: str, extra: str = "", user: str | None = None) -> list[str]:
    token = t.token(user) if user else None
    r = api.get(t.path(f"/requests?q={quote(q)}{extra}"), key=t.pub_key, token=token)
    assert r.status == 200, r.body
    return [i["title"] for i in r.body["items"]]


@pytest.fixture
def board(api: Api, tenant: Tenant, runner: EventRunner) -> dict[str, dict]:
    made = {
        "dark": tenant.create("Dark mode", description="A darker theme for working at night"),
        "csv": tenant.create("Export to CSV", description="Download my tasks as a spreadsheet"),
        "remind": tenant.create(
            "Reminders before due dates", description="Notifications a day before", tags=["ui"]
        ),
        "sync": tenant.create("Calendar sync", description="Export tasks into Google Calendar"),
    }
    runner.drain()
    return made


def test_words_of_title_and_description_in_any_order_best_first(
    api: Api, tenant: Tenant, board: dict
) -> None:
    # synonyms fold too: "download" is "export"
    assert _search(api, tenant, "spreadsheet download")[0] == "Export to CSV"
    # the title match outranks the description match; stems: "exporting" finds "export"
    assert _search(api, tenant, "exporting tasks") == ["Export to CSV", "Calendar sync"]
    assert _search(api, tenant, "notification")[0] == "Reminders before due dates"
    assert _search(api, tenant, "dark") == ["Dark mode"]


def test_a_typo_is_forgiven_and_a_word_of_nothing_finds_nothing(
    api: Api, tenant: Tenant, board: dict
) -> None:
    assert _search(api, tenant, "calender") == ["Calendar sync"]
    assert _search(api, tenant, "notifcations") == ["Reminders before due dates"]
    assert _search(api, tenant, "zebra") == []


def test_status_tag_and_my_votes_narrow_a_search(
    api: Api, tenant: Tenant, board: dict, runner: EventRunner
) -> None:
    r = api.patch(
        tenant.path(f"/requests/{board['sync']['id']}"),
        key=tenant.admin_key,
        body={"status": "planned"},
    )
    assert r.status == 200
    api.post(
        tenant.path(f"/requests/{board['csv']['id']}/vote"),
        key=tenant.pub_key,
        token=tenant.token("me"),
    )
    runner.drain()
    assert _search(api, tenant, "export", "&status=planned") == ["Calendar sync"]
    assert _search(api, tenant, "export", "&status=open") == ["Export to CSV"]
    assert _search(api, tenant, "before", "&tag=ui") == ["Reminders before due dates"]
    assert _search(api, tenant, "export", "&voted=true", user="me") == ["Export to CSV"]
    found = api.get(
        tenant.path("/requests?q=export&voted=true"), key=tenant.pub_key, token=tenant.token("me")
    )
    assert found.body["items"][0]["voted"] is True
    # a plain search says what the voter voted for, with the page's requests in one read
    reset_meter()
    plain = api.get(tenant.path("/requests?q=export"), key=tenant.pub_key, token=tenant.token("me"))
    assert {i["title"]: i["voted"] for i in plain.body["items"]} == {
        "Export to CSV": True,
        "Calendar sync": False,
    }
    assert meter().calls - meter().by_operation.get("update_item", 0) == 3
    # sort is ignored with q: the board sends its sort along
    assert _search(api, tenant, "export", "&sort=trending") == _search(api, tenant, "export")


def test_the_index_follows_edits_merges_and_deletes(
    api: Api, tenant: Tenant, board: dict, runner: EventRunner
) -> None:
    r = api.patch(
        tenant.path(f"/requests/{board['dark']['id']}"),
        key=tenant.admin_key,
        body={"title": "Night theme", "description": "Easier on the eyes"},
    )
    assert r.status == 200
    api.delete(tenant.path(f"/requests/{board['remind']['id']}"), key=tenant.admin_key)
    merged = api.post(
        tenant.path(f"/requests/{board['sync']['id']}/merge"),
        key=tenant.admin_key,
        body={"into": board["csv"]["id"]},
    )
    assert merged.status == 200, merged.body
    runner.drain()
    assert _search(api, tenant, "eyes") == ["Night theme"]
    assert _search(api, tenant, "working") == []
    assert _search(api, tenant, "reminders") == []
    assert _search(api, tenant, "calendar") == []  # a merged request lives on in its target
    assert _search(api, tenant, "calender") == []  # and its words left the vocabulary


def test_pages_by_cursor_each_once(api: Api, tenant: Tenant, runner: EventRunner) -> None:
    for n in range(7):
        tenant.create(f"Widget colour {n}", description="colour " * (n + 1))
    runner.drain()
    seen, cursor = [], ""
    while True:
        r = api.get(tenant.path(f"/requests?q=colour&limit=3{cursor}"), key=tenant.pub_key)
        assert r.status == 200, r.body
        seen += [i["title"] for i in r.body["items"]]
        if not r.body["nextCursor"]:
            break
        cursor = f"&cursor={r.body['nextCursor']}"
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen[0] == "Widget colour 6"  # the description that says it most
    moved = api.get(
        tenant.path(f"/requests?q=widget&limit=3{cursor or '&cursor=x'}"), key=tenant.pub_key
    )
    assert moved.status == 400


def test_another_tenant_finds_nothing_of_ours(
    api: Api, tenant: Tenant, other: Tenant, board: dict
) -> None:
    assert _search(api, other, "export") == []


def test_a_query_costs_the_same_whatever_it_matches(api: Api, tenant: Tenant, board: dict) -> None:
    _search(api, tenant, "export tasks")
    # key and app, the two terms' heads and a vocabulary band, the requests (and the rate
    # counter, written on every 10th call of a process)
    assert meter().calls - meter().by_operation.get("update_item", 0) == 3
    assert meter().items_read <= 1 + 2 + 2 + 20


@pytest.mark.parametrize(
    ("q", "status"),
    [("", 400), ("a", 400), ("x" * 101, 400), ("  a  ", 400), ("x" * 100, 200)],
)
def test_q_is_two_to_a_hundred_characters(api: Api, tenant: Tenant, q: str, status: int) -> None:
    r = api.get(tenant.path(f"/requests?q={quote(q)}"), key=tenant.pub_key)
    assert r.status == status, r.body
    if status == 400:
        assert r.body["error"]["details"][0]["field"] == "q"


@pytest.mark.parametrize("q", ["the of and", "?!…—", "🚀🔥", "“”", "ab"])
def test_a_query_without_searchable_words_finds_nothing(
    api: Api, tenant: Tenant, board: dict, q: str
) -> None:
    assert _search(api, tenant, q) == []


def test_right_to_left_and_accents_are_searchable(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    tenant.create("מצב כהה לאפליקציה", description="בבקשה")
    tenant.create("Thème sombre", description="pour la nuit")
    runner.drain()
    assert _search(api, tenant, "כהה") == ["מצב כהה לאפליקציה"]
    assert _search(api, tenant, "theme") == ["Thème sombre"]


def test_reindex_brings_requests_written_before_the_index_in(
    api: Api, tenant: Tenant, ctx: Any
) -> None:
    """Requests stored without their events (an app of the previous version) are found
    after ``manage.py reindex``; a second run writes nothing new."""
    from chalicelib.services import fulltext

    tenant.create("Offline maps", description="Download a region before a trip")
    assert _search(api, tenant, "trip") == []  # no stream runs in this test
    assert fulltext.reindex(ctx, tenant.id, "web") == 1
    assert _search(api, tenant, "trip") == ["Offline maps"]
    assert fulltext.reindex(ctx, tenant.id, "web") == 1
    assert _search(api, tenant, "trip") == ["Offline maps"]
