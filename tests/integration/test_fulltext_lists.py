"""The packed posting lists (``services/postings.py``): a narrowed search finds matches far
beyond a term's best, whether the index was built request by request or in bulk; a query
stays within the list page's budget; replays and two consumers of one request leave each
posting exactly once; an index built by older code is migrated by reindex."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.ai.terms import impacts
from chalicelib.records import FeatureRequest, Person
from chalicelib.services import fulltext, postings
from chalicelib.services.rankings import _desc
from chalicelib.store import Keys, meter, reset_meter
from tests.helpers import Api, Tenant

WORD = "lantern"


def _made(tenant: Tenant, total: int = 300) -> list[FeatureRequest]:
    """``total`` requests holding WORD with impacts of many sizes, none tagged."""
    return [
        FeatureRequest(
            tenant=tenant.id,
            app="web",
            id=f"01J{n:023d}",
            title=f"{WORD} idea {n}" if n % 5 == 0 else f"Idea {n}",
            description=f"{WORD} " + "glow " * (n % 70),
            author=Person("u-1", "U"),
            created_ms=1_700_000_000_000 + n,
            updated_ms=1_700_000_000_000 + n,
        )
        for n in range(total)
    ]


def _by_impact(reqs: list[FeatureRequest]) -> list[FeatureRequest]:
    """The index's order for a one-word query: impact, then newest first."""
    return sorted(reqs, key=lambda r: (-impacts(r.title, r.description)[WORD], _desc(r.id)))


def _load(ctx: Any, tenant: Tenant, reqs: list[FeatureRequest], how: str) -> None:
    ctx.store.bulk_put_requests(reqs)
    if how == "bulk":
        fulltext.bulk(ctx, tenant.id, "web", reqs)
    else:
        for r in reqs:
            fulltext.keep(ctx, tenant.id, "web", r.id, r)


def _titles(api: Api, tenant: Tenant, query: str, user: str | None = None) -> list[str]:
    token = tenant.token(user) if user else None
    r = api.get(tenant.path(f"/requests?{query}"), key=tenant.pub_key, token=token)
    assert r.status == 200, r.body
    return [i["title"] for i in r.body["items"]]


def _listed(ctx: Any, tenant: Tenant, term: str) -> list[str]:
    """Every request id in the term's list (head and parts), repeats kept."""
    head = ctx.store.read_index(tenant.id, "web", [(term, "general", 0)], consistent=True)[0]
    head = head.get((term, "general", 0)) or {}
    parts = [(term, "general", n) for n in range(1, len(head.get("b") or []) + 2)]
    found = ctx.store.read_index(tenant.id, "web", parts, consistent=True)[0]
    ids = list(head.get("p") or {})
    for item in found.values():
        ids += [k for k in item if k not in ("pk", "sk", "c")]
    return ids


@pytest.mark.parametrize("how", ["keep", "bulk"])
def test_a_narrowed_search_finds_the_250th_best_match(
    api: Api, tenant: Tenant, ctx: Any, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr(postings, "PART", 64)  # the 200 beyond the head fill several parts
    reqs = _made(tenant)
    order = _by_impact(reqs)
    target = order[249]
    reqs = [replace(r, tags=("rare",)) if r.id == target.id else r for r in reqs]
    _load(ctx, tenant, reqs, how)
    listed = _listed(ctx, tenant, WORD)
    assert sorted(listed) == sorted(r.id for r in reqs)  # each once, head or part
    assert _titles(api, tenant, f"q={WORD}&tag=rare") == [target.title]
    voted = order[260]
    r = api.post(
        tenant.path(f"/requests/{voted.id}/vote"), key=tenant.pub_key, token=tenant.token("me")
    )
    assert r.status == 200, r.body
    assert _titles(api, tenant, f"q={WORD}&voted=true", user="me") == [voted.title]
    first = _titles(api, tenant, f"q={WORD}&limit=5")
    assert first == [r.title for r in order[:5]]  # the head holds the best
    # a status change reaches a posting in a part: the 290th is found by its new status
    late = next(r for r in reqs if r.id == order[289].id)
    fulltext.keep(ctx, tenant.id, "web", late.id, replace(late, status="planned"))
    ctx.store.bulk_put_requests([replace(late, status="planned")])
    assert _titles(api, tenant, f"q={WORD}&status=planned") == [late.title]
    # and deleting it takes it out of its part
    fulltext.keep(ctx, tenant.id, "web", late.id, None)
    assert late.id not in _listed(ctx, tenant, WORD)
    assert len(_listed(ctx, tenant, WORD)) == 299


def test_a_search_page_stays_in_the_list_page_budget(
    api: Api, tenant: Tenant, ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and app, the rate counter (on every 10th call), the heads and vocabulary (and
    the voter's voted set), (a typo's heads or a filter's parts), the page's requests: one
    item each."""
    monkeypatch.setattr(postings, "PART", 64)
    reqs = _made(tenant)
    _load(ctx, tenant, reqs, "bulk")
    for r in _by_impact(reqs)[-25:]:  # my votes: the weakest matches, all beyond the head
        vote = api.post(
            tenant.path(f"/requests/{r.id}/vote"), key=tenant.pub_key, token=tenant.token("me")
        )
        assert vote.status == 200, vote.body
    for query, second, most_items in (
        (f"q={WORD}", 0, 1 + 1 + 1 + 20),
        (f"q={quote(WORD + ' glow idea spark beacon ember')}", 0, 1 + 6 + 4 + 20),
        ("q=lanturn", 1, 1 + 1 + 1 + 1 + 20),
        # the list's 4 parts, and no requests to read: nothing is tagged
        (f"q={WORD}&tag=ui", 0, 1 + 1 + 1 + 4),
        # my votes: the voted set comes with the heads (no read of its own), then 4 parts
        (f"q={WORD}&voted=true", 1, 1 + 1 + 1 + 1 + 4 + 20),
    ):
        reset_meter()
        mine = "voted=true" in query
        found = _titles(api, tenant, query + "&limit=20", user="me" if mine else None)
        assert len(found) == 20 or not mine
        spent = meter()
        rate_counter = spent.by_operation.pop("update_item", 0)  # every 10th call of a process
        assert rate_counter <= 1 and spent.by_operation == {
            "get_item": 1,
            "batch_get_item": 2 + second,
        }, query
        assert spent.items_read <= most_items, (query, spent.items_read)


def test_replays_and_two_consumers_leave_one_posting(api: Api, tenant: Tenant, ctx: Any) -> None:
    base = _made(tenant, 3)
    _load(ctx, tenant, base, "keep")
    edited = replace(base[1], title="Lantern beacon", description="A beacon of glow", tags=("ui",))
    ctx.store.bulk_put_requests([edited])
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            for _ in range(3):
                fulltext.keep(ctx, tenant.id, "web", edited.id, edited)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for term in impacts(edited.title, edited.description):
        assert _listed(ctx, tenant, term).count(edited.id) == 1
    assert edited.id not in _listed(ctx, tenant, "idea")
    reset_meter()
    fulltext.keep(ctx, tenant.id, "web", edited.id, edited)  # a replay reads, writes nothing
    assert meter().calls == 1
    assert _titles(api, tenant, "q=beacon&tag=ui") == ["Lantern beacon"]


def test_reindex_migrates_an_index_older_code_built(api: Api, tenant: Tenant, ctx: Any) -> None:
    """The older index had an item per (term, request), a count per term, the vocabulary by
    length and a record without version; reindex deletes them and builds the lists."""
    (req,) = _made(tenant, 1)
    ctx.store.bulk_put_requests([req])
    weights = impacts(req.title, req.description)
    old = [
        {**Keys.posting(tenant.id, "web", t, i, req.id), "s": "open", "g": []}
        for t, i in weights.items()
    ]
    old += [{**Keys.term_head(tenant.id, "web", t), "df": 1} for t in weights]
    old += [{**Keys.vocabulary(tenant.id, "web", 7), "w": {WORD}}]
    old += [{**Keys.indexed(tenant.id, "web", req.id), "w": weights, "f": {"s": "open"}}]
    for item in old:
        ctx.store._put(item)
    assert fulltext.reindex(ctx, tenant.id, "web") == 1
    for item in old[:-1]:
        assert ctx.store._get({"pk": item["pk"], "sk": item["sk"]}) is None
    assert ctx.store.indexed_doc(tenant.id, "web", req.id)["k"] == 2
    assert _titles(api, tenant, f"q={WORD}") == [req.title]
    assert _titles(api, tenant, "q=lantren") == [req.title]  # the vocabulary was rebuilt


def test_each_board_has_its_lists_and_a_move_carries_the_postings(
    api: Api, tenant: Tenant, runner: Any
) -> None:
    body = {"id": "mobile", "name": "Mobile", "visibility": "public"}
    assert api.post(tenant.path("/boards"), key=tenant.admin_key, body=body).status == 201
    made = tenant.create("Offline lantern", description="Glow without a network", board="mobile")
    tenant.create("Lantern colours", description="Pick a glow")
    runner.drain()
    assert _titles(api, tenant, "q=lantern&board=mobile") == ["Offline lantern"]
    assert _titles(api, tenant, "q=lantern") == ["Lantern colours"]
    r = api.patch(
        tenant.path(f"/requests/{made['id']}"), key=tenant.admin_key, body={"board": "general"}
    )
    assert r.status == 200, r.body
    runner.drain()
    assert _titles(api, tenant, "q=lantern&board=mobile") == []
    assert sorted(_titles(api, tenant, "q=lantern")) == ["Lantern colours", "Offline lantern"]


def test_a_part_closes_at_its_largest_id_so_every_posting_stays_in_its_range(
    tenant: Tenant, ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests come oldest first, and older ones are pushed out of the head as better ones
    come: a part that fills on such an older id must not leave newer ids outside its range
    (they would be written again to the next part and never removed from this one)."""
    monkeypatch.setattr(postings, "PART", 8)
    reqs = _made(tenant, 220)
    _load(ctx, tenant, reqs, "keep")
    head = ctx.store.read_index(tenant.id, "web", [(WORD, "general", 0)], consistent=True)[0]
    head = head[(WORD, "general", 0)]
    bounds = head.get("b") or []
    assert len(bounds) >= 2 and bounds == sorted(bounds)
    refs = [(WORD, "general", n) for n in range(1, len(bounds) + 2)]
    found = ctx.store.read_index(tenant.id, "web", refs, consistent=True)[0]
    for (_, _, part), item in found.items():
        for rid in (k for k in item if k not in ("pk", "sk", "c")):
            assert postings.part_of(head, rid) == part, (rid, part, bounds)
    listed = _listed(ctx, tenant, WORD)
    assert len(listed) == len(set(listed)) == sum(WORD in r.title + r.description for r in reqs)
