"""What only shows over real HTTP with many callers: exact counts, replays, paging."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.helpers import Api, Tenant


def test_100_concurrent_voters_give_an_exact_count(http: Api, tenant: Tenant) -> None:
    rid = tenant.create("Everyone wants this")["id"]
    tokens = [tenant.token(f"crowd-{n}") for n in range(100)]

    def vote(token: str) -> int:
        return (
            Api(base_url=http._base)
            .post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=token)
            .status
        )

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(vote, tokens + tokens[:20]))  # 20 of them vote twice
    assert statuses.count(200) == 120, statuses
    got = http.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body
    assert got["votes"] == 100
    voters, cursor = [], None
    while True:
        query = f"?limit=100&cursor={cursor}" if cursor else "?limit=100"
        page = http.get(tenant.path(f"/requests/{rid}/voters{query}"), key=tenant.admin_key).body
        voters += [u["id"] for u in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert sorted(voters) == sorted(f"crowd-{n}" for n in range(100))


def test_idempotent_create_under_concurrent_replay(http: Api, tenant: Tenant) -> None:
    token = tenant.token("replayer")

    def create(_: int) -> tuple[int, str]:
        r = Api(base_url=http._base).post(
            tenant.path("/requests"),
            key=tenant.pub_key,
            token=token,
            headers={"Idempotency-Key": "same"},
            body={"title": "Created once"},
        )
        return r.status, r.body["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(create, range(10)))
    assert {status for status, _ in results} == {201}
    assert len({rid for _, rid in results}) == 1
    listed = http.get(tenant.path("/requests"), key=tenant.pub_key).body["items"]
    assert len(listed) == 1


def test_idempotent_comment_under_concurrent_replay(http: Api, tenant: Tenant) -> None:
    """Ten at once with one key: one comment, counted once; the losers answer as it did."""
    rid = tenant.create("Comment on me once")["id"]
    token = tenant.token("commenter")

    def comment(_: int) -> tuple[int, str]:
        r = Api(base_url=http._base).post(
            tenant.path(f"/requests/{rid}/comments"),
            key=tenant.pub_key,
            token=token,
            headers={"Idempotency-Key": "same"},
            body={"body": "Said once"},
        )
        return r.status, r.body["id"] if r.status == 201 else str(r.body)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(comment, range(10)))
    assert {status for status, _ in results} == {201}, results
    assert len({cid for _, cid in results}) == 1
    listed = http.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body
    assert [c["body"] for c in listed["items"]] == ["Said once"]
    got = http.get(tenant.path(f"/requests/{rid}"), key=tenant.pub_key).body
    assert got["commentCount"] == 1


def _all_pages(http: Api, tenant: Tenant, sort: str, limit: int) -> list[dict]:
    seen, cursor = [], None
    while True:
        query = f"?sort={sort}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        r = http.get(tenant.path(f"/requests{query}"), key=tenant.pub_key)
        assert r.status == 200, r.body
        assert len(r.body["items"]) <= limit
        seen += r.body["items"]
        cursor = r.body["nextCursor"]
        if cursor is None:
            return seen


def test_paging_250_requests_returns_each_once_in_both_sorts(http: Api, tenant: Tenant) -> None:
    def create(n: int) -> str:
        return tenant.create(
            f"Request number {n}", as_user=f"author-{n % 7}", tags=["even"] if n % 2 == 0 else []
        )["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(250)))
    for n, rid in enumerate(ids[:30]):  # give some of them votes so top differs from new
        for v in range(n % 4):
            http.post(
                tenant.path(f"/requests/{rid}/vote"),
                key=tenant.pub_key,
                token=tenant.token(f"voter-{v}"),
            )

    newest = _all_pages(http, tenant, "new", 17)
    assert sorted(r["id"] for r in newest) == sorted(ids) and len(newest) == 250
    assert [r["id"] for r in newest] == sorted(ids, reverse=True)

    top = _all_pages(http, tenant, "top", 23)
    assert sorted(r["id"] for r in top) == sorted(ids) and len(top) == 250
    keys = [(r["votes"], r["createdAt"]) for r in top]  # ties: newest first
    assert keys == sorted(keys, reverse=True)

    even = [r["id"] for r in _all_pages(http, tenant, "new", 40) if "even" in r["tags"]]
    tagged, cursor = [], None
    while True:
        query = "?tag=even&limit=31" + (f"&cursor={cursor}" if cursor else "")
        page = http.get(tenant.path(f"/requests{query}"), key=tenant.pub_key).body
        tagged += [r["id"] for r in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert tagged == even and len(tagged) == 125


def test_concurrent_and_replayed_reactions_count_exactly(http: Api, tenant: Tenant) -> None:
    rid = tenant.create("React to this comment")["id"]
    said = http.post(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key,
                     token=tenant.token("author"), body={"body": "Ship it"}).body  # fmt: skip
    path = tenant.path(f"/requests/{rid}/comments/{said['id']}/reactions")
    tokens = [tenant.token(f"fan-{n}") for n in range(40)]

    def react(job: tuple[str, str, str]) -> int:
        method, reaction, token = job
        return Api(base_url=http._base).send(method, f"{path}/{reaction}", key=tenant.pub_key, token=token).status  # fmt: skip

    jobs = [("PUT", r, t) for t in tokens for r in ("%2B1", "heart")]
    jobs += [("PUT", "%2B1", t) for t in tokens[:15]]  # replays
    jobs += [("DELETE", "heart", t) for t in tokens[:10]] * 2  # take-backs, twice
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(react, jobs[:95]))  # the puts and replays first
        statuses += list(pool.map(react, jobs[95:]))
    assert set(statuses) == {200}, statuses
    listed = http.get(tenant.path(f"/requests/{rid}/comments"), key=tenant.pub_key).body
    assert listed["items"][0]["reactions"] == {"+1": 40, "heart": 30}
