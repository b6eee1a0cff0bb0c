"""Rate limits per caller (user, or address when anonymous) under a per-key ceiling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.context import get_context
from chalicelib.store import meter
from tests.helpers import ENVELOPE_KEYS, Api, Tenant

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


@pytest.fixture
def limits(settings_env: Any) -> Callable[..., int]:
    """``limits(CALLER_REQUESTS_PER_MINUTE="5", …)``: those limits, and a clock frozen in the
    middle of a minute so no window ends during the test; returns the window's end (s)."""

    def apply(**values: str) -> int:
        settings_env(**values)
        now = (int(time.time()) // 60) * 60_000 + 30_000
        object.__setattr__(get_context(), "clock", lambda: now)  # frozen dataclass, test only
        return now // 60_000 * 60 + 60

    return apply


def _limited(r, limit: int, reset: int) -> None:
    assert (r.status, r.code) == (429, "rate_limited"), r.body
    assert set(r.body) == ENVELOPE_KEYS
    assert r.headers["retry-after"] == "30"
    assert r.headers["x-ratelimit-limit"] == str(limit)
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert r.headers["x-ratelimit-reset"] == str(reset)


def test_one_anonymous_client_does_not_rate_limit_other_users(
    api: Api, tenant: Tenant, limits: Callable[..., int]
) -> None:
    reset = limits(CALLER_REQUESTS_PER_MINUTE="5", KEY_REQUESTS_PER_MINUTE="1000")
    listing = tenant.path("/requests")
    answers = [api.get(listing, key=tenant.pub_key) for _ in range(6)]
    assert [r.status for r in answers] == [200] * 5 + [429]
    assert [r.headers["x-ratelimit-remaining"] for r in answers[:5]] == ["4", "3", "2", "1", "0"]
    _limited(answers[5], 5, reset)
    for user in ("ada", "bob"):
        r = api.get(listing, key=tenant.pub_key, token=tenant.token(user))
        assert r.status == 200 and r.headers["x-ratelimit-remaining"] == "4", (user, r.body)
    assert api.get(listing, key=tenant.admin_key).status == 200


def test_each_signed_in_user_has_their_own_limit(
    api: Api, tenant: Tenant, limits: Callable[..., int]
) -> None:
    reset = limits(CALLER_REQUESTS_PER_MINUTE="3", KEY_REQUESTS_PER_MINUTE="1000")
    listing, ada = tenant.path("/requests"), tenant.token("ada")
    statuses = [api.get(listing, key=tenant.pub_key, token=ada).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    _limited(api.get(listing, key=tenant.pub_key, token=ada), 3, reset)
    # a fresh token of the same user is the same caller; another user and a visitor are not
    _limited(api.get(listing, key=tenant.pub_key, token=tenant.token("ada", name="A")), 3, reset)
    assert api.get(listing, key=tenant.pub_key, token=tenant.token("bob")).status == 200
    assert api.get(listing, key=tenant.pub_key).status == 200


def test_a_runaway_client_app_hits_its_keys_ceiling(
    api: Api, tenant: Tenant, limits: Callable[..., int]
) -> None:
    """Every 10th call of a caller adds 10 to the key: the ceiling holds across callers."""
    reset = limits(CALLER_REQUESTS_PER_MINUTE="1000", KEY_REQUESTS_PER_MINUTE="15")
    listing = tenant.path("/requests")
    first = [api.get(listing, key=tenant.pub_key, token=tenant.token("u1")) for _ in range(10)]
    second = [api.get(listing, key=tenant.pub_key, token=tenant.token("u2")) for _ in range(10)]
    assert [r.status for r in first + second[:9]] == [200] * 19
    _limited(second[9], 15, reset)
    assert "key" in second[9].body["error"]["message"]
    _limited(api.get(listing, key=tenant.pub_key, token=tenant.token("u3")), 15, reset)
    assert api.get(listing, key=tenant.admin_key).status == 200  # the team's key is its own


def test_every_answer_says_where_the_caller_stands(
    api: Api, tenant: Tenant, limits: Callable[..., int]
) -> None:
    reset = limits(CALLER_REQUESTS_PER_MINUTE="50", KEY_REQUESTS_PER_MINUTE="900")
    ok = api.get(tenant.path("/requests"), key=tenant.pub_key, token=tenant.token("h"))
    missing = api.get(tenant.path("/requests/nope"), key=tenant.pub_key, token=tenant.token("h"))
    admin = api.get("/v1/apps", key=tenant.admin_key)
    assert (ok.status, missing.status, admin.status) == (200, 404, 200)
    assert [ok.headers[h] for h in RATE_HEADERS] == ["50", "49", str(reset)]
    assert [missing.headers[h] for h in RATE_HEADERS] == ["50", "48", str(reset)]
    assert admin.headers["x-ratelimit-limit"] == "900"
    assert admin.headers["x-ratelimit-remaining"] in ("898", "899")  # the fixture made the app
    assert admin.headers["x-ratelimit-reset"] == str(reset)
    unknown = api.get(tenant.path("/requests"), key=tenant.pub_key[:-3] + "xyz")
    assert unknown.status == 401 and "x-ratelimit-limit" not in unknown.headers


def test_anonymous_writes_are_limited_per_address_in_the_same_count(
    api: Api, open_tenant: Tenant, limits: Callable[..., int]
) -> None:
    t = open_tenant
    reset = limits(
        CALLER_REQUESTS_PER_MINUTE="100",
        KEY_REQUESTS_PER_MINUTE="1000",
        ANONYMOUS_WRITES_PER_MINUTE="2",
    )
    sent = [api.post(t.path("/feedback"), key=t.pub_key, body={"message": "hi"}) for _ in range(2)]
    assert [r.status for r in sent] == [201, 201]
    assert meter().by_operation.get("update_item") == 1  # one counter write, reads and writes
    _limited(api.post(t.path("/feedback"), key=t.pub_key, body={"message": "hi"}), 2, reset)
    assert api.get(t.path("/requests"), key=t.pub_key).status == 200
    signed_in = api.post(
        t.path("/feedback"), key=t.pub_key, token=t.token("s"), body={"message": "me"}
    )
    assert signed_in.status == 201


def test_a_callers_calls_are_counted_in_memory_and_written_every_tenth(
    api: Api, tenant: Tenant, limits: Callable[..., int]
) -> None:
    limits(CALLER_REQUESTS_PER_MINUTE="100", KEY_REQUESTS_PER_MINUTE="1000")
    writes, remaining = [], []
    for _ in range(20):
        r = api.get(tenant.path("/requests"), key=tenant.pub_key, token=tenant.token("c"))
        assert r.status == 200
        writes.append(meter().by_operation.get("update_item", 0))
        remaining.append(int(r.headers["x-ratelimit-remaining"]))
    # the 10th and 20th calls add 10 to the caller's count (and 10 to the key's ceiling):
    # 0.2 writes a call on average, and the count each answer shows is still exact
    assert writes == [0] * 9 + [2] + [0] * 9 + [2]
    assert remaining == list(range(99, 79, -1))


def test_processes_add_their_counts_to_one_shared_counter(ctx: Any, tenant: Tenant) -> None:
    """Another process (an empty memory) goes on from what the first one wrote: the limit
    holds across processes up to what each has not written yet (fewer than a step)."""
    from chalicelib.services import ratecount

    def calls(n: int) -> list[tuple[int, int]]:
        return [ratecount.count(ctx, tenant.id, "user.t.x", 7, 120, n % 2 == 0) for n in range(n)]

    first = calls(25)
    assert first[9] == (10, 5) and first[-1] == (25, 13)
    ratecount._COUNTS.clear()  # a second process
    second = calls(10)
    assert second[0] == (1, 1) and second[-1] == (30, 5 + 5 + 5)  # 20 written before + its 10
    assert ctx.store.hit_rate(tenant.id, "user.t.x", 7, 10**10, 0, 0) == (30, 15)
    assert ratecount.step_for(5) == 1 and ratecount.step_for(50) == 5


def test_an_ipv6_client_cannot_be_a_new_caller_with_each_address_of_its_64() -> None:
    from chalicelib.services.access import address_bucket

    same = {address_bucket(f"2001:db8:7:9:{n:x}::1") for n in range(1, 500, 7)}
    assert same == {"2001:db8:7:9::/64"}
    assert address_bucket("2001:db8:7:a::1") != address_bucket("2001:db8:7:9::1")
    assert address_bucket("::ffff:203.0.113.9") == address_bucket("203.0.113.9") == "203.0.113.9"
    assert address_bucket("unknown") == "unknown"


def test_a_throttled_rate_counter_does_not_fail_calls(
    api: Api, tenant: Tenant, limits: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared counters (the caller's, every 10th call; the key's sample) cannot be
    written: the calls are answered, and the caller's limit still holds from memory."""
    from botocore.exceptions import ClientError

    def throttled(*args: Any, **kwargs: Any) -> None:
        error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}
        raise ClientError(error, "UpdateItem")

    reset = limits(CALLER_REQUESTS_PER_MINUTE="25", KEY_REQUESTS_PER_MINUTE="15")
    monkeypatch.setattr(get_context().store, "hit_rate", throttled)
    listing, ada = tenant.path("/requests"), tenant.token("ada")
    answers = [api.get(listing, key=tenant.pub_key, token=ada) for _ in range(26)]
    assert [r.status for r in answers[:25]] == [200] * 25, [r.body for r in answers]
    assert [r.headers["x-ratelimit-remaining"] for r in answers[23:25]] == ["1", "0"]
    _limited(answers[25], 25, reset)


def test_an_address_casts_a_capped_number_of_anonymous_votes_a_day_whatever_its_browser_ids(
    api: Api, open_tenant: Tenant, limits: Callable[..., int]
) -> None:
    """Each new X-Anonymous-Id is a new visitor, so the cap is per address: three votes from
    three made-up browsers, then 429 (nothing counted); a signed-in user is not capped; the
    next UTC day the address votes again."""
    t = open_tenant
    limits(
        ANONYMOUS_VOTES_PER_DAY="3",
        ANONYMOUS_WRITES_PER_MINUTE="1000",
        CALLER_REQUESTS_PER_MINUTE="1000",
        KEY_REQUESTS_PER_MINUTE="1000",
    )
    ids = [t.create(f"Capped request {n}")["id"] for n in range(5)]

    def anonymous_vote(rid: str, browser: str) -> Any:
        headers = {"X-Anonymous-Id": f"made-up-browser-{browser:0>8}"}
        return api.post(t.path(f"/requests/{rid}/vote"), key=t.pub_key, headers=headers)

    assert [anonymous_vote(ids[n], str(n)).status for n in range(3)] == [200, 200, 200]
    over = anonymous_vote(ids[3], "another")
    assert (over.status, over.code) == (429, "rate_limited"), over.body
    assert set(over.body) == ENVELOPE_KEYS and "sign in" in over.body["error"]["message"]
    assert over.headers["x-ratelimit-limit"] == "3" and int(over.headers["retry-after"]) > 0
    assert api.get(t.path(f"/requests/{ids[3]}"), key=t.pub_key).body["votes"] == 0
    signed_in = api.post(t.path(f"/requests/{ids[3]}/vote"), key=t.pub_key, token=t.token("ada"))
    assert signed_in.status == 200 and signed_in.body["votes"] == 1
    tomorrow = get_context().clock() + 86_400_000
    object.__setattr__(get_context(), "clock", lambda: tomorrow)  # frozen dataclass, test only
    assert anonymous_vote(ids[4], "next-day").status == 200
