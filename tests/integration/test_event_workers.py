"""The local runner's workers: one per event source, as Lambda's event source mappings are."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def wait_until(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return found


@pytest.fixture
def workers(runner: EventRunner) -> Iterator[EventRunner]:
    """The session runner's sources, fed by worker threads for the length of one test."""
    started = EventRunner(
        runner.region,
        runner.table_name,
        runner.topic_arn,
        runner.webhook_queue_url,
        runner.jobs_queue_url,
        consumer_queues=dict(runner.consumer_queues),
        dead_letter_url=runner.dead_letter_url,
    )
    started.start_at_latest()
    yield started
    started.stop()
    started.join(timeout=60)


def test_a_stuck_consumer_holds_up_only_itself(
    api: Api, tenant: Tenant, workers: EventRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app as handlers

    stuck, release = threading.Event(), threading.Event()
    email = handlers.email_on_event

    def slow_email(event: Any, context: Any) -> Any:
        stuck.set()
        release.wait(60)
        return email(event, context)

    monkeypatch.setattr(handlers, "email_on_event", slow_email)
    workers.start()
    try:
        made = api.post(tenant.path("/requests"), key=tenant.admin_key, body={"title": "Quick"})
        assert made.status == 201
        wait_until(stuck.is_set)  # the email consumer is busy with this very event…
        analytics = tenant.path("/analytics")
        # …and the statistics consumer, on its own worker, counts it all the same
        wait_until(lambda: api.get(analytics, key=tenant.admin_key).body["requests"] == 1)
        assert {t.name for t in workers.threads} >= {"events-stream", "events-email_on_event"}
    finally:
        release.set()


def test_a_snapshot_holds_exactly_what_the_table_holds(aws_mock: dict[str, str]) -> None:
    """The snapshot folds the stream instead of scanning: it must end up equal to a scan."""
    import json
    import uuid

    from chalicelib import aws
    from tools.resources import ensure_table
    from tools.snapshot import Mirror

    client, name = aws.client("dynamodb"), f"mirror-{uuid.uuid4().hex[:8]}"
    ensure_table(client, name)
    try:
        mirror = Mirror(name)
        for n in range(60):
            item = {"pk": {"S": f"T#m#{n}"}, "sk": {"S": "x"}, "n": {"N": str(n)}}
            client.put_item(TableName=name, Item=item)
        mirror.capture({}, [])
        key = {"pk": {"S": "T#m#5"}, "sk": {"S": "x"}}
        client.update_item(
            TableName=name,
            Key=key,
            UpdateExpression="SET tag = :t",
            ExpressionAttributeValues={":t": {"S": "changed"}},
        )
        client.update_item(
            TableName=name,
            Key={"pk": {"S": "T#m#new"}, "sk": {"S": "x"}},
            UpdateExpression="ADD c :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        client.delete_item(TableName=name, Key={"pk": {"S": "T#m#7"}, "sk": {"S": "x"}})
        snapshot = mirror.capture({}, [])
        scanned = client.scan(TableName=name)["Items"]

        def canonical(items: list[dict[str, Any]]) -> list[str]:
            return sorted(json.dumps(i, sort_keys=True) for i in items)

        folded = [json.loads(line)["item"] for line in snapshot.item_lines]
        assert canonical(folded) == canonical(scanned) and len(scanned) == 60
    finally:
        client.delete_table(TableName=name)


def test_a_stream_record_that_always_fails_is_parked_and_the_rest_flow_on(
    api: Api, tenant: Tenant, runner: EventRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the deployed mapping's MaximumRetryAttempts: retried, then dead-lettered, not forever."""
    import json

    import app as handlers
    from chalicelib import aws
    from tools.event_runner import STREAM_RETRIES

    handle = handlers.on_table_change
    tries: list[int] = []

    def poisoned(event: Any, context: Any) -> Any:
        bad = [r["eventID"] for r in event["Records"] if "Poisoned" in json.dumps(r, default=str)]
        if bad:
            tries.append(len(bad))
            return {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}
        return handle(event, context)

    monkeypatch.setattr(handlers, "on_table_change", poisoned)
    bad = api.post(tenant.path("/requests"), key=tenant.admin_key, body={"title": "Poisoned"})
    runner.drain(timeout=300)
    good = api.post(tenant.path("/requests"), key=tenant.admin_key, body={"title": "Healthy"})
    runner.drain(timeout=300)

    assert len(tries) == STREAM_RETRIES + 1
    sqs = aws.client("sqs")
    parked = sqs.receive_message(QueueUrl=runner.dead_letter_url, MaxNumberOfMessages=10)
    notes = [json.loads(m["Body"]) for m in parked.get("Messages", [])]
    assert any(bad.body["id"] in json.dumps(n) for n in notes), notes
    index = api.get(tenant.path("/requests/similar?q=Healthy"), key=tenant.pub_key)
    assert good.body["id"] in [r["id"] for r in index.body["items"]]
