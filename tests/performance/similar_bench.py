"""`make bench`, "did you mean" part: what one call costs at 1,000 and 10,000 requests,
and whether the full-text index could choose its candidates without losing recall.

Cost: every request has its title in the title index and a stored vector (random: the
cost does not depend on what a vector says); a call is measured with the process's cache
empty (a cold process, or every ``search.CACHE_S`` seconds) and filled.

Recall at 5 (``semantic_eval.recall_at_5``'s protocol: each group's first title finds
another member): ranking the whole app, as the service does, against ranking only the
``CANDIDATES`` best word matches the board's search index gives (``fulltext.ranked``, open
and active requests), by embedding and by words alone. Each product of a split is an app of
its own, indexed as the stream consumer indexes it (``fulltext.bulk``); the query's own row
is left out and takes no candidate's place.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tests.performance.search_bench import Billing, _aws, _straight_into_moto, _table, corpus

CANDIDATES = 30  # what a candidate step could read per call: 30 requests + 30 vectors


def _indexed_app(ctx: Any, name: str, rows: list[dict[str, str]]) -> Any:
    """An app holding ``rows`` (ids ``r0``…), indexed for full-text search."""
    from chalicelib.records import App, FeatureRequest, Person
    from chalicelib.services import fulltext

    reqs = [
        FeatureRequest(
            tenant="sim",
            app=name,
            id=r["id"],
            title=r["title"],
            description="",
            author=Person("u", "U"),
            created_ms=n,
            updated_ms=n,
        )
        for n, r in enumerate(rows)
    ]
    with _straight_into_moto(ctx):
        ctx.store.bulk_put_requests(reqs)
        fulltext.bulk(ctx, "sim", name, reqs)
    return App("sim", name, name, "", "", 0, 0)


def _word_candidates(ctx: Any, app: Any, q: str, own: str) -> list[str]:
    from chalicelib.services import fulltext, search
    from chalicelib.workflow import status_kind

    found = fulltext.ranked(ctx, app, q)
    fit = [rid for rid, _, hit in found if status_kind(app, hit["s"]) in search.SEARCHABLE]
    return [rid for rid in fit if rid != own][:CANDIDATES]


def recall(split: Any) -> dict[str, float]:
    """Recall at 5 of the four ways: whole app or word candidates, embedding or words."""
    from chalicelib.ai.semantic import SemanticIndex
    from chalicelib.ai.similarity import Index
    from chalicelib.context import get_context
    from tests.performance.semantic_eval import load_requests, vectors_of

    hits: dict[str, int] = defaultdict(int)
    total = 0
    with _aws():
        _table()
        ctx = get_context()
        for p, rows in enumerate(load_requests(split.requests).values()):
            app = _indexed_app(ctx, f"p{p}", rows)
            titles = {r["id"]: r["title"] for r in rows}
            vectors = dict(zip(titles, vectors_of(list(titles.values())), strict=True))
            whole = SemanticIndex(list(titles), list(titles.values()), list(vectors.values()))
            words = Index(titles.items())
            groups: dict[str, list[str]] = defaultdict(list)
            for r in rows:
                if r["group"]:
                    groups[r["group"]].append(r["id"])
            for own, *others in groups.values():
                q, vector = titles[own], vectors[own]
                picked = _word_candidates(ctx, app, q, own)
                near = [titles[i] for i in picked]
                found = {
                    "embedding, whole app": whole.search(q, vector, 5, exclude=own),
                    "embedding, word candidates": SemanticIndex(
                        picked, near, [vectors[i] for i in picked]
                    ).search(q, vector, 5),
                    "words, whole app": [x for x in words.search(q, 6) if x[0] != own][:5],
                    "words, word candidates": Index(zip(picked, near, strict=True)).search(q, 5),
                }
                for label, top in found.items():
                    hits[label] += bool({rid for rid, _ in top} & set(others))
                total += 1
    return {label: count / total for label, count in hits.items()}


def quality() -> None:
    from tests.performance.semantic_eval import SPLITS

    print(f'\n"did you mean": recall at 5, whole app against its {CANDIDATES} best word matches')
    for split in SPLITS:
        found = recall(split)
        print(f"  {split.name:10} " + "; ".join(f"{k} {v:.2f}" for k, v in found.items()))


def _load(ctx: Any, app_id: str, total: int) -> None:
    """``total`` requests with their postings, title index entries and vectors, straight
    into moto (the load is not what is measured)."""
    import base64
    import zlib

    import numpy as np

    from chalicelib.services import fulltext
    from chalicelib.services.vectors import text_hash
    from chalicelib.store.codec import _to_ddb
    from chalicelib.store.keys import Keys

    batch = corpus(total, "bench", app_id)
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((total, 384)).astype(np.float16)
    shards: dict[int, dict[str, str]] = defaultdict(dict)
    for r in batch:  # as ``Search.index_request`` places them
        shards[zlib.crc32(r.id.encode()) % ctx.store.SEARCH_SHARDS][r.id] = f"{r.status}|{r.title}"
    items = [{**Keys.search_shard("bench", app_id, n), "e": e} for n, e in shards.items()]
    items += [
        {
            **Keys.vector("bench", app_id, r.id),
            "v": base64.b64encode(v.tobytes()).decode(),
            "h": text_hash(r.title),  # as ``Vectors.put_vector`` stores it
        }
        for r, v in zip(batch, vectors, strict=True)
    ]
    with _straight_into_moto(ctx):
        ctx.store.bulk_put_requests(batch)
        fulltext.bulk(ctx, "bench", app_id, batch)
        ctx.store._write_batch([{"PutRequest": {"Item": _to_ddb(i)}} for i in items])


def _ask(api: Any, billing: Any, path: str, key: str, total: int, label: str) -> None:
    """One "did you mean" call through the API, and a row of what it read."""
    billing.bill.reset()
    r = api.get(path, key=key)
    spent = billing.bill.reset()
    assert r.status == 200, r.body
    print(
        f"  {total:>6,} requests, {label:<22} {spent.calls} calls; "
        f"{spent.items:>6,} items; {spent.rcu:6.1f} RCU"
    )


def costs() -> None:
    """One call through the API (the key read included), cache empty and filled."""
    from chalice.test import Client

    from chalicelib.context import get_context
    from chalicelib.services import search, tenants
    from tests.helpers import Api

    print('\n"did you mean": one call, auth included: calls / items read / RCU')
    with _aws():
        client, raw = _table()
        billing = Billing(client, raw)
        ctx = get_context()
        from app import app

        api = Api(chalice_client=Client(app, stage_name="local"))
        admin = tenants.create_tenant(ctx, "bench")["adminKey"]
        for total in (1_000, 10_000):
            app_id = f"d{total}"
            made = api.post("/v1/apps", key=admin, body={"id": app_id, "name": app_id}).body
            _load(ctx, app_id, total)
            search._cache.clear()
            billing.on = True
            path = f"/v1/apps/{app_id}/requests/similar?q=export+calendar"
            call = (api, billing, path, made["publishableKey"], total)
            _ask(*call, "cache empty")
            _ask(*call, "cache filled")
            billing.bill.reset()  # what the search consumer pays to keep one title
            ctx.store.index_request("bench", app_id, "zz-new", "open|A title written now")
            ctx.store.search_changed("bench", app_id, ["zz-new"])  # its shard's change count
            kept = billing.bill.reset()
            print(
                f"  {total:>6,} requests, a title written: {kept.calls} calls; {kept.wru:.0f} WRU"
            )
            for cached in search._cache.values():  # CACHE_S later: the next call refreshes
                cached.at -= search.CACHE_S + 1
            _ask(*call, "refresh after a write")
            billing.on = False


if __name__ == "__main__":
    costs()
    quality()
