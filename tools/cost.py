"""What a request costs, measured on a local run, and what a month will cost.

`./manage.py cost` runs each kind of request against moto (in this process) through the
real routes, reads the DynamoDB capacity every call reported and the time it took, adds what
the events of a write cost downstream (SNS, the consumer functions and their table writes,
measured the same way), and prices it all with `chalicelib/pricing.py`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.pricing import AS_OF, LAMBDA_MEMORY_GB, PRICES, request_cost

from .resources import ROOT

__all__ = ["measure", "forecast", "idle_month", "SEEDS", "FIDER"]

SEEDS = {1_000: 0.83, 100_000: 4.35, 1_000_000: 43.50}  # the seed estimates, per month
SEEDS_OTHER_AT_1M = 118.50  # the seed's estimate for the other design at 1M requests
FIDER = (30.0, 100.0)  # a Fider server, per month
CONSUMERS = 5  # SNS consumer functions per event (email, webhooks, stats, sentiment, search)


class CapacityModel:
    """Read and write units by DynamoDB's pricing rules, from each call's own parameters.

    moto answers ``ReturnConsumedCapacity`` with figures that are not DynamoDB's (a
    three-item transaction reports half a unit), so the local run prices what DynamoDB would
    charge: reads 0.5 unit per 4 KB (eventually consistent), writes 1 unit per KB, doubled in
    a transaction, plus one write per index an item lands in (requests: 3, user items: 1).
    """

    def __init__(self) -> None:
        self.read_units = 0.0
        self.write_units = 0.0

    @staticmethod
    def _kb(value: Any) -> int:
        return max(1, -(-len(json.dumps(value, default=str)) // 1024))

    @staticmethod
    def _indexes(item: dict[str, Any]) -> int:
        names = set(item)
        return (3 if "top" in names else 0) + (1 if "uk" in names else 0)

    def _write(self, params: dict[str, Any], factor: int) -> float:
        item = params.get("Item") or params.get("ExpressionAttributeValues") or params.get("Key")
        touched = self._indexes(params.get("Item", {}))
        if "UpdateExpression" in params and ":lk" in params.get("ExpressionAttributeValues", {}):
            touched = 3
        if "ADD votes" in params.get("UpdateExpression", ""):
            touched = 2  # the "top" indexes move
        return factor * self._kb(item) * (1 + touched)

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        name = model.name
        if name == "GetItem":
            self.read_units += 1.0 if params.get("ConsistentRead") else 0.5
        elif name == "BatchGetItem":
            self.read_units += 0.5 * sum(len(v["Keys"]) for v in params["RequestItems"].values())
        elif name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.write_units += self._write(params, 1)
        elif name == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for r in requests:
                    self.write_units += self._write(r.get("PutRequest") or r["DeleteRequest"], 1)
        elif name == "TransactWriteItems":
            for op in params["TransactItems"]:
                self.write_units += self._write(next(iter(op.values())), 2)

    def after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "Query":
            size = len(json.dumps(parsed.get("Items", []), default=str))
            self.read_units += 0.5 * max(1, -(-size // 4096))

    def take(self) -> tuple[float, float]:
        found = (self.read_units, self.write_units)
        self.read_units = self.write_units = 0.0
        return found


@dataclass
class Kind:
    name: str
    calls: float
    read_units: float
    write_units: float
    ms: float
    events: float  # domain events the request makes downstream

    def cost(self, per_event: float) -> float:
        return request_cost(self.read_units, self.write_units, self.ms) + self.events * per_event


def _stack() -> Any:
    """moto's server in this process, the resources, a tenant with an app and keys."""
    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.settings import get_settings

    from .local_stack import free_port, start_moto
    from .resources import provision

    port = free_port()
    server = start_moto(port)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "cost",
            "AWS_SECRET_ACCESS_KEY": "cost",
            "SIGNING_SECRET": "cost-measure-secret",
            "TABLE_NAME": "featureboard-cost",
            "LOG_LEVEL": "WARNING",
            "KEY_REQUESTS_PER_MINUTE": "1000000",
            "CALLER_REQUESTS_PER_MINUTE": "1000000",
        }
    )
    get_settings.cache_clear()
    get_context.cache_clear()
    aws.reset_clients()
    os.environ.update(provision("featureboard-cost", "cost@example.com", "featureboard-cost"))
    get_settings.cache_clear()
    get_context.cache_clear()
    return server


def measure(rounds: int = 20) -> tuple[list[Kind], float]:
    """Per kind of request: DynamoDB calls, units and time, averaged; and one event's cost."""
    from chalice.test import Client

    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.services import tenants
    from chalicelib.store import meter
    from tests.helpers import Api, user_token

    from .event_runner import EventRunner

    server = _stack()
    try:
        ctx = get_context()
        settings = ctx.settings
        runner = EventRunner(
            "us-east-1",
            settings.table_name,
            settings.events_topic_arn,
            settings.webhook_queue_url,
            settings.jobs_queue_url,
        )
        runner.subscribe()
        runner.start_at_latest()
        from app import app

        api = Api(chalice_client=Client(app, stage_name="local"))
        admin = tenants.create_tenant(ctx, "cost")["adminKey"]
        made = api.post("/v1/apps", key=admin, body={"id": "web", "name": "Web"}).body
        pub = made["publishableKey"]
        ids = [
            api.post(
                "/v1/apps/web/requests",
                key=pub,
                token=user_token(made["userTokenSecret"], f"seed{n}"),
                body={"title": f"Seed request {n}", "tags": ["ui"]},
            ).body["id"]
            for n in range(25)
        ]
        runner.drain()
        plans = {
            "read: list page of 20": (lambda n: api.get("/v1/apps/web/requests", key=pub), 0),
            "read: one request": (lambda n: api.get(f"/v1/apps/web/requests/{ids[n]}", key=pub), 0),
            "vote": (
                lambda n: api.post(
                    f"/v1/apps/web/requests/{ids[n]}/vote",
                    key=pub,
                    token=user_token(made["userTokenSecret"], f"v{n}"),
                ),
                1,
            ),
            "create request": (
                lambda n: api.post(
                    "/v1/apps/web/requests",
                    key=pub,
                    token=user_token(made["userTokenSecret"], f"c{n}"),
                    body={"title": f"Measured request {n}"},
                ),
                1,
            ),
            "comment": (
                lambda n: api.post(
                    f"/v1/apps/web/requests/{ids[n]}/comments",
                    key=pub,
                    token=user_token(made["userTokenSecret"], f"m{n}"),
                    body={"body": "+1"},
                ),
                1,
            ),
            "feedback": (
                lambda n: api.post(
                    "/v1/apps/web/feedback",
                    key=pub,
                    token=user_token(made["userTokenSecret"], f"f{n}"),
                    body={"message": "Nice", "rating": 5},
                ),
                1,
            ),
        }
        model = CapacityModel()
        client = aws.client("dynamodb")
        client.meta.events.register("before-parameter-build.dynamodb", model.before)
        client.meta.events.register("after-call.dynamodb", model.after)
        kinds = []
        for name, (call, events) in plans.items():
            calls = reads = writes = ms = 0.0
            for n in range(rounds):
                model.take()
                started = time.perf_counter()
                assert call(n).status < 300
                ms += (time.perf_counter() - started) * 1000
                read_units, write_units = model.take()
                calls, reads, writes = (
                    calls + meter().calls,
                    reads + read_units,
                    writes + write_units,
                )
            kinds.append(
                Kind(name, calls / rounds, reads / rounds, writes / rounds, ms / rounds, events)
            )
        per_event = _event_cost(runner, model, sum(k.events for k in kinds) * rounds)
        return kinds, per_event
    finally:
        server.stop()


def _event_cost(runner: Any, model: CapacityModel, events: float) -> float:
    """What the consumers spend per event: SNS, their invocations, their table work."""
    model.take()
    started = time.perf_counter()
    runner.drain(timeout=300)
    seconds = time.perf_counter() - started
    read_units, write_units = model.take()
    per_event_units = (
        read_units * PRICES["dynamodb_read_unit"] + write_units * PRICES["dynamodb_write_unit"]
    ) / events
    invocations = CONSUMERS * (
        PRICES["lambda_request"]
        + PRICES["lambda_gb_second"] * LAMBDA_MEMORY_GB * seconds / (events * CONSUMERS)
    )
    return PRICES["sns_publish"] + invocations + per_event_units


def forecast(
    kinds: list[Kind], per_event: float, requests: int, mix: dict[str, float]
) -> dict[str, Any]:
    """A month of ``requests`` calls in the ``mix`` (reads, votes, creates, comments, …)."""
    groups = {
        "reads": [k for k in kinds if k.name.startswith("read")],
        "votes": [k for k in kinds if k.name == "vote"],
        "creates": [k for k in kinds if k.name == "create request"],
        "comments": [k for k in kinds if k.name == "comment"],
        "feedback": [k for k in kinds if k.name == "feedback"],
    }
    total = sum(mix.values())
    rows, monthly = [], 0.0
    for group, share in mix.items():
        members = groups.get(group)
        if not members:
            raise ValueError(f"unknown kind {group!r}; use {', '.join(groups)}")
        unit = sum(k.cost(per_event) for k in members) / len(members)
        cost = unit * requests * share / total
        monthly += cost
        rows.append(
            {"kind": group, "share": share / total, "perMillion": unit * 1e6, "month": cost}
        )
    return {
        "requests": requests,
        "rows": rows,
        "month": monthly,
        "perMillion": monthly / requests * 1e6 if requests else 0.0,
    }


def idle_month(template_path: Any = None) -> dict[str, Any]:
    """The month of a deployment nobody uses, from the resources the template holds."""
    path = template_path or ROOT / "build" / "dev" / "package" / "sam.json"
    resources = json.loads(path.read_text())["Resources"] if path.exists() else {}
    counts: dict[str, int] = {}
    for resource in resources.values():
        counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
    schedules = 2 * 30  # two nightly jobs, each a short invocation
    items = [
        (
            "Secrets Manager secret",
            counts.get("AWS::SecretsManager::Secret", 0),
            PRICES["secret_month"],
        ),
        ("CloudWatch alarms", counts.get("AWS::CloudWatch::Alarm", 0), PRICES["alarm_month"]),
        ("DynamoDB storage (1 GB at most while idle)", 1, PRICES["dynamodb_gb_month"]),
        ("S3 storage (nightly exports, ~0.1 GB)", 1, PRICES["s3_gb_month"] * 0.1),
        (
            "nightly jobs (60 invocations of ~5 s)",
            schedules,
            PRICES["lambda_request"] + PRICES["lambda_gb_second"] * LAMBDA_MEMORY_GB * 5,
        ),
    ]
    rows = [{"item": name, "count": count, "month": count * price} for name, count, price in items]
    return {
        "rows": rows,
        "month": sum(r["month"] for r in rows),
        "pricesAsOf": AS_OF,
        "fromTemplate": str(path) if resources else None,
    }


def compare(kinds: list[Kind], per_event: float, mix: dict[str, float]) -> list[dict[str, Any]]:
    idle = idle_month()["month"]
    rows = []
    for volume, seed in SEEDS.items():
        ours = forecast(kinds, per_event, volume, mix)["month"] + idle
        rows.append(
            {
                "requestsPerMonth": volume,
                "ours": ours,
                "seedEstimate": seed,
                "fider": f"{FIDER[0]:.0f}-{FIDER[1]:.0f}",
            }
        )
    rows[-1]["seedOtherDesign"] = SEEDS_OTHER_AT_1M
    return rows
