"""A merge or unmerge that stops half way (a crash, throttling) is finished or undone by a
retry, never stuck, and the counts stay exact through every replay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.store import MOVE_CHUNK, ConditionFailedError, Store
from tests.helpers import Api, Tenant

SOURCE_VOTERS = [f"s-{n}" for n in range(2 * MOVE_CHUNK + 5)]  # three chunks
TARGET_VOTERS = ["t-0", "t-1", "s-0", "s-20"]  # two of them voted for both


def _voters(api: Api, t: Tenant, rid: str) -> list[str]:
    found, cursor = [], None
    while True:
        query = f"?limit=100&cursor={cursor}" if cursor else "?limit=100"
        page = api.get(t.path(f"/requests/{rid}/voters{query}"), key=t.admin_key)
        assert page.status == 200, page.body
        found += [u["id"] for u in page.body["items"]]
        cursor = page.body["nextCursor"]
        if not cursor:
            return sorted(found)


def _get(api: Api, t: Tenant, rid: str) -> dict[str, Any]:
    return api.get(t.path(f"/requests/{rid}"), key=t.admin_key).body


def _merge(api: Api, t: Tenant, source: str, into: str) -> Any:
    return api.post(t.path(f"/requests/{source}/merge"), key=t.admin_key, body={"into": into})


def _vote(api: Api, t: Tenant, rid: str, user: str, method: str = "POST") -> Any:
    return api.send(method, t.path(f"/requests/{rid}/vote"), key=t.pub_key, token=t.token(user))


def _pair(api: Api, t: Tenant) -> tuple[str, str, str]:
    source, target, other = (t.create(title)["id"] for title in ("Dark", "Night", "Other"))
    for user in SOURCE_VOTERS:
        assert _vote(api, t, source, user).status == 200
    for user in TARGET_VOTERS:
        assert _vote(api, t, target, user).status == 200
    return source, target, other


def _fail_after(
    monkeypatch: pytest.MonkeyPatch, name: str, calls: int, after_write: bool
) -> list[int]:
    """``Store.<name>`` works ``calls`` times, then raises DynamoDB's throttling error, before
    its transaction or just after it (a crash between the write and the answer)."""
    original: Callable[..., int] = getattr(Store, name)
    made = [0]

    def flaky(self: Store, *args: Any) -> int:
        made[0] += 1
        if made[0] <= calls:
            return original(self, *args)
        if after_write:
            original(self, *args)
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "TransactWriteItems",
        )

    monkeypatch.setattr(Store, name, flaky)
    return made


def _assert_merged(api: Api, t: Tenant, source: str, target: str) -> None:
    everyone = sorted(set(SOURCE_VOTERS) | set(TARGET_VOTERS))
    assert _voters(api, t, target) == everyone
    assert _get(api, t, target)["votes"] == len(everyone)
    got = _get(api, t, source)
    assert (got["status"], got["duplicateOf"], got["votes"]) == ("duplicate", target, 0)
    assert _voters(api, t, source) == []


def _assert_apart(api: Api, t: Tenant, source: str, target: str) -> None:
    assert _voters(api, t, source) == sorted(SOURCE_VOTERS)
    assert _voters(api, t, target) == sorted(TARGET_VOTERS)
    got = _get(api, t, source)
    assert (got["status"], got["duplicateOf"], got["votes"]) == ("open", None, len(SOURCE_VOTERS))
    assert _get(api, t, target)["votes"] == len(TARGET_VOTERS)


@pytest.mark.parametrize("after_write", [False, True], ids=["before-write", "after-write"])
def test_interrupted_merge_is_finished_by_a_retry(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, after_write: bool
) -> None:
    source, target, other = _pair(api, tenant)
    _fail_after(monkeypatch, "move_votes_chunk", 1, after_write)
    stopped = _merge(api, tenant, source, target)
    assert (stopped.status, stopped.code) == (500, "internal")
    monkeypatch.undo()

    # half way: nobody is counted twice or lost, and nothing can race the rest of the move
    moved = MOVE_CHUNK * (2 if after_write else 1)
    left = _get(api, tenant, source)
    assert left["status"] == "open" and left["votes"] == len(SOURCE_VOTERS) - moved
    on_both = sorted(set(_voters(api, tenant, source)) | set(_voters(api, tenant, target)))
    assert on_both == sorted(set(SOURCE_VOTERS) | set(TARGET_VOTERS))
    refusals = [
        _vote(api, tenant, source, "newcomer"),
        _vote(api, tenant, source, "s-30", method="DELETE"),
        _merge(api, tenant, source, other),
        _merge(api, tenant, target, other),
        _merge(api, tenant, other, source),
        api.delete(tenant.path(f"/requests/{target}"), key=tenant.admin_key),
        api.delete(tenant.path(f"/requests/{source}"), key=tenant.admin_key),
    ]
    assert [(r.status, r.code) for r in refusals] == [(409, "conflict")] * len(refusals)
    assert "being merged into" in refusals[0].body["error"]["message"]
    # the target itself stays open to votes
    assert _vote(api, tenant, target, "t-late").status == 200
    assert _vote(api, tenant, target, "t-late", method="DELETE").status == 200

    finished = _merge(api, tenant, source, target)
    assert finished.status == 200, finished.body
    assert (finished.body["status"], finished.body["votes"]) == ("duplicate", 0)
    _assert_merged(api, tenant, source, target)

    replayed = _merge(api, tenant, source, target)  # a client's replay of the same call
    assert replayed.status == 200 and replayed.body["status"] == "duplicate"
    _assert_merged(api, tenant, source, target)
    assert _merge(api, tenant, source, other).status == 409

    # nothing is left behind: the target takes votes, merges on and can be deleted
    assert _vote(api, tenant, target, "late").body["votes"] == len(_voters(api, tenant, target))
    assert _merge(api, tenant, target, other).status == 200
    assert _get(api, tenant, other)["votes"] == len(set(SOURCE_VOTERS) | set(TARGET_VOTERS)) + 1


def test_interrupted_merge_is_undone_by_an_unmerge(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target, _ = _pair(api, tenant)
    _fail_after(monkeypatch, "move_votes_chunk", 2, after_write=False)
    assert _merge(api, tenant, source, target).status == 500
    monkeypatch.undo()

    undone = api.post(tenant.path(f"/requests/{source}/unmerge"), key=tenant.admin_key)
    assert undone.status == 200, undone.body
    _assert_apart(api, tenant, source, target)
    assert _vote(api, tenant, source, "newcomer").status == 200
    assert api.delete(tenant.path(f"/requests/{target}"), key=tenant.admin_key).status == 204


def test_interrupted_unmerge_is_finished_by_a_retry(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target, other = _pair(api, tenant)
    assert _merge(api, tenant, source, target).status == 200
    _fail_after(monkeypatch, "restore_votes_chunk", 1, after_write=True)
    unmerge = tenant.path(f"/requests/{source}/unmerge")
    assert api.post(unmerge, key=tenant.admin_key).status == 500
    monkeypatch.undo()

    refusals = [
        _vote(api, tenant, source, "newcomer"),
        _merge(api, tenant, source, target),
        _merge(api, tenant, target, other),
        api.delete(tenant.path(f"/requests/{target}"), key=tenant.admin_key),
    ]
    assert [r.status for r in refusals] == [409] * len(refusals)
    assert "being unmerged from" in refusals[0].body["error"]["message"]

    back = api.post(unmerge, key=tenant.admin_key)
    assert back.status == 200, back.body
    _assert_apart(api, tenant, source, target)
    assert api.post(unmerge, key=tenant.admin_key).status == 409  # nothing left to undo
    assert _merge(api, tenant, source, target).status == 200  # and it can be merged again
    _assert_merged(api, tenant, source, target)


def test_a_merge_beside_the_same_merge_counts_each_voter_once(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client retries while its first call still runs: the whole second call happens
    after the first one has read its first chunk and before it writes it."""
    source, target, _ = _pair(api, tenant)
    original = Store._votes_of
    replies: list[Any] = []

    def raced(self: Store, *args: Any) -> Any:
        if not replies:
            replies.append(None)  # once; the second call's own reads pass straight through
            replies[0] = _merge(api, tenant, source, target)
        return original(self, *args)

    write, lost = Store.transact, []

    def counted(self: Store, operations: list[dict[str, Any]]) -> None:
        try:
            write(self, operations)
        except ConditionFailedError:
            lost.append(len(operations))
            raise

    monkeypatch.setattr(Store, "_votes_of", raced)
    monkeypatch.setattr(Store, "transact", counted)
    first = _merge(api, tenant, source, target)
    monkeypatch.undo()
    assert (first.status, replies[0].status) == (200, 200), (first.body, replies[0].body)
    assert lost, "the first call's stale chunk should have lost to the second call"
    assert first.body["status"] == "duplicate"
    _assert_merged(api, tenant, source, target)
