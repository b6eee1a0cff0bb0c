"""Webhooks end to end: signed POSTs to a real local HTTP server, retries, dead letters."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import Api, Receiver, Tenant
from tools.event_runner import EventRunner

SECRET = "whsec-test-0123456789abcdef"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def hook(api: Api, tenant: Tenant, url: str, events: list[str]) -> None:
    r = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={"webhooks": [{"url": url, "events": events, "secret": SECRET}]},
    )
    assert r.status == 200, r.body


def test_each_subscribed_event_arrives_signed_once(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner
) -> None:
    hook(api, tenant, receiver.url, ["request.created", "vote.created", "comment.created"])
    rid = tenant.create("Hooked", as_user="h1")["id"]
    api.post(tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token("h2"))
    api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("h2"),
        body={"body": "hi"},
    )
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"priority": "high"})
    runner.drain()
    kinds = sorted(json.loads(r["body"])["type"] for r in receiver.received)
    assert kinds == ["comment.created", "request.created", "vote.created"]
    for got in receiver.received:
        header = got["headers"]["X-Signature"]
        stamp, v1 = (part.split("=", 1)[1] for part in header.split(","))
        expected = hmac.new(
            SECRET.encode(), f"{stamp}.".encode() + got["body"], hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(v1, expected)
        body = json.loads(got["body"])
        assert set(body) == {"id", "type", "createdAt", "appId", "data"}
        assert body["appId"] == "web" and "tenant" not in body
    created = receiver.events("request.created")[0]
    assert created["data"]["request"]["id"] == rid
    assert "email" not in json.dumps(created)


def test_a_target_failing_three_times_then_succeeding_gets_it_once(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner
) -> None:
    hook(api, tenant, receiver.url, ["request.created"])
    receiver.script = [500, 503, 500]
    tenant.create("Flaky target")
    runner.drain()
    assert [r.get("statusCode") for r in _deliveries(api, tenant)][::-1] == [500, 503, 500, 200]
    delivered = receiver.events("request.created")
    assert len(delivered) == 4 and len({d["id"] for d in delivered}) == 1
    attempts = _deliveries(api, tenant)
    assert attempts[0]["statusCode"] == 200 and attempts[0]["error"] is None
    assert attempts[1]["error"] == "answered 500" and attempts[1]["nextRetryAt"]


def _deliveries(api: Api, tenant: Tenant) -> list[dict[str, Any]]:
    r = api.get(tenant.path("/webhooks/deliveries"), key=tenant.admin_key)
    assert r.status == 200
    return r.body["items"]


def test_a_target_that_always_fails_ends_in_the_dead_letter_queue(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner, aws_mock: dict[str, str]
) -> None:
    from chalicelib import aws

    hook(api, tenant, receiver.url, ["request.created"])
    receiver.script = [500] * 50
    rid = tenant.create("Doomed target")["id"]
    runner.drain()
    attempts = _deliveries(api, tenant)
    assert len(attempts) == 6 and all(a["statusCode"] == 500 for a in attempts)
    sqs = aws.client("sqs")
    dead = sqs.receive_message(QueueUrl=aws_mock["WEBHOOK_DLQ_URL"], MaxNumberOfMessages=10)
    bodies = [json.loads(m["Body"]) for m in dead.get("Messages", [])]
    assert any(b["event"]["data"]["request"]["id"] == rid for b in bodies)
    for m in dead.get("Messages", []):
        sqs.delete_message(QueueUrl=aws_mock["WEBHOOK_DLQ_URL"], ReceiptHandle=m["ReceiptHandle"])


def test_a_removed_webhook_gets_nothing_more(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner
) -> None:
    hook(api, tenant, receiver.url, ["*"])
    tenant.create("Before removal")
    runner.drain()
    api.patch(tenant.path(), key=tenant.admin_key, body={"webhooks": []})
    tenant.create("After removal")
    runner.drain()
    titles = [json.loads(r["body"])["data"]["request"]["title"] for r in receiver.received]
    assert titles == ["Before removal"]


def test_deliveries_are_admin_only_and_paged(api: Api, tenant: Tenant) -> None:
    r = api.get(tenant.path("/webhooks/deliveries"), key=tenant.pub_key)
    assert (r.status, r.code) == (403, "forbidden")
    r = api.get(tenant.path("/webhooks/deliveries?limit=0"), key=tenant.admin_key)
    assert (r.status, r.code) == (400, "validation_error")


def test_a_poison_message_goes_to_the_dead_letter_queue_without_blocking_others(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner, aws_mock: dict[str, str]
) -> None:
    from chalicelib import aws

    sqs = aws.client("sqs")
    hook(api, tenant, receiver.url, ["request.created"])
    sqs.send_message(QueueUrl=aws_mock["WEBHOOK_QUEUE_URL"], MessageBody="{not json")
    tenant.create("Healthy neighbour")
    runner.drain()
    assert [e["data"]["request"]["title"] for e in receiver.events("request.created")] == [
        "Healthy neighbour"
    ]
    dead = sqs.receive_message(QueueUrl=aws_mock["WEBHOOK_DLQ_URL"], MaxNumberOfMessages=10)
    bodies = [m["Body"] for m in dead.get("Messages", [])]
    assert "{not json" in bodies
    for m in dead.get("Messages", []):
        sqs.delete_message(QueueUrl=aws_mock["WEBHOOK_DLQ_URL"], ReceiptHandle=m["ReceiptHandle"])


def test_saving_the_webhooks_again_without_secrets_keeps_each_secret(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner
) -> None:
    """The console re-sends the whole list without secrets on every save."""
    first = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={"webhooks": [{"url": receiver.url, "events": ["request.created"]}]},
    )
    secret = first.body["webhooks"][0]["secret"]
    other = "http://127.0.0.1:9/other"
    again = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={
            "webhooks": [
                {"url": receiver.url, "events": ["request.created", "vote.created"]},
                {"url": other, "events": ["vote.created"]},
            ]
        },
    )
    assert again.status == 200, again.body
    kept, added = again.body["webhooks"]
    assert "secret" not in kept and added["secret"] and added["secret"] != secret
    tenant.create("Still signed with the first secret")
    runner.drain()
    (got,) = receiver.received
    stamp, v1 = (part.split("=", 1)[1] for part in got["headers"]["X-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + got["body"], hashlib.sha256)
    assert hmac.compare_digest(v1, expected.hexdigest())
