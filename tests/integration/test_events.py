"""Stream -> events -> email, webhooks and analytics, through moto and the local runner."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from chalicelib.context import get_context
from chalicelib.notify.outbox import _parse
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def sent_to(address: str) -> list[dict[str, Any]]:
    from moto.backends import get_backend

    ses = get_backend("ses")["123456789012"]["us-east-1"]
    return [
        _parse(m.raw_data)
        for m in ses.sent_messages
        if hasattr(m, "raw_data") and address in m.destinations
    ]


def follower_token(tenant: Tenant, user: str) -> str:
    return tenant.token(user, name=user.title(), email=f"{user}@example.com")


def test_status_change_emails_each_follower_once_but_not_the_actor(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "author1"),
        body={"title": "Email me"},
    ).body["id"]
    api.post(
        tenant.path(f"/requests/{rid}/vote"),
        key=tenant.pub_key,
        token=follower_token(tenant, "voter1"),
    )
    runner.drain()
    api.patch(
        tenant.path(f"/requests/{rid}"),
        key=tenant.admin_key,
        headers={"X-User-Id": "voter1"},
        body={"status": "planned"},
    )
    runner.drain()
    runner.drain()
    to_author = [e for e in sent_to("author1@example.com") if "Email me" in e["subject"]]
    assert len(to_author) == 1 and "is now Planned" in to_author[0]["subject"]  # the app's name
    assert "from Open to Planned" in to_author[0]["text"]
    assert to_author[0]["listUnsubscribe"].startswith("<http")
    assert not [e for e in sent_to("voter1@example.com") if "Email me" in e["subject"]]


def test_response_and_comment_email_followers_not_the_actor(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "asker"),
        body={"title": "Answer me"},
    ).body["id"]
    api.post(
        tenant.path(f"/requests/{rid}/comments"),
        key=tenant.pub_key,
        token=follower_token(tenant, "chatter"),
        body={"body": "Me too <b>please</b>"},
    )
    api.patch(
        tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"response": "We are on it."}
    )
    runner.drain()
    asker = [e["subject"] for e in sent_to("asker@example.com") if "Answer me" in e["subject"]]
    assert sorted(asker) == ["New comment on “Answer me”", "The team answered “Answer me”"]
    chatter = [e for e in sent_to("chatter@example.com") if "Answer me" in e["subject"]]
    assert [e["subject"] for e in chatter] == ["The team answered “Answer me”"]
    assert "We are on it." in chatter[0]["text"]


def test_team_hears_of_new_requests_and_feedback(api: Api, runner: EventRunner) -> None:
    from tests.helpers import new_tenant

    t = new_tenant(api)
    api.patch(t.path(), key=t.admin_key, body={"notifyEmails": [f"team@{t.id}.example.com"]})
    api.post(t.path("/requests"), key=t.pub_key, token=t.token("u"), body={"title": "Fresh idea"})
    api.post(
        t.path("/feedback"),
        key=t.pub_key,
        token=t.token("u"),
        body={"message": "Love it", "rating": 5},
    )
    runner.drain()
    subjects = sorted(e["subject"] for e in sent_to(f"team@{t.id}.example.com"))
    assert subjects == ["New feature request: Fresh idea", "New feedback for Web"]


def test_a_stream_batch_delivered_twice_sends_nothing_twice(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    import app as handlers

    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "twice"),
        body={"title": "Twice told"},
    ).body["id"]
    runner.drain()
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    records = _stream_records(runner)
    assert records, "the edit made stream records"
    for _ in range(2):  # Lambda delivers the same batch again after a timeout, say
        handlers.on_table_change({"Records": records}, None)
        runner.drain()
    assert len([e for e in sent_to("twice@example.com") if "Twice told" in e["subject"]]) == 1


def _stream_records(runner: EventRunner) -> list[dict[str, Any]]:
    """Read the stream past the runner (then let the runner skip what we took)."""
    from chalicelib import aws

    streams, found = aws.client("dynamodbstreams"), []
    for shard, iterator in list(runner._iterators.items()):
        page = streams.get_records(ShardIterator=iterator, Limit=100)
        found += [runner._lambda_record(r) for r in page["Records"]]
        runner._iterators[shard] = page.get("NextShardIterator")
    return found


def test_ses_throttling_loses_nothing(
    api: Api, tenant: Tenant, runner: EventRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from chalicelib import aws

    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "patient"),
        body={"title": "Throttled"},
    ).body["id"]
    runner.drain()
    ses = aws.client("ses")
    real, calls = ses.send_raw_email, []

    def throttled(**kwargs: Any) -> Any:
        calls.append(kwargs["Destinations"])
        if len(calls) <= 2:
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "SendRawEmail"
            )
        return real(**kwargs)

    monkeypatch.setattr(ses, "send_raw_email", throttled)
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    runner.drain()
    assert len(calls) == 3
    assert len([e for e in sent_to("patient@example.com") if "Throttled" in e["subject"]]) == 1


def test_unsubscribe_link_stops_emails_and_tampering_is_refused(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "leaver"),
        body={"title": "Leave me"},
    ).body["id"]
    runner.drain()
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    runner.drain()
    first = [e for e in sent_to("leaver@example.com") if "Leave me" in e["subject"]]
    link = first[0]["listUnsubscribe"].strip("<>")
    token = link.split("token=")[1]
    path = "/v1/unsubscribe?token="
    tampered = api.get(path + token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert tampered.status == 400 and "does not work" in tampered.body
    assert api.get("/v1/unsubscribe").status == 400
    done = api.get(path + token)
    assert done.status == 200 and "unsubscribed" in done.body
    assert done.headers["content-type"].startswith("text/html")
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "completed"})
    runner.drain()
    assert len([e for e in sent_to("leaver@example.com") if "Leave me" in e["subject"]]) == 1


def test_expired_unsubscribe_token_is_refused() -> None:
    from chalicelib.errors import ValidationFailedError
    from chalicelib.notify.email import read_unsubscribe_token, unsubscribe_token

    secret = b"s" * 32
    token = unsubscribe_token(secret, "t", "a", "u", now_s=1_000)
    assert read_unsubscribe_token(secret, token, now_s=2_000)["r"] == "u"
    with pytest.raises(ValidationFailedError):
        read_unsubscribe_token(secret, token, now_s=10**10)


def test_analytics_match_a_recount_after_random_writes(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rng = random.Random(7)
    statuses = ["open", "under_review", "planned", "in_progress", "completed", "declined"]
    tags = ["ui", "api", "mobile", "speed"]
    ids: list[str] = []
    for step in range(70):
        action = rng.choice(
            [
                "create",
                "create",
                "vote",
                "unvote",
                "status",
                "tags",
                "comment",
                "feedback",
                "delete",
                "merge",
                "unmerge",
            ]
        )
        user = f"r{rng.randint(0, 6)}"
        if action == "create" or not ids:
            ids.append(
                tenant.create(
                    f"Random {step}", as_user=user, tags=rng.sample(tags, rng.randint(0, 2))
                )["id"]
            )
        rid = rng.choice(ids)
        if action == "vote":
            api.post(
                tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token(user)
            )
        elif action == "unvote":
            api.delete(
                tenant.path(f"/requests/{rid}/vote"), key=tenant.pub_key, token=tenant.token(user)
            )
        elif action == "status":
            api.patch(
                tenant.path(f"/requests/{rid}"),
                key=tenant.admin_key,
                body={"status": rng.choice(statuses)},
            )
        elif action == "tags":
            api.patch(
                tenant.path(f"/requests/{rid}"),
                key=tenant.admin_key,
                body={"tags": rng.sample(tags, rng.randint(0, 3))},
            )
        elif action == "comment":
            api.post(
                tenant.path(f"/requests/{rid}/comments"),
                key=tenant.pub_key,
                token=tenant.token(user),
                body={"body": "hm"},
            )
        elif action == "feedback":
            api.post(
                tenant.path("/feedback"),
                key=tenant.pub_key,
                token=tenant.token(user),
                body={"message": "fb", "rating": rng.randint(1, 5)},
            )
        elif action == "delete" and len(ids) > 2:
            api.delete(tenant.path(f"/requests/{rid}"), key=tenant.admin_key)
            ids.remove(rid)
        elif action == "merge" and len(ids) > 1:
            api.post(
                tenant.path(f"/requests/{rid}/merge"),
                key=tenant.admin_key,
                body={"into": rng.choice([i for i in ids if i != rid])},
            )
        elif action == "unmerge":
            api.post(tenant.path(f"/requests/{rid}/unmerge"), key=tenant.admin_key)
    runner.drain(timeout=300)

    listed = _all(api, tenant, "/requests?limit=100")
    comments = sum(
        len(_all(api, tenant, f"/requests/{r['id']}/comments?limit=100")) for r in listed
    )
    feedback = _all(api, tenant, "/feedback?limit=100", admin=True)
    report = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert report["requests"] == len(listed)
    assert report["byStatus"] == {
        s: sum(r["status"] == s for r in listed) for s in report["byStatus"]
    }
    assert report["totalVotes"] == sum(r["votes"] for r in listed)
    assert report["comments"] == comments
    assert report["feedbackCount"] == len(feedback)
    ratings = [f["rating"] for f in feedback]
    assert report["averageRating"] == (round(sum(ratings) / len(ratings), 2) if ratings else None)
    recount: dict[str, int] = {}
    for r in listed:
        for t in r["tags"]:
            recount[t] = recount.get(t, 0) + 1
    assert {t["tag"]: t["count"] for t in report["topTags"]} == recount
    assert sum(w["count"] for w in report["requestsPerWeek"]) == len(listed)


def _all(api: Api, tenant: Tenant, path: str, admin: bool = False) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        r = api.get(
            tenant.path(path + (f"{sep}cursor={cursor}" if cursor else "")),
            key=tenant.admin_key if admin else tenant.pub_key,
        )
        items += r.body["items"]
        cursor = r.body["nextCursor"]
        if not cursor:
            return items


def test_analytics_needs_an_admin_and_reads_its_counters_in_one_query(
    api: Api, tenant: Tenant
) -> None:
    from chalicelib.store import meter

    denied = api.get(tenant.path("/analytics"), key=tenant.pub_key)
    assert (denied.status, denied.code) == (403, "forbidden")
    r = api.get(tenant.path("/analytics"), key=tenant.admin_key)
    assert r.status == 200 and r.body["requests"] == 0
    assert meter().by_operation.get("batch_get_item") == 1  # the key and the app, at once
    assert meter().by_operation.get("query") == 1 and "scan" not in meter().by_operation


def test_event_messages_carry_type_attributes(tenant: Tenant) -> None:
    from chalicelib.events import derive

    record = {
        "eventID": "e1",
        "eventName": "INSERT",
        "dynamodb": {
            "SequenceNumber": "1",
            "NewImage": {
                "pk": {"S": f"T#{tenant.id}#A#web#FB"},
                "sk": {"S": "F#01"},
                "type": {"S": "feedback"},
                "id": {"S": "01"},
                "appId": {"S": "web"},
                "message": {"S": "hi"},
                "createdAt": {"N": "1700000000000"},
            },
        },
    }
    events = derive(record, 0)
    assert [e.type for e in events] == ["feedback.created"]
    assert derive(record, 5)[0].id == events[0].id  # the same record, the same event id
    assert json.loads(events[0].message())["data"]["feedback"]["message"] == "hi"
    key_only = {
        "eventID": "e2",
        "eventName": "INSERT",
        "dynamodb": {"SequenceNumber": "2", "NewImage": {"pk": {"S": "x"}}},
    }
    assert derive(key_only, 0) == []


def test_private_webhook_urls_are_refused_outside_the_local_stage() -> None:
    from chalicelib.notify.webhooks import UnsafeUrlError, check_url

    for url in (
        "http://127.0.0.1:9000/h",
        "https://127.0.0.1/h",
        "https://10.0.0.8/h",
        "https://192.168.1.1/h",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://[fd00:ec2::254]/h",
        "https://localhost/h",
        "https://0.0.0.0/h",
        "https://user:pw@93.184.215.14/h",
        "ftp://93.184.215.14/h",
        "https://no-such-host.invalid/h",
    ):
        for stage in ("dev", "prod"):
            with pytest.raises(UnsafeUrlError):
                check_url(url, stage)
    check_url("https://93.184.215.14/hook", "prod")
    check_url("http://127.0.0.1:9000/h", "local")
    with pytest.raises(UnsafeUrlError):
        check_url("http://10.0.0.8/h", "local")


def test_saving_a_private_webhook_in_prod_is_a_400(tenant: Tenant) -> None:
    from dataclasses import replace

    from chalicelib.auth import Caller
    from chalicelib.errors import ValidationFailedError
    from chalicelib.models import AppCreate
    from chalicelib.services import apps

    ctx = get_context()
    prod = replace(ctx, settings=ctx.settings.model_copy(update={"stage": "prod"}))
    admin = Caller(tenant.id, "admin", "k", "127.0.0.1")
    body = AppCreate(
        id="hooked",
        name="Hooked",
        webhooks=[{"url": "https://169.254.169.254/latest", "events": ["*"]}],
    )
    with pytest.raises(ValidationFailedError) as caught:
        apps.create_app(prod, admin, body)
    assert caught.value.details[0]["field"] == "webhooks.0.url"


def test_local_outbox_page_shows_sent_emails_escaped(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    rid = api.post(
        tenant.path("/requests"),
        key=tenant.pub_key,
        token=follower_token(tenant, "outboxer"),
        body={"title": "<img src=x onerror=alert(1)>"},
    ).body["id"]
    runner.drain()
    api.patch(tenant.path(f"/requests/{rid}"), key=tenant.admin_key, body={"status": "planned"})
    runner.drain()
    page = api.get("/local/outbox")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "outboxer@example.com" in page.body
    assert "<img src=x" not in page.body and "&lt;img src=x" in page.body


def test_feedback_gets_its_sentiment_and_analytics_count_it_once(
    api: Api, tenant: Tenant, runner: EventRunner
) -> None:
    import app as handlers

    for message in (
        "Love it, thank you!",
        "It crashes every time, useless.",
        "Please add an export to PDF.",
    ):
        api.post(
            tenant.path("/feedback"),
            key=tenant.pub_key,
            token=tenant.token("f"),
            body={"message": message},
        )
    runner.drain()
    listed = api.get(tenant.path("/feedback"), key=tenant.admin_key).body["items"]
    assert {f["message"]: f["sentiment"] for f in listed} == {
        "Love it, thank you!": "positive",
        "It crashes every time, useless.": "negative",
        "Please add an export to PDF.": "neutral",
    }
    report = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert report["sentiment"] == {"positive": 1, "neutral": 1, "negative": 1}
    # the same event again (SNS delivers at least once) counts nothing more
    from chalicelib.events import derive

    event = derive(
        {
            "eventID": "again",
            "eventName": "INSERT",
            "dynamodb": {
                "SequenceNumber": "1",
                "NewImage": {
                    "pk": {"S": f"T#{tenant.id}#A#web#FB"},
                    "sk": {"S": f"F#{listed[0]['id']}"},
                    "type": {"S": "feedback"},
                    "id": {"S": listed[0]["id"]},
                    "appId": {"S": "web"},
                    "message": {"S": listed[0]["message"]},
                    "createdAt": {"N": "1"},
                },
            },
        },
        0,
    )[0]
    note = {
        "Records": [{"Sns": {"Message": event.message(), "Subject": None, "MessageAttributes": {}}}]
    }
    handlers.sentiment_on_event(note, None)
    handlers.sentiment_on_event(note, None)
    report = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    assert sum(report["sentiment"].values()) == 4
