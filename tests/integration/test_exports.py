"""Exports through the API and the nightly job, into moto's S3."""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import pytest
import requests as http

from chalicelib import aws
from chalicelib.settings import get_settings
from tests.helpers import Api, Tenant
from tools.event_runner import EventRunner


def test_small_export_answers_at_once_in_each_format(api: Api, tenant: Tenant) -> None:
    tenant.create('=HYPERLINK("http://evil","click")', description="a\nb")
    tenant.create("Dark mode 🌙", tags=["ui"])
    r = api.get(tenant.path("/export?format=csv"), key=tenant.admin_key)
    assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="web-')
    rows = list(csv.DictReader(io.StringIO(r.body)))
    assert sorted(row["title"] for row in rows) == sorted(
        ['\'=HYPERLINK("http://evil","click")', "Dark mode 🌙"]
    )
    jsonl = api.get(tenant.path("/export?format=jsonl"), key=tenant.admin_key)
    assert isinstance(jsonl.body, str) and len(jsonl.body.splitlines()) == 2
    data = api.get(tenant.path("/export?format=json"), key=tenant.admin_key).body
    assert len(data["items"]) == 2 and data["items"][0]["authorEmail"] is None


def test_export_is_admin_only_and_checks_its_format(api: Api, tenant: Tenant) -> None:
    r = api.get(tenant.path("/export"), key=tenant.pub_key)
    assert (r.status, r.code) == (403, "forbidden")
    r = api.get(tenant.path("/export?format=xlsx"), key=tenant.admin_key)
    assert (r.status, r.code) == (400, "validation_error")


def test_a_full_export_is_everything_of_the_app_and_only_its_own(
    api: Api, tenant: Tenant, other: Tenant
) -> None:
    made = tenant.create("Dark mode 🌙", as_user="ana", tags=["ui"])
    voted = api.post(
        tenant.path(f"/requests/{made['id']}/vote"), key=tenant.pub_key, token=tenant.token("bo")
    )
    commented = api.post(
        tenant.path(f"/requests/{made['id']}/comments"),
        key=tenant.pub_key,
        token=tenant.token("bo"),
        body={"body": "yes <b>please</b>"},
    )
    assert voted.status == 200 and commented.status == 201
    other.create("Not yours")
    r = api.get(tenant.path("/export?format=jsonl&full=true"), key=tenant.admin_key)
    assert r.status == 200 and r.headers["content-type"] == "application/x-ndjson"
    assert r.headers["content-disposition"].endswith('.full.jsonl"')
    records = [json.loads(line) for line in r.body.splitlines()]
    kinds = sorted(rec["kind"] for rec in records)
    assert kinds == ["comment", "request", "subscription", "subscription", "vote"]
    (request,) = [rec for rec in records if rec["kind"] == "request"]
    assert request["title"] == "Dark mode 🌙" and request["votes"] == 1 and "pk" not in request
    assert "Not yours" not in r.body
    for query, field in (("format=csv&full=true", "full"), ("format=jsonl&full=maybe", "full")):
        bad = api.get(tenant.path(f"/export?{query}"), key=tenant.admin_key)
        assert (bad.status, bad.code) == (400, "validation_error"), bad.body
        assert bad.body["error"]["details"][0]["field"] == field
    denied = api.get(tenant.path("/export?format=jsonl&full=true"), key=tenant.pub_key)
    assert (denied.status, denied.code) == (403, "forbidden")
    other.make_app("theirs")  # an app only the other tenant has
    elsewhere = api.get(
        other.path("/export?format=jsonl&full=true", "theirs"), key=tenant.admin_key
    )
    assert (elsewhere.status, elsewhere.code) == (404, "not_found")


@pytest.fixture
def tiny_inline_limit(settings_env: Any) -> None:
    settings_env(EXPORT_INLINE_MAX="2")


def test_large_export_is_a_file_written_by_a_job(
    api: Api, tenant: Tenant, runner: EventRunner, tiny_inline_limit: None
) -> None:
    for n in range(3):
        tenant.create(f"Bulk {n}")
    runner.drain()  # the counters now say 3 requests
    r = api.get(tenant.path("/export?format=jsonl"), key=tenant.admin_key)
    assert r.status == 202 and r.body["status"] == "pending" and r.body["requests"] == 3
    runner.drain()
    fetched = http.get(r.body["url"], timeout=10)
    assert fetched.status_code == 200
    body = fetched.content
    text = (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body).decode()
    assert sorted(json.loads(line)["title"] for line in text.splitlines()) == [
        "Bulk 0",
        "Bulk 1",
        "Bulk 2",
    ]


def test_a_large_full_export_is_a_file_too(
    api: Api, tenant: Tenant, runner: EventRunner, tiny_inline_limit: None
) -> None:
    for n in range(3):
        tenant.create(f"Bulk {n}", as_user=f"u{n}")
    runner.drain()
    r = api.get(tenant.path("/export?format=jsonl&full=true"), key=tenant.admin_key)
    assert r.status == 202 and r.body["requests"] == 3
    runner.drain()
    body = http.get(r.body["url"], timeout=10).content
    text = (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body).decode()
    kinds = [json.loads(line)["kind"] for line in text.splitlines()]
    assert kinds.count("request") == 3 and kinds.count("subscription") == 3  # the authors


def test_nightly_job_writes_every_app_with_a_manifest(
    api: Api, tenant: Tenant, other: Tenant, runner: EventRunner
) -> None:
    tenant.create("Mine")
    other.create("Theirs")
    runner.fire("nightly-export")
    s3, bucket = aws.client("s3"), get_settings().export_bucket
    keys = {
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"{tenant.id}/"
        )
        for o in page.get("Contents", [])
    }
    day = next(iter(keys)).split("/")[2].split(".")[0]
    assert keys == {
        f"{tenant.id}/web/{day}.{ext}" for ext in ("csv.gz", "json.gz", "jsonl.gz", "manifest.json")
    }
    manifest = json.loads(
        s3.get_object(Bucket=bucket, Key=f"{tenant.id}/web/{day}.manifest.json")["Body"].read()
    )
    assert manifest["schemaVersion"] == 1 and manifest["tenant"] == tenant.id
    import hashlib

    for entry in manifest["files"]:
        raw = s3.get_object(Bucket=bucket, Key=entry["key"])["Body"].read()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"] and entry["requests"] == 1
        assert entry["key"].startswith(f"{tenant.id}/web/")
    jsonl = gzip.decompress(
        s3.get_object(Bucket=bucket, Key=f"{tenant.id}/web/{day}.jsonl.gz")["Body"].read()
    )
    assert [json.loads(line)["title"] for line in jsonl.decode().splitlines()] == ["Mine"]
