"""A request on a board the caller may not see is not named to them anywhere: a public
duplicate merged into it shows ``status: duplicate`` with ``duplicateOf: null``, and a
published changelog entry's ``requestIds`` leaves it out. The team sees every id; a
signed-in user sees the ``signed_in`` board's; the cost is one read per answer, not per item.
Webhooks not saved with ``privateBoards`` are not told a private target either."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.store import meter
from tests.helpers import Api, Receiver, Tenant
from tests.integration.test_changelog import draft, publish
from tools.event_runner import EventRunner


def _on(api: Api, t: Tenant, title: str, board: str) -> str:
    r = api.post(t.path("/requests"), key=t.admin_key, body={"title": title, "board": board})
    assert r.status == 201, r.body
    return str(r.body["id"])


def _merge(api: Api, t: Tenant, source: str, into: str) -> None:
    r = api.post(t.path(f"/requests/{source}/merge"), key=t.admin_key, body={"into": into})
    assert (r.status, r.body["duplicateOf"]) == (200, into), r.body


@pytest.fixture
def linked(api: Api, tenant: Tenant) -> dict[str, Any]:
    """Three public duplicates on ``general``: of a private board's request, of a signed-in
    board's, of a public one; and a published entry naming the three targets."""
    t = tenant
    for board, visibility in (("secret", "private"), ("members", "signed_in")):
        body = {"id": board, "name": board.title(), "visibility": visibility}
        assert api.post(t.path("/boards"), key=t.admin_key, body=body).status == 201
    made = {
        "secret": _on(api, t, "Roadmap for the board", "secret"),
        "members": _on(api, t, "Members-only export", "members"),
        "public": t.create("Export to CSV")["id"],
    }
    dupes = {}
    for target, title in (("secret", "SSO please"), ("members", "Export all"), ("public", "CSV")):
        dupes[target] = t.create(title, as_user="ann")["id"]
        _merge(api, t, dupes[target], made[target])
    entry = draft(api, t, requestIds=[made["public"], made["members"], made["secret"]])
    publish(api, t, entry["id"])
    return {"tenant": t, "targets": made, "dupes": dupes, "entry": entry["id"]}


def _callers(t: Tenant) -> dict[str, dict[str, Any]]:
    return {
        "anonymous": {"key": t.pub_key},
        "signed in": {"key": t.pub_key, "token": t.token("bea")},
        "admin": {"key": t.admin_key},
    }


def _expected(linked: dict[str, Any], who: str) -> dict[str, str | None]:
    """What each duplicate's ``duplicateOf`` should say to ``who``."""
    targets = linked["targets"]
    sees = {"anonymous": {"public"}, "signed in": {"public", "members"}}.get(who, set(targets))
    return {name: targets[name] if name in sees else None for name in targets}


def test_a_duplicate_of_a_hidden_request_names_no_target(api: Api, linked: dict[str, Any]) -> None:
    t, dupes = linked["tenant"], linked["dupes"]
    for who, creds in _callers(t).items():
        want = _expected(linked, who)
        listed = api.get(t.path("/requests?status=duplicate"), **creds)
        assert listed.status == 200, listed.body
        by_id = {r["id"]: r for r in listed.body["items"]}
        for name, rid in dupes.items():
            assert by_id[rid]["status"] == "duplicate", (who, name)
            assert by_id[rid]["duplicateOf"] == want[name], (who, name)
            one = api.get(t.path(f"/requests/{rid}"), **creds)
            assert one.status == 200 and one.body["status"] == "duplicate", (who, one.body)
            assert one.body["duplicateOf"] == want[name], (who, name)
        for order in ("top", "new"):  # the board's own lists (duplicates last / by time)
            got = api.get(t.path(f"/requests?sort={order}&limit=100"), **creds).body["items"]
            assert {r["id"]: r["duplicateOf"] for r in got if r["id"] in dupes.values()} == {
                dupes[n]: want[n] for n in dupes
            }, (who, order)
    # the hidden target itself is still 404 to them; the 409 of a comment there names nothing
    secret, user = linked["targets"]["secret"], {"key": t.pub_key, "token": t.token("bea")}
    assert api.get(t.path(f"/requests/{secret}"), **user).status == 404
    closed = api.post(
        t.path(f"/requests/{dupes['secret']}/comments"), body={"body": "still here?"}, **user
    )
    assert closed.status == 409 and secret not in closed.body["error"]["message"]
    voted = api.post(t.path(f"/requests/{dupes['secret']}/vote"), **user)
    assert voted.status == 409 and secret not in voted.body["error"]["message"]
    unvoted = api.delete(t.path(f"/requests/{dupes['secret']}/vote"), **user)
    assert unvoted.status == 200 and unvoted.body["duplicateOf"] is None


def test_a_changelog_names_only_requests_the_reader_may_see(
    api: Api, linked: dict[str, Any]
) -> None:
    t, targets, entry = linked["tenant"], linked["targets"], linked["entry"]
    for who, creds in _callers(t).items():
        want = [rid for name, rid in targets.items() if _expected(linked, who)[name]]
        listed = api.get(t.path("/changelog"), **creds)
        assert listed.status == 200, listed.body
        assert sorted(listed.body["items"][0]["requestIds"]) == sorted(want), who
        one = api.get(t.path(f"/changelog/{entry}"), **creds)
        assert sorted(one.body["requestIds"]) == sorted(want), who
    feed = api.get(t.path(f"/changelog/feed.atom?key={t.pub_key}"))
    assert feed.status == 200 and "Dark mode is here" in feed.body
    assert targets["secret"] not in feed.body and targets["members"] not in feed.body


def test_hiding_costs_one_read_per_page_not_per_item(api: Api, linked: dict[str, Any]) -> None:
    """The same caller, the same list: a page without duplicates reads no board; a page of
    three duplicates, one BatchGetItem of their targets' three counters. The team reads none."""
    t = linked["tenant"]
    spent = {}
    for who, key in (("team", t.admin_key), ("anonymous", t.pub_key)):
        for status in ("open", "duplicate"):
            assert api.get(t.path(f"/requests?status={status}"), key=key).status == 200
            spent[who, status] = meter()
    plain, hiding = spent["anonymous", "open"], spent["anonymous", "duplicate"]
    assert spent["team", "duplicate"].calls == spent["team", "open"].calls
    assert hiding.calls == plain.calls + 1, (plain, hiding)
    assert hiding.by_operation["batch_get_item"] == plain.by_operation["batch_get_item"] + 1
    print(f"anonymous page: without duplicates {plain}, of three duplicates {hiding}")
    bare = draft(api, t, title="Nothing linked")["id"]
    publish(api, t, bare)
    for entry in (bare, linked["entry"]):
        assert api.get(t.path(f"/changelog/{entry}"), key=t.pub_key).status == 200
        spent[entry] = meter()
    plain, hiding = spent[bare], spent[linked["entry"]]
    assert hiding.calls == plain.calls + 1, (plain, hiding)
    assert hiding.by_operation["batch_get_item"] == plain.by_operation.get("batch_get_item", 0) + 1
    assert api.get(t.path("/changelog"), key=t.pub_key).status == 200
    print(f"changelog: entry without links {plain}, with three {hiding}, page {meter()}")


@pytest.fixture
def two_hooks(api: Api, tenant: Tenant) -> Iterator[Callable[[str], dict[str, Any]]]:
    """``two_hooks(event)``: a webhook outside the team and one saved with ``privateBoards``,
    both for ``event``, a private board's request and a public one; the receivers stop after."""
    t, made = tenant, []

    def setup(event: str) -> dict[str, Any]:
        outside, inside = Receiver(), Receiver()
        made.extend((outside, inside))
        hooks = [
            {"url": outside.url, "events": [event]},
            {"url": inside.url, "events": [event], "privateBoards": True},
        ]
        assert api.patch(t.path(), key=t.admin_key, body={"webhooks": hooks}).status == 200
        body = {"id": "secret", "name": "Secret", "visibility": "private"}
        assert api.post(t.path("/boards"), key=t.admin_key, body=body).status == 201
        secret = _on(api, t, "Roadmap for the board", "secret")
        public = t.create("Export to CSV")["id"]
        return {"outside": outside, "inside": inside, "secret": secret, "public": public}

    yield setup
    for receiver in made:
        receiver.server.shutdown()


def test_webhooks_outside_the_team_are_not_told_a_private_target(
    api: Api, tenant: Tenant, runner: EventRunner, two_hooks: Callable[[str], dict[str, Any]]
) -> None:
    t, hooks = tenant, two_hooks("request.merged")
    secret, public = hooks["secret"], hooks["public"]
    for title, into in (("SSO please", secret), ("CSV", public)):
        _merge(api, t, t.create(title)["id"], into)
    runner.drain()

    def told(hook: Receiver) -> list[tuple[Any, Any]]:
        got = [json.loads(r["body"])["data"] for r in hook.received]
        return sorted(((d["into"], d["request"]["duplicateOf"]) for d in got), key=str)

    assert told(hooks["inside"]) == sorted([(secret, secret), (public, public)], key=str)
    assert told(hooks["outside"]) == sorted([(None, None), (public, public)], key=str)
    assert secret.encode() not in b"".join(r["body"] for r in hooks["outside"].received)


def test_a_published_changelog_tells_webhooks_outside_the_team_only_visible_requests(
    api: Api, tenant: Tenant, runner: EventRunner, two_hooks: Callable[[str], dict[str, Any]]
) -> None:
    """``changelog.published`` names its requests: a webhook without ``privateBoards`` gets
    the entry without the private board's (found by an outside check); one with it gets all."""
    t, hooks = tenant, two_hooks("changelog.published")
    secret, public = hooks["secret"], hooks["public"]
    publish(api, t, draft(api, t, requestIds=[secret, public])["id"])
    runner.drain()

    def named(hook: Receiver) -> list[list[str]]:
        got = [json.loads(r["body"])["data"]["entry"] for r in hook.received]
        return [sorted(e["requestIds"]) for e in got]

    assert named(hooks["inside"]) == [sorted([secret, public])]
    assert named(hooks["outside"]) == [[public]]
    assert secret.encode() not in b"".join(r["body"] for r in hooks["outside"].received)
