"""What the stack costs: every billed line, from the package it deploys and a local run.

`./manage.py cost` builds the package (``build/<stage>/package/sam.json``; with
``--no-build`` it uses the one there or refuses), reads what it bills while idle (alarms,
metric filters, secrets, tracing, memory, subscriptions and their filter policies), then
runs each kind of request against moto through the real routes and prices, from AWS's
rules in chalicelib/pricing.py:

- DynamoDB by the items themselves: each write's item before and after is read back, the
  larger priced per KB (x2 in a transaction) plus every index by its projection; each read
  by the size of what it read;
- the front door, the API function's GB-seconds at the configured memory, the messages;
- each request's log lines (measured) and Lambda's own START / END / REPORT lines;
- the events a write makes: the SNS publish (64 KB chunks), the consumers the template's
  filter policies let through, their table work (measured), their lines and invocations;
- per month: X-Ray at its sampling, custom metrics from the template's metric filters,
  alarms, storage, the nightly jobs, with and without AWS's always-free tier.

`--from-logs FILE` reads exported request lines and prints count, latency and cost by route.
"""

from __future__ import annotations

import calendar
import json
import math
import os
import statistics
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chalicelib import pricing
from chalicelib.pricing import AS_OF, PRICES, month_of

from .resources import ROOT

__all__ = [
    "NoPackageError",
    "stack_of",
    "measure",
    "month",
    "idle_month",
    "matches",
    "from_logs",
    "SEEDS",
    "FIDER",
    "VOLUMES",
]

SEEDS = {1_000: 0.83, 100_000: 4.35, 1_000_000: 43.50}  # the seed estimates, per month
SEEDS_OTHER_AT_1M = 118.50  # the seed's estimate for the other design at 1M requests
FIDER = (30.0, 100.0)  # a Fider server, per month
VOLUMES = (1_000, 100_000, 1_000_000, 10_000_000)
IDLE_DATA_GB = 0.1  # what an idle deployment stores: the table (and its PITR), exports
NIGHTLY = 2 * 30  # two scheduled jobs a night


class NoPackageError(RuntimeError):
    """There is no package to price, and building one was not allowed."""


# ---------------------------------------------------------------- what the template bills


@dataclass
class Stack:
    path: str
    memory_mb: dict[str, int]
    alarms: dict[str, bool]  # name -> optional
    optional_alarms_default: bool
    metrics: list[str]  # custom metrics the metric filters make (no dimensions)
    metrics_with_dimensions: list[str]
    secrets: int
    tracing_default: str
    system_log_level: str  # Lambda's own lines: WARN writes no START / END / REPORT
    filters: dict[str, dict[str, Any]]  # SNS consumer (handler name) -> filter policy
    log_retention_days: int
    budgets: int
    table: dict[str, Any] = field(repr=False)

    def memory_of(self, handler: str) -> int:
        """A function's memory by its handler's name (the name ``filters`` uses)."""
        from .package import logical_to_handler

        found = [mb for n, mb in self.memory_mb.items() if logical_to_handler(n) == handler]
        return found[0] if found else 128

    @property
    def platform_logs(self) -> bool:
        return self.system_log_level != "WARN"

    def alarm_count(self, optional: bool) -> int:
        return sum(1 for o in self.alarms.values() if optional or not o)


def stack_of(stage: str = "prod", build: bool = True) -> Stack:
    """The package's template, built now (or the one in build/ when ``build`` is False)."""
    from .package import logical_to_handler, package

    out = ROOT / "build" / stage
    path = out / "package" / "sam.json"
    if build:
        path = package(stage, out)
    elif not path.exists():
        raise NoPackageError(
            f"no {path.relative_to(ROOT)}: run `make package STAGE={stage}` or drop --no-build"
        )
    template = json.loads(path.read_text())
    resources, params = template["Resources"], template.get("Parameters", {})
    functions = {
        n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"
    }
    filters = {}
    for name, props in functions.items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "SNS":
                filters[logical_to_handler(name)] = event["Properties"].get("FilterPolicy", {})
    metric_filters = [
        r["Properties"]["MetricTransformations"][0]
        for r in resources.values()
        if r["Type"] == "AWS::Logs::MetricFilter"
    ]
    return Stack(
        path=str(path.relative_to(ROOT)),
        memory_mb={n: int(p.get("MemorySize", 128)) for n, p in functions.items()},
        alarms={
            n: "Condition" in r
            for n, r in resources.items()
            if r["Type"] == "AWS::CloudWatch::Alarm"
        },
        optional_alarms_default=params.get("OptionalAlarms", {}).get("Default") == "true",
        metrics=[m["MetricName"] for m in metric_filters if not m.get("Dimensions")],
        metrics_with_dimensions=[m["MetricName"] for m in metric_filters if m.get("Dimensions")],
        secrets=sum(r["Type"] == "AWS::SecretsManager::Secret" for r in resources.values()),
        tracing_default=params.get("TracingMode", {}).get("Default", "Active"),
        system_log_level=params.get("SystemLogLevel", {}).get("Default", "INFO"),
        filters=filters,
        log_retention_days=int(params.get("LogRetentionDays", {}).get("Default", 30)),
        budgets=sum(r["Type"] == "AWS::Budgets::Budget" for r in resources.values()),
        table=resources["AppTable"]["Properties"],
    )


# ---------------------------------------------------------------- SNS filter policies


def _rule_matches(rule: list[Any], attribute: dict[str, str] | None) -> bool:
    for condition in rule:
        if isinstance(condition, dict) and "exists" in condition:
            if (attribute is not None) == condition["exists"]:
                return True
            continue
        if attribute is None:
            continue
        values = (
            json.loads(attribute["StringValue"])
            if attribute["DataType"] == "String.Array"
            else [attribute["StringValue"]]
        )
        if isinstance(condition, dict) and "anything-but" in condition:
            if any(v not in condition["anything-but"] for v in values):
                return True
        elif condition in values:
            return True
    return False


def matches(policy: dict[str, Any], attributes: dict[str, dict[str, str]]) -> bool:
    """SNS's matching of a message-attribute filter policy, for the operators the
    template uses (exact strings, ``anything-but``, ``exists``, ``$or``)."""
    for key, rule in policy.items():
        if key == "$or":
            if not any(matches(p, attributes) for p in rule):
                return False
        elif not _rule_matches(rule, attributes.get(key)):
            return False
    return True


# ---------------------------------------------------------------- DynamoDB by item size


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


class ItemMeter:
    """Read and write units as DynamoDB bills them, from the items themselves.

    A write's item is read back before and after (with a client of its own, not counted),
    and priced by ``pricing.item_write_units``; a read by the size of the items it read
    (whole items, or their projection in the index it queried). moto's own
    ``ConsumedCapacity`` figures are not DynamoDB's, so they are not used.
    """

    def __init__(self, table: dict[str, Any], name: str) -> None:
        import boto3

        self.table, self.name = table, name
        self.raw = boto3.session.Session().client("dynamodb")
        self.keys = [k["AttributeName"] for k in table["KeySchema"]]
        self.indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", ())}
        self.pending: list[tuple[dict, dict | None, bool]] = []
        self.index: dict[str, Any] | None = None
        self.consistent = False
        self.read_units = self.write_units = 0.0
        self.by_index: dict[str, float] = {}
        self.overhead = 0.0  # seconds spent reading items back, kept out of the timings

    def _key(self, item: dict[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self.keys}

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        started = time.perf_counter()
        found = self.raw.get_item(TableName=self.name, Key=key, ConsistentRead=True)
        self.overhead += time.perf_counter() - started
        return found.get("Item")

    def _writes(self, name: str, params: dict[str, Any]) -> Iterable[tuple[dict, bool]]:
        if name == "PutItem":
            yield self._key(params["Item"]), False
        elif name in ("UpdateItem", "DeleteItem"):
            yield params["Key"], False
        elif name == "BatchWriteItem":
            for r in params["RequestItems"].get(self.name, ()):
                yield (
                    (
                        self._key(r["PutRequest"]["Item"])
                        if "PutRequest" in r
                        else r["DeleteRequest"]["Key"]
                    ),
                    False,
                )
        elif name == "TransactWriteItems":
            for op in params["TransactItems"]:
                # Put, Update, Delete, and ConditionCheck (priced here as a transactional
                # write of the item it checks: the item is unchanged, so no index writes)
                ((kind, body),) = op.items()
                key = self._key(body["Item"]) if kind == "Put" else body["Key"]
                yield key, True

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.index = self.indexes.get(params.get("IndexName") or "")
        self.consistent = bool(params.get("ConsistentRead"))
        if model.name in WRITES:
            self.pending = [(k, self._get(k), tx) for k, tx in self._writes(model.name, params)]

    def after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        name = model.name
        if name in WRITES:
            for key, old, tx in self.pending:
                units = pricing.item_write_units(old, self._get(key), self.table, tx)
                for where, n in units.items():
                    self.by_index[where] = self.by_index.get(where, 0) + n
                self.write_units += sum(units.values())
            self.pending = []
        elif name == "GetItem":
            found = parsed.get("Item")
            size = self._read_size(found, None) if found else 0
            self.read_units += pricing.read_units(size, self.consistent)
        elif name in ("Query", "Scan"):  # the items' sizes summed, then rounded up
            size = sum(self._read_size(i, self.index) for i in parsed.get("Items", ()))
            self.read_units += pricing.read_units(size, self.consistent)
        elif name == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                self.read_units += sum(pricing.read_units(self._read_size(i, None)) for i in items)
        elif name == "TransactGetItems":
            for r in parsed.get("Responses", ()):
                size = pricing.item_size(r.get("Item"))
                self.read_units += pricing.read_units(size, transactional=True)

    def _read_size(self, returned: dict[str, Any], index: dict[str, Any] | None) -> int:
        """What a read is billed on: the whole item (or its projection in the index), not
        the attributes a ProjectionExpression kept."""
        full = self._get(self._key(returned)) if all(k in returned for k in self.keys) else None
        item = full or returned
        if index is not None:
            item = pricing._projected(item, index, self.keys)
        return pricing.item_size(item)

    def take(self) -> tuple[float, float]:
        found = (self.read_units, self.write_units)
        self.read_units = self.write_units = 0.0
        return found


# ---------------------------------------------------------------- log lines


def platform_lines(ms: float, memory_mb: int, traced: bool) -> list[str]:
    """The lines Lambda itself writes for each invocation, in its documented text format."""
    rid = str(uuid.uuid4())
    trace = "\tXRAY TraceId: 1-6750a1b2-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\t"
    return [
        f"START RequestId: {rid} Version: 12",
        f"END RequestId: {rid}",
        f"REPORT RequestId: {rid}\tDuration: {ms:.2f} ms\tBilled Duration: {math.ceil(ms)} ms"
        f"\tMemory Size: {memory_mb} MB\tMax Memory Used: 92 MB\t"
        + (trace + "Sampled: true\t" if traced else ""),
    ]


class LineMeter:
    """The bytes of every line the app logs while a block runs (at the deployed level)."""

    def __init__(self) -> None:
        import logging

        from chalicelib import logs

        self.bytes = 0
        self.lines = 0
        meter = self

        class Count(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                meter.bytes += pricing.log_event_bytes(self.format(record))
                meter.lines += 1

        self.handler = Count()
        self.handler.setFormatter(logs.JsonFormatter())
        self.log = logs.logger()

    def __enter__(self) -> LineMeter:
        import logging

        self.level, self.handlers = self.log.level, self.log.handlers
        self.log.setLevel(logging.INFO)
        self.log.handlers = [self.handler]  # counted, not printed
        return self

    def __exit__(self, *_: Any) -> None:
        self.log.handlers = self.handlers
        self.log.setLevel(self.level)

    def take(self) -> tuple[int, int]:
        found = (self.bytes, self.lines)
        self.bytes = self.lines = 0
        return found


# ---------------------------------------------------------------- measuring requests


@dataclass
class Kind:
    """One kind of request, averaged over its rounds; ``events`` is what it causes."""

    name: str
    group: str
    ddb_calls: float
    read_units: float
    write_units: float
    ms: float
    log_bytes: float
    messages: dict[str, float]
    events: float  # domain events published per request
    sns_requests: float  # billed SNS publish chunks per request
    invocations: float  # consumer invocations its events cause, after the filters
    invocations_unfiltered: float  # what they were with every consumer subscribed to all
    event_read_units: float
    event_write_units: float
    event_ms: float  # per consumer invocation
    event_log_bytes: float
    # the GB of memory of the invocations its events cause (the stream's and each matched
    # consumer's function): a consumer with the model (1,024 MB) costs 8 of one at 128 MB
    event_gb: float
    event_messages: dict[str, float]
    write_units_by_index: dict[str, float] = field(default_factory=dict)  # the request's own

    def lines(self, memory_mb: int, traced: bool, platform_logs: bool = True) -> dict[str, float]:
        """Dollars of one request, by billed line (X-Ray is priced by the month);
        ``platform_logs``: Lambda writes its START / END / REPORT lines (system level INFO)."""
        platform = platform_logs * sum(
            pricing.log_event_bytes(x) for x in platform_lines(self.ms, memory_mb, traced)
        )
        stream_invocations = 1.0 if self.events else 0.0  # one stream record, one batch
        invocations = stream_invocations + self.invocations
        consumer_platform = (invocations * platform_logs) * sum(
            pricing.log_event_bytes(x) for x in platform_lines(self.event_ms, 128, traced)
        )
        messages = {
            k: self.messages.get(k, 0) + self.event_messages.get(k, 0)
            for k in {*self.messages, *self.event_messages}
        }
        gb = 1024**3
        return {
            "front door (HTTP API)": PRICES["apigw_http_request"],
            "Lambda: API function": pricing.lambda_cost(1, self.ms, memory_mb),
            "Lambda: stream + consumers": pricing.lambda_cost(  # at their average memory
                invocations, self.event_ms, self.event_gb * 1024 / max(invocations, 1)
            ),
            "DynamoDB reads": PRICES["dynamodb_read_unit"]
            * (self.read_units + self.event_read_units),
            "DynamoDB writes": PRICES["dynamodb_write_unit"]
            * (self.write_units + self.event_write_units),
            "SNS publishes": PRICES["sns_publish"] * self.sns_requests,
            "SQS requests": PRICES["sqs_request"] * messages.get("sqs", 0),
            "SES emails": PRICES["ses_email"] * messages.get("ses", 0),
            "CloudWatch Logs ingestion": PRICES["logs_gb"]
            * (self.log_bytes + platform + self.event_log_bytes + consumer_platform)
            / gb,
        }

    def cost(self, memory_mb: int = 128, traced: bool = False, platform_logs: bool = True) -> float:
        return sum(self.lines(memory_mb, traced, platform_logs).values())


def _stack_env() -> Any:
    """moto's server in this process, the resources, settings pointing at them."""
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


WIDE = "A request with a long description. " * 58  # ~2 KB, the worked example


def measure(stack: Stack, rounds: int = 10) -> list[Kind]:
    """Each kind of request, run ``rounds`` times against moto and priced from its items."""
    from chalice.test import Client

    from chalicelib import aws, usage
    from chalicelib.context import get_context
    from chalicelib.events import attributes, parse_message
    from chalicelib.services import tenants
    from chalicelib.store import meter
    from tests.helpers import Api, user_token

    from .event_runner import EventRunner

    server = _stack_env()
    # the per-tenant usage a warm function writes once a minute (1 unit per tenant) is
    # not any one request's: kept out of the per-request figures, priced in docs/operations.md
    flush_s, usage.FLUSH_S = usage.FLUSH_S, float("inf")
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
        pub, secret = made["publishableKey"], made["userTokenSecret"]

        def token(name: str) -> str:
            return user_token(secret, name)

        ids = [
            api.post(
                "/v1/apps/web/requests",
                key=pub,
                token=token(f"seed{n}"),
                body={
                    "title": f"Seed request {n}",
                    "description": WIDE,
                    "tags": ["ui", "api", "m"],
                },
            ).body["id"]
            for n in range(max(rounds, 25))
        ]
        runner.drain(timeout=300)
        plans = {
            ("read: list page of 20", "reads"): lambda n: api.get("/v1/apps/web/requests", key=pub),
            ("read: one request", "reads"): lambda n: api.get(
                f"/v1/apps/web/requests/{ids[n]}", key=pub
            ),
            ("vote", "votes"): lambda n: api.post(
                f"/v1/apps/web/requests/{ids[n]}/vote", key=pub, token=token(f"v{n}")
            ),
            ("create request", "creates"): lambda n: api.post(
                "/v1/apps/web/requests",
                key=pub,
                token=token(f"c{n}"),
                body={"title": f"Measured request {n}", "description": WIDE, "tags": ["ui"]},
            ),
            ("comment", "comments"): lambda n: api.post(
                f"/v1/apps/web/requests/{ids[n]}/comments",
                key=pub,
                token=token(f"m{n}"),
                body={"body": "+1"},
            ),
            ("feedback", "feedback"): lambda n: api.post(
                "/v1/apps/web/feedback",
                key=pub,
                token=token(f"f{n}"),
                body={"message": "Nice", "rating": 5},
            ),
        }
        items = ItemMeter(stack.table, settings.table_name)
        dynamodb = aws.client("dynamodb")
        dynamodb.meta.events.register("before-parameter-build.dynamodb", items.before)
        dynamodb.meta.events.register("after-call.dynamodb", items.after)
        published: list[dict[str, Any]] = []

        def on_publish(params: dict[str, Any], **_: Any) -> None:
            published.extend(params.get("PublishBatchRequestEntries", ()))

        aws.client("sns").meta.events.register(
            "before-parameter-build.sns.PublishBatch", on_publish
        )
        sent: dict[str, float] = {}

        def count(service: str) -> Any:
            from chalicelib.aws import BILLED_PER_MESSAGE

            def hook(params: dict[str, Any], model: Any, **_: Any) -> None:
                if service == "sqs" and not model.name.startswith("Send"):
                    return  # the local runner's polling: Lambda's own pollers when deployed
                sent[service] = sent.get(service, 0) + BILLED_PER_MESSAGE[service](
                    model.name, params
                )

            return hook

        for service in ("sqs", "ses"):
            aws.client(service).meta.events.register(
                f"provide-client-params.{service}.*", count(service)
            )
        kinds = []
        lines = LineMeter()
        with lines:
            for (name, group), call in plans.items():
                calls = reads = writes = ms = 0.0
                messages: dict[str, float] = {}
                items.take()
                items.by_index = {}
                lines.take()
                for n in range(rounds):
                    items.overhead = 0.0
                    started = time.perf_counter()
                    assert call(n).status < 300, name
                    ms += (time.perf_counter() - started - items.overhead) * 1000
                    calls += meter().calls
                    for k, v in meter().messages.items():
                        messages[k] = messages.get(k, 0) + v
                r, w = items.take()
                reads, writes = reads + r, writes + w
                by_index = {k: v / rounds for k, v in items.by_index.items()}
                log_bytes, _ = lines.take()
                # what the events of these requests cost downstream
                published.clear()
                sent.clear()
                items.overhead = 0.0
                started = time.perf_counter()
                runner.drain(timeout=300)
                drained_ms = (time.perf_counter() - started - items.overhead) * 1000
                er, ew = items.take()
                event_log_bytes, _ = lines.take()
                invoked = unfiltered = chunks = 0
                # each request's stream batch, then the consumers its events reach
                gb = rounds * stack.memory_mb.get("OnTableChange", 128) / 1024 if published else 0
                for entry in published:
                    attrs = entry.get("MessageAttributes", {})
                    event = parse_message(entry["Message"])
                    assert attrs == attributes(event)
                    matched = [c for c, p in stack.filters.items() if matches(p, attrs)]
                    invoked += len(matched)
                    gb += sum(stack.memory_of(c) for c in matched) / 1024
                    unfiltered += len(stack.filters)
                    size = len(entry["Message"].encode()) + len(json.dumps(attrs))
                    chunks += pricing.message_requests(size)
                local_invocations = max(1, len(published) * len(stack.filters))
                kinds.append(
                    Kind(
                        name=name,
                        group=group,
                        ddb_calls=calls / rounds,
                        read_units=reads / rounds,
                        write_units=writes / rounds,
                        ms=ms / rounds,
                        log_bytes=log_bytes / rounds,
                        messages={k: v / rounds for k, v in messages.items()},
                        events=len(published) / rounds,
                        sns_requests=chunks / rounds,
                        invocations=invoked / rounds,
                        invocations_unfiltered=unfiltered / rounds,
                        event_read_units=er / rounds,
                        event_write_units=ew / rounds,
                        event_ms=drained_ms / local_invocations if published else 0.0,
                        # the local runner runs every consumer; SNS only the matched ones
                        event_log_bytes=event_log_bytes / rounds * invoked / max(1, unfiltered),
                        event_gb=gb / rounds,
                        event_messages={k: v / rounds for k, v in sent.items()},
                        write_units_by_index=by_index,
                    )
                )
        return kinds
    finally:
        usage.FLUSH_S = flush_s
        server.stop()


# ---------------------------------------------------------------- a month


def _groups(kinds: list[Kind], mix: dict[str, float]) -> dict[str, list[Kind]]:
    groups = {k.group for k in kinds}
    unknown = set(mix) - groups
    if unknown:
        raise ValueError(f"unknown kind {sorted(unknown)[0]!r}; use {', '.join(sorted(groups))}")
    return {g: [k for k in kinds if k.group == g] for g in mix}


def idle_month(stack: Stack, free_tier: bool = False, optional_alarms: bool | None = None) -> dict:
    """A month nobody uses: what the template bills by the month, the data it keeps, and
    the nightly jobs."""
    optional = stack.optional_alarms_default if optional_alarms is None else optional_alarms
    nightly_s = 5.0
    rows = [
        (
            "CloudWatch alarms",
            stack.alarm_count(optional),
            month_of("alarm_month", stack.alarm_count(optional), free_tier),
        ),
        ("Secrets Manager secrets", stack.secrets, month_of("secret_month", stack.secrets)),
        ("SSM SecureString (standard)", 1, 0.0),
        ("custom metrics (no data while idle)", len(stack.metrics), 0.0),
        ("AWS Budgets budget (no actions)", stack.budgets, 0.0),
        (
            f"DynamoDB storage ({IDLE_DATA_GB} GB)",
            1,
            0.0 if free_tier else IDLE_DATA_GB * PRICES["dynamodb_gb_month"],
        ),
        (
            f"DynamoDB PITR ({IDLE_DATA_GB} GB)",
            1,
            IDLE_DATA_GB * PRICES["dynamodb_pitr_gb_month"],
        ),
        (f"S3 exports ({IDLE_DATA_GB} GB)", 1, IDLE_DATA_GB * PRICES["s3_gb_month"]),
        (
            f"nightly jobs ({NIGHTLY} invocations of ~{nightly_s:.0f} s)",
            NIGHTLY,
            0.0 if free_tier else pricing.lambda_cost(NIGHTLY, nightly_s * 1000, 128),
        ),
        (
            "KMS decrypts of the secret (a cold start each)",
            NIGHTLY,
            month_of("kms_request", NIGHTLY, free_tier),
        ),
    ]
    found = [{"item": n, "count": c, "month": m} for n, c, m in rows]
    return {
        "rows": found,
        "month": sum(r["month"] for r in found),
        "freeTier": free_tier,
        "optionalAlarms": optional,
        "pricesAsOf": AS_OF,
        "fromTemplate": stack.path,
    }


def month(
    kinds: list[Kind],
    stack: Stack,
    requests: int,
    mix: dict[str, float],
    free_tier: bool = False,
    tracing: str | None = None,
) -> dict[str, Any]:
    """A month of ``requests`` API calls in the ``mix``, line by line, idle lines included."""
    groups = _groups(kinds, mix)
    tracing = tracing or stack.tracing_default
    traced = tracing == "Active"
    total_share = sum(mix.values())
    memory = stack.memory_mb.get("APIHandler", 128)
    lines: dict[str, float] = {}
    units: dict[str, float] = {"invocations": 0.0, "gbSeconds": 0.0, "logBytes": 0.0}
    per_request = 0.0
    for group, share in mix.items():
        members = groups[group]
        n = requests * share / total_share / len(members)
        for k in members:
            for line, dollars in k.lines(memory, traced, stack.platform_logs).items():
                lines[line] = lines.get(line, 0.0) + dollars * n
            per_request += k.cost(memory, traced, stack.platform_logs) * n
            invocations = 1 + (1 if k.events else 0) + k.invocations
            units["invocations"] += n * invocations
            units["gbSeconds"] += n * (
                math.ceil(k.ms) / 1000 * memory / 1024 + math.ceil(k.event_ms) / 1000 * k.event_gb
            )
    logs_gb = lines["CloudWatch Logs ingestion"] / PRICES["logs_gb"]
    if free_tier:  # the always-free tier on the lines it covers
        lambda_all = lines.pop("Lambda: API function") + lines.pop("Lambda: stream + consumers")
        lines["Lambda (all functions)"] = lambda_all - min(
            lambda_all, _lambda_free(units["invocations"], units["gbSeconds"])
        )
        lines["CloudWatch Logs ingestion"] = month_of("logs_gb", logs_gb, True)
        for line, price in (("SNS publishes", "sns_publish"), ("SQS requests", "sqs_request")):
            lines[line] = month_of(price, lines[line] / PRICES[price], True)
    api_traces = pricing.xray_traces(requests) if traced else 0.0
    event_invocations = units["invocations"] - requests
    event_traces = pricing.xray_traces(event_invocations) if traced else 0.0
    lines[f"X-Ray traces ({tracing})"] = month_of(
        "xray_trace", api_traces + event_traces, free_tier
    )
    lines["CloudWatch custom metrics"] = month_of(
        "cloudwatch_metric_month", metric_months(stack, kinds, requests, mix), free_tier
    )
    stored = logs_gb * min(stack.log_retention_days, 365) / 30  # kept for the retention
    lines["CloudWatch Logs storage"] = 0.0 if free_tier else stored * PRICES["logs_stored_gb_month"]
    idle = idle_month(stack, free_tier)
    lines["idle lines (alarms, storage, nightly jobs)"] = idle["month"]
    total = sum(lines.values())
    fixed = idle["month"] + lines["CloudWatch custom metrics"]
    return {
        "requests": requests,
        "mix": mix,
        "freeTier": free_tier,
        "tracing": tracing,
        "lines": lines,
        "month": total,
        "perMillion": (total - fixed) / requests * 1e6 if requests else 0.0,
    }


HOURS = 30 * 24
# what feeds each metric filter, per API call of a kind: a metric is billed by the hour for
# the hours it gets data in (https://aws.amazon.com/cloudwatch/pricing/ : "prorated by the
# hour"); errors and webhook failures are taken as none in an ordinary month
FEEDS = {
    "EmailsSent": lambda k: k.messages.get("ses", 0) + k.event_messages.get("ses", 0),
}


def metric_months(stack: Stack, kinds: list[Kind], requests: int, mix: dict[str, float]) -> float:
    """Custom metrics x the share of the month's hours each gets data in (requests spread
    evenly, so an hour has data with probability 1 - e^-rate)."""
    groups = _groups(kinds, mix)
    total = sum(mix.values())
    found = 0.0
    for name in stack.metrics:
        feed = FEEDS.get(name, lambda k: 0.0)
        per_month = sum(
            requests * share / total * statistics.fmean(feed(k) for k in groups[g])
            for g, share in mix.items()
        )
        found += 1 - math.exp(-per_month / HOURS)
    return found


def _lambda_free(invocations: float, gb_seconds: float) -> float:
    """Dollars of Lambda the always-free tier covers in a month."""
    return (
        min(invocations, pricing.FREE_TIER["lambda_request"]) * PRICES["lambda_request"]
        + min(gb_seconds, pricing.FREE_TIER["lambda_gb_second"]) * PRICES["lambda_gb_second"]
    )


def compare(kinds: list[Kind], stack: Stack, mix: dict[str, float]) -> list[dict[str, Any]]:
    rows = []
    for volume in VOLUMES:
        row = {
            "requestsPerMonth": volume,
            "ours": month(kinds, stack, volume, mix)["month"],
            "oursFreeTier": month(kinds, stack, volume, mix, free_tier=True)["month"],
            "fider": f"{FIDER[0]:.0f}-{FIDER[1]:.0f}",
        }
        if volume in SEEDS:
            row["seedEstimate"] = SEEDS[volume]
        rows.append(row)
    next(r for r in rows if r["requestsPerMonth"] == 1_000_000)["seedOtherDesign"] = (
        SEEDS_OTHER_AT_1M
    )
    return rows


def as_dict(kind: Kind, stack: Stack) -> dict[str, Any]:
    traced = stack.tracing_default == "Active"
    return {
        **asdict(kind),
        "lines": kind.lines(stack.memory_mb.get("APIHandler", 128), traced, stack.platform_logs),
        "perMillion": kind.cost(stack.memory_mb.get("APIHandler", 128), traced, stack.platform_logs)
        * 1e6,
    }


# ---------------------------------------------------------------- exported log lines


def by_tenant(store: Any, days: int, today: str | None = None) -> list[dict[str, Any]]:
    """Each tenant's API usage over the last ``days`` UTC days (``chalicelib/usage.py``),
    the costliest first: one Query per tenant, at most ``days`` small items each."""
    end = today or time.strftime("%Y-%m-%d", time.gmtime())
    since = time.strftime(
        "%Y-%m-%d",
        time.gmtime(calendar.timegm(time.strptime(end, "%Y-%m-%d")) - (days - 1) * 86400),
    )
    rows = []
    for tenant in store.list_tenants():
        found = [d for d in store.list_usage(tenant.id, since) if d["day"] <= end]
        total = {k: sum(d.get(k, 0) for d in found) for k in USAGE_FIELDS}
        rows.append(
            {
                "tenant": tenant.id,
                "days": len(found),
                "requests": int(total["requests"]),
                "readUnits": total["readUnits"],
                "writeUnits": total["writeUnits"],
                "messages": int(total["messages"]),
                "dollars": round(total["microDollars"] / 1e6, 6),
            }
        )
    return sorted(rows, key=lambda r: (-r["dollars"], r["tenant"]))


USAGE_FIELDS = ("requests", "readUnits", "writeUnits", "messages", "microDollars")


def from_logs(path: Path) -> list[dict[str, Any]]:
    """Count, latency and cost by route from exported request lines (JSON lines, or
    CloudWatch's "timestamp message" export: the JSON is taken from its first ``{``)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for raw in path.read_text().splitlines():
        start = raw.find("{")
        if start < 0:
            continue
        try:
            line = json.loads(raw[start:])
        except ValueError:
            continue
        if isinstance(line, dict) and "route" in line and "ms" in line:
            found.setdefault(line["route"], []).append(line)
    rows = []
    for route, lines in found.items():
        ms = sorted(float(x["ms"]) for x in lines)
        cost = sum(float(x.get("cost", 0)) for x in lines) / 1e6
        rows.append(
            {
                "route": route,
                "count": len(lines),
                "avgMs": statistics.fmean(ms),
                "p95Ms": ms[min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1)],
                "errors": sum(1 for x in lines if int(x.get("status", 200)) >= 500),
                "dollars": cost,
                "perMillion": cost / len(lines) * 1e6,
            }
        )
    return sorted(rows, key=lambda r: -r["dollars"])
