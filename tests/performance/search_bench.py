"""`make bench`, search part: what one search, one "my votes" page and one indexed write
cost at 1,000 and 10,000 requests, and recall at 5 on the labelled queries.

moto reports a flat capacity per call, so read and write units are worked out here from the
items themselves, as DynamoDB bills them: a read by 4 KB of what it returns (half for an
eventually consistent read), a write by 1 KB of the larger of the item before and after.
"""

from __future__ import annotations

import csv
import math
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

DATA = Path(__file__).parents[1] / "data"
WRITES = ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items")


def _value_size(value: dict[str, Any]) -> int:
    ((kind, x),) = value.items()
    if kind in ("S", "B"):
        return len(x.encode() if isinstance(x, str) else x)
    if kind == "N":
        return len(x.lstrip("-").lstrip("0")) // 2 + 2
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: e}) for e in x)
    if kind == "L":
        return 3 + sum(_value_size(e) + 1 for e in x)
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(e) + 1 for k, e in x.items())
    return 1


def item_size(item: dict[str, Any] | None) -> int:
    return sum(len(k.encode()) + _value_size(v) for k, v in (item or {}).items())


@dataclass
class Bill:
    """Calls, items read, RCU and WRU of what runs between two ``reset`` calls."""

    calls: int = 0
    items: int = 0
    rcu: float = 0.0
    wru: float = 0.0

    def reset(self) -> Bill:
        done = replace(self)
        self.calls, self.items, self.rcu, self.wru = 0, 0, 0.0, 0.0
        return done


class Billing:
    """Hooks the service's DynamoDB client; reads items' sizes through another client."""

    def __init__(self, client: Any, raw: Any) -> None:
        self.bill, self.raw, self.on = Bill(), raw, False  # off while loading the table
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    def _keys(self, name: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        if name in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params.get("Key") or {k: params["Item"][k] for k in ("pk", "sk")}
            return [(params["TableName"], key)]
        if name == "BatchWriteItem":
            return [
                (
                    table,
                    w.get("DeleteRequest", {}).get("Key")
                    or {k: w["PutRequest"]["Item"][k] for k in ("pk", "sk")},
                )
                for table, writes in params["RequestItems"].items()
                for w in writes
            ]
        if name == "TransactWriteItems":
            found = []
            for op in params["TransactItems"]:
                ((_, body),) = op.items()
                key = body.get("Key") or {k: body["Item"][k] for k in ("pk", "sk")}
                found.append((body["TableName"], key))
            return found
        return []

    def _sizes(self, keys: list[tuple[str, dict[str, Any]]]) -> list[int]:
        return [item_size(self.raw.get_item(TableName=t, Key=k).get("Item")) for t, k in keys]

    def _before(
        self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        if not self.on:
            return
        keys = self._keys(model.name, params)
        context["bill"] = (keys, self._sizes(keys), params)

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if not self.on:
            return
        keys, before, params = context.pop("bill", ([], [], {}))
        self.bill.calls += 1
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if model.name == "Query":
            self.bill.items += len(parsed.get("Items", []))
            size = sum(item_size(i) for i in parsed.get("Items", []))
            self.bill.rcu += max(1, math.ceil(size / 4096)) * factor
        elif model.name == "GetItem":
            self.bill.items += 1
            self.bill.rcu += max(1, math.ceil(item_size(parsed.get("Item")) / 4096)) * factor
        elif model.name == "BatchGetItem":
            for table, found in parsed.get("Responses", {}).items():
                consistent = params["RequestItems"][table].get("ConsistentRead")
                self.bill.items += len(found)
                self.bill.rcu += sum(
                    max(1, math.ceil(item_size(i) / 4096)) * (1.0 if consistent else 0.5)
                    for i in found
                )
        if keys:
            after = self._sizes(keys)
            double = 2 if model.name == "TransactWriteItems" else 1
            self.bill.wru += double * sum(
                max(1, math.ceil(max(b, a) / 1024)) for b, a in zip(before, after, strict=True)
            )


def _words() -> list[str]:
    """A Zipf-ordered vocabulary: the demo's and the labelled titles' words, then a long tail
    of made-up names (products, people, places) as a real board grows."""
    from tools.seed import REQUESTS

    text = " ".join(f"{t} {d}" for t, d, _, _ in REQUESTS)
    with (DATA / "requests.csv").open() as f:
        text += " " + " ".join(row["title"] for row in csv.DictReader(f))
    known = list(dict.fromkeys(w.lower().strip(".,;:!?()'\"") for w in text.split()))
    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "dar", "pix", "quo", "shi"]
    tail = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)]
    return [w for w in known if w] + tail


def corpus(total: int, tenant: str, app: str) -> list[Any]:
    from chalicelib.records import FeatureRequest, Person

    words = _words()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    rng = random.Random(15)
    statuses = ["open", "planned", "in_progress", "completed"]
    made = []
    for n in range(total):
        title = " ".join(rng.choices(words, weights, k=rng.randint(3, 7))).capitalize()
        description = " ".join(rng.choices(words, weights, k=rng.randint(15, 40)))
        ms = 1_700_000_000_000 + n
        made.append(
            FeatureRequest(
                tenant=tenant,
                app=app,
                id=f"{n:026d}",
                title=title[:120],
                description=description,
                author=Person(f"u{n % 97}", "User"),
                created_ms=ms,
                updated_ms=ms,
                status=statuses[n % 4],
                tags=("ui",) if n % 3 == 0 else (),
            )
        )
    return made


def _aws() -> Any:
    os.environ.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "SIGNING_SECRET": "bench-secret-0123456789",
            "TABLE_NAME": "featureboard-search-bench",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    from tools.moto_patches import install

    install()
    return mock_aws()


def _table() -> tuple[Any, Any]:
    import boto3

    from chalicelib import aws
    from tools.resources import ensure_table

    aws.reset_clients()
    client = aws.client("dynamodb")
    ensure_table(client, "featureboard-search-bench")
    return client, boto3.client("dynamodb")


LARGEST: dict[str, int] = {}  # bytes of the largest item of each kind a bulk load wrote


def _kind(pk: str, sk: str) -> str:
    if "#WL#" in pk:
        return "list head" if sk.endswith("#000") else "list part"
    return {"VOCAB": "vocabulary band", "SDOC": "request's record"}.get(pk.rsplit("#", 1)[-1], "")


@contextmanager
def _straight_into_moto(ctx: Any) -> Iterator[None]:
    """Bulk writes go straight into moto's backend while the table is loaded: the load is
    not what is measured, and through boto3 a 10,000-request index takes most of an hour on
    a busy machine. What is measured afterwards goes through boto3 as usual."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]

    def write(requests: list[dict[str, Any]]) -> int:
        for request in requests:
            item = request["PutRequest"]["Item"]
            kind = _kind(item["pk"]["S"], item["sk"]["S"])
            LARGEST[kind] = max(LARGEST.get(kind, 0), item_size(item))
            backend.put_item(ctx.store.table, item)
        return len(requests)

    ctx.store._write_batch = write  # shadows the method on this instance only
    try:
        yield
    finally:
        del ctx.store._write_batch


def search_costs() -> None:
    """Per query (authentication included) and per indexed write, at 1K and 10K requests."""
    from chalice.test import Client

    from chalicelib.context import get_context
    from chalicelib.services import fulltext, tenants
    from tests.helpers import Api, user_token

    print("\nsearch (q=) and my votes, a page of 20, auth included: calls / items read / RCU")
    print("  (units from item sizes; the index packs a term's postings in a head and parts of")
    print("   a few KB, see services/postings.py; 'calls' include the key read and rate counter)")
    with _aws():
        client, raw = _table()
        billing = Billing(client, raw)
        ctx = get_context()
        from app import app

        api = Api(chalice_client=Client(app, stage_name="local"))
        admin = tenants.create_tenant(ctx, "bench")["adminKey"]
        for total in (1_000, 10_000):
            app_id = f"s{total}"  # each size in an app of its own: the bulk load wants it empty
            made = api.post("/v1/apps", key=admin, body={"id": app_id, "name": app_id}).body
            token = user_token(made["userTokenSecret"], "voter")
            batch = corpus(total, "bench", app_id)
            with _straight_into_moto(ctx):
                ctx.store.bulk_put_requests(batch)
                fulltext.bulk(ctx, "bench", app_id, batch)
            for r in batch[:30]:
                api.post(
                    f"/v1/apps/{app_id}/requests/{r.id}/vote",
                    key=made["publishableKey"],
                    token=token,
                )
            print(f"  app holds {total:>6,} requests")
            print(
                "    largest items (400 KB allowed): "
                + "; ".join(f"{k} {v / 1024:.1f} KB" for k, v in sorted(LARGEST.items()) if k)
            )
            LARGEST.clear()
            token = user_token(made["userTokenSecret"], "voter")  # the load outlived the first
            billing.on = True
            for label, query, creds in (
                ("one common word", "q=task", {"key": admin}),
                ("one rarer word", "q=dropdown", {"key": admin}),
                ("two words", "q=export+calendar", {"key": admin}),
                ("four words", "q=dark+theme+mobile+sync", {"key": admin}),
                ("a typo", "q=calender", {"key": admin}),
                ("two words + status", "q=export+calendar&status=planned", {"key": admin}),
                ("one common word + tag", "q=task&tag=ui", {"key": admin}),
                ("four words + tag", "q=dark+theme+mobile+sync&tag=ui", {"key": admin}),
                (
                    "word + my votes",
                    "q=task&voted=true",
                    {"key": made["publishableKey"], "token": token},
                ),
                ("my votes (no q)", "voted=true", {"key": made["publishableKey"], "token": token}),
            ):
                billing.bill.reset()
                r = api.get(f"/v1/apps/{app_id}/requests?limit=20&{query}", **creds)
                spent = billing.bill.reset()
                assert r.status == 200, r.body
                print(
                    f"    {label:<22} {spent.calls} calls; {spent.items:>3} items; "
                    f"{spent.rcu:4.1f} RCU; {len(r.body['items']):>2} found"
                    f"{' (more)' if r.body['nextCursor'] else ''}"
                )
            _write_costs(ctx, billing, app_id)
            billing.on = False


def _write_costs(ctx: Any, billing: Billing, app_id: str) -> None:
    from chalicelib.records import FeatureRequest
    from chalicelib.services import fulltext

    new: FeatureRequest = corpus(1, "bench", app_id)[0]
    new = replace(
        new,
        id="9" * 26,
        title="Quarterly roadmap export",
        description="Export the roadmap as a slide deck for the board meeting, every quarter.",
    )
    steps = (
        ("create", new),
        (
            "edit title+description",
            replace(
                new,
                title="Quarterly roadmap slides",
                description="Slides of the roadmap for the board meeting.",
            ),
        ),
        (
            "status change",
            replace(
                new,
                title="Quarterly roadmap slides",
                description="Slides of the roadmap for the board meeting.",
                status="planned",
            ),
        ),
        ("delete", None),
    )
    line = []
    for label, state in steps:
        billing.bill.reset()
        fulltext.keep(ctx, "bench", app_id, new.id, state)
        spent = billing.bill.reset()
        line.append(f"{label} {spent.wru:.0f} WRU/{spent.calls} calls")
    print("    index upkeep per write: " + "; ".join(line))


def relevance() -> None:
    """Recall at 5 on tests/data/search/queries.csv (see its README)."""
    from chalicelib.context import get_context
    from chalicelib.records import App, FeatureRequest, Person
    from chalicelib.services import fulltext
    from tools.seed import REQUESTS

    with _aws():
        _table()
        ctx = get_context()
        docs = [(t, d) for t, d, _, _ in REQUESTS]
        with (DATA / "requests.csv").open() as f:
            docs += [(row["title"], "") for row in csv.DictReader(f)]
        reqs = [
            FeatureRequest(
                tenant="rel",
                app="web",
                id=f"{n:026d}",
                title=t,
                description=d,
                author=Person("u", "U"),
                created_ms=n,
                updated_ms=n,
            )
            for n, (t, d) in enumerate(docs)
        ]
        with _straight_into_moto(ctx):
            ctx.store.bulk_put_requests(reqs)
            fulltext.bulk(ctx, "rel", "web", reqs)
        titles = {r.id: r.title for r in reqs}
        app = App("rel", "web", "Web", "", "", 0, 0)
        by_kind: dict[str, list[bool]] = {}
        missed = []
        with (DATA / "search" / "queries.csv").open() as f:
            for row in csv.DictReader(f):
                top = [
                    titles[rid] for rid, _, _ in fulltext.ranked(ctx, app, row["query"]).hits[:5]
                ]
                hit = bool(set(row["expected"].split("|")) & set(top))
                by_kind.setdefault(row["kind"], []).append(hit)
                if not hit:
                    missed.append(row["query"])
        hits = [h for v in by_kind.values() for h in v]
        print(
            f"\nsearch relevance: recall at 5 on {len(hits)} labelled queries: {sum(hits) / len(hits):.0%}"
        )
        print("  " + "; ".join(f"{k} {sum(v)}/{len(v)}" for k, v in by_kind.items()))
        if missed:
            print(f"  missed: {', '.join(missed)}")


if __name__ == "__main__":
    relevance()
    search_costs()
