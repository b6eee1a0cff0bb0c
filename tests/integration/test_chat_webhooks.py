"""Chat formats for webhooks: a Slack, Discord or Teams webhook gets that service's documented
incoming-webhook body (checked against a recorded example in tests/data/chat/), through the
same queue, retries and delivery log as a signed webhook; "send a test message" too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Api, Receiver, Tenant, within
from tools.event_runner import EventRunner

RECORDED = Path(__file__).resolve().parents[1] / "data" / "chat"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def hook(api: Api, tenant: Tenant, url: str, fmt: str, events: list[str]) -> None:
    r = api.patch(
        tenant.path(), key=tenant.admin_key, body={"webhooks": [{"url": url, "events": events, "format": fmt}]}
    )  # fmt: skip
    assert r.status == 200, r.body
    assert r.body["webhooks"][0]["format"] == fmt


def deliveries(api: Api, tenant: Tenant) -> list[dict[str, Any]]:
    r = api.get(tenant.path("/webhooks/deliveries"), key=tenant.admin_key)
    assert r.status == 200, r.body
    return r.body["items"]


def said(fmt: str, body: dict[str, Any]) -> str:
    """All the text a person would read in the message."""
    if fmt == "slack":
        return body["text"] + " " + " ".join(json.dumps(b) for b in body["blocks"])
    if fmt == "discord":
        return json.dumps(body["embeds"], ensure_ascii=False)
    return json.dumps(body["attachments"][0]["content"]["body"], ensure_ascii=False)


@pytest.mark.parametrize("fmt", ["slack", "discord", "teams"])
def test_a_chat_webhook_gets_the_services_format_with_retries_and_a_log(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner, fmt: str
) -> None:
    documented = json.loads((RECORDED / f"{fmt}.json").read_text())
    documented.pop("_source")
    hook(api, tenant, receiver.url, fmt, ["request.created", "comment.created"])
    receiver.script = [500]  # the first try fails, SQS brings it back
    rid = tenant.create("Dark <mode> & @everyone", description="Please *really* dark.")["id"]
    api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=tenant.token("u-2", name="Bo"),
        body={"body": "Yes <!channel> please"},
    )
    runner.drain()

    bodies = [json.loads(r["body"]) for r in receiver.received]
    for got, body in zip(receiver.received, bodies, strict=True):
        within(body, documented)
        assert "X-Signature" not in got["headers"]  # chat services verify nothing
        assert got["headers"]["Content-Type"] == "application/json"
    texts = [said(fmt, b) for b in bodies]
    created = [t for t in texts if "New request" in t]
    commented = [t for t in texts if "New comment by Bo" in t]
    assert len(created) == 2 and created[0] == created[1]  # the failed try and its retry
    assert len(commented) == 1 and len(texts) == 3
    created, commented = created[0], commented[0]
    assert "Please *really* dark." in created and "please" in commented
    if fmt == "slack":  # user text cannot ping the channel or forge a link
        assert "Dark &lt;mode&gt; &amp; @everyone" in created
        assert "<!channel>" not in commented and "&lt;!channel&gt;" in commented
        assert all("<mode>" not in b["text"] for b in bodies)
    else:
        assert "Dark <mode> & @everyone" in created
    if fmt == "discord":
        assert bodies[0]["allowed_mentions"] == {"parse": []}
    log = deliveries(api, tenant)
    assert [d["statusCode"] for d in log][::-1] == [500, 200, 200]
    assert log[-1]["error"] == "answered 500" and log[-1]["nextRetryAt"]


def test_a_signed_webhook_is_unchanged_by_default(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner
) -> None:
    r = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={"webhooks": [{"url": receiver.url, "events": ["request.created"]}]},
    )
    assert r.status == 200 and r.body["webhooks"][0]["format"] == "json"
    tenant.create("Signed as before")
    runner.drain()
    (got,) = receiver.received
    assert "X-Signature" in got["headers"]
    assert set(json.loads(got["body"])) == {"id", "type", "createdAt", "appId", "data"}


@pytest.mark.parametrize("fmt", ["json", "slack", "discord", "teams"])
def test_send_a_test_message(
    api: Api, tenant: Tenant, receiver: Receiver, runner: EventRunner, fmt: str
) -> None:
    hook(api, tenant, receiver.url, fmt, ["vote.created"])  # a test goes whatever it subscribes
    r = api.post(tenant.path("/webhooks/test"), key=tenant.admin_key, body={"url": receiver.url})
    assert r.status == 202, r.body
    assert r.body["type"] == "webhook.test" and r.body["format"] == fmt
    runner.drain()
    (got,) = receiver.received
    body = json.loads(got["body"])
    if fmt == "json":
        assert body["type"] == "webhook.test" and body["id"] == r.body["eventId"]
        assert "X-Signature" in got["headers"]
    else:
        assert "Test message from Featureboard" in said(fmt, body)
    (logged,) = deliveries(api, tenant)
    assert logged["eventId"] == r.body["eventId"] and logged["statusCode"] == 200


def test_the_test_message_needs_an_admin_and_a_saved_webhook(api: Api, tenant: Tenant) -> None:
    r = api.post(
        tenant.path("/webhooks/test"), key=tenant.pub_key, body={"url": "https://x.example/h"}
    )
    assert (r.status, r.code) == (403, "forbidden")
    r = api.post(
        tenant.path("/webhooks/test"), key=tenant.admin_key, body={"url": "https://x.example/h"}
    )
    assert (r.status, r.code) == (404, "not_found")
    r = api.post(tenant.path("/webhooks/test"), key=tenant.admin_key, body={})
    assert (r.status, r.code) == (400, "validation_error")  # fmt: skip


def test_chat_urls_follow_the_webhook_url_rules(api: Api, tenant: Tenant) -> None:
    for url, fmt in (
        ("http://hooks.slack.example/services/T0/B0/x", "slack"),
        ("https://10.0.0.5/api/webhooks/1/abc", "discord"),
        ("https://192.168.1.10/webhookb2/x", "teams"),
    ):
        r = api.patch(
            tenant.path(),
            key=tenant.admin_key,
            body={"webhooks": [{"url": url, "events": ["*"], "format": fmt}]},
        )
        assert (r.status, r.code) == (400, "validation_error"), (url, r.body)
    r = api.patch(
        tenant.path(),
        key=tenant.admin_key,
        body={"webhooks": [{"url": "https://example.com/h", "events": ["*"], "format": "irc"}]},
    )
    assert (r.status, r.code) == (400, "validation_error")
