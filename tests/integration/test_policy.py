"""The hand-written IAM policy allows every AWS call the code makes, and nothing on "*"."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from tests.helpers import Api, Receiver, Tenant
from tools.event_runner import EventRunner
from tools.resources import ROOT

POLICY = json.loads((ROOT / "templates" / "policy.json").read_text())
PREFIX = {
    "dynamodb": "dynamodb",
    "dynamodbstreams": "dynamodb",
    "sns": "sns",
    "sqs": "sqs",
    "ses": "ses",
    "s3": "s3",
    "bedrock-runtime": "bedrock",
}
RENAMED = {
    "PublishBatch": "Publish",
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",  # IAM authorizes a batch by its single action
    "Converse": "InvokeModel",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
}
# made only by the local runner (Lambda's event source mappings do this work when deployed)
RUNNER_ONLY = {"dynamodb:DescribeTable"}


def allowed() -> set[str]:
    return {a for s in POLICY["Statements"] for a in s["Action"]}


def record(calls: set[str]) -> list[tuple[Any, Any]]:
    """Note every call the shared clients make; returns what to unregister afterwards."""
    hooks = []
    for service in PREFIX:
        if service == "bedrock-runtime":
            continue
        client = aws.client(service)

        def seen(model: Any, service: str = service, **_: Any) -> None:
            name = RENAMED.get(model.name, model.name)
            if name == "TransactWriteItems":
                calls.update({"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"})
                return
            calls.add(f"{PREFIX[service]}:{name}")

        client.meta.events.register("before-call", seen)
        hooks.append((client, seen))
    return hooks


def test_every_call_of_a_busy_session_is_allowed(
    api: Api, tenant: Tenant, runner: EventRunner, settings_env: Any
) -> None:
    settings_env(EXPORT_INLINE_MAX="1")
    calls: set[str] = set()
    hooks = record(calls)
    receiver = Receiver()
    try:
        api.patch(
            tenant.path(),
            key=tenant.admin_key,
            body={
                "notifyEmails": ["team@example.com"],
                "webhooks": [{"url": receiver.url, "events": ["*"]}],
            },
        )
        token = tenant.token("busy", email="busy@example.com")
        a = api.post(
            tenant.path("/requests"),
            key=tenant.pub_key,
            token=token,
            body={"title": "Dark mode", "tags": ["ui"]},
        ).body
        b = tenant.create("Night theme")
        api.post(tenant.path(f"/requests/{a['id']}/vote"), key=tenant.pub_key, token=token)
        api.post(
            tenant.path(f"/requests/{a['id']}/comments"),
            key=tenant.pub_key,
            token=tenant.token("other"),
            body={"body": "+1"},
        )
        api.patch(
            tenant.path(f"/requests/{a['id']}"),
            key=tenant.admin_key,
            body={"status": "planned", "response": "Soon"},
        )
        api.post(
            tenant.path("/feedback"),
            key=tenant.pub_key,
            token=token,
            body={"message": "Love it", "rating": 5},
        )
        api.post(
            tenant.path(f"/requests/{b['id']}/merge"), key=tenant.admin_key, body={"into": a["id"]}
        )
        api.post(tenant.path(f"/requests/{b['id']}/unmerge"), key=tenant.admin_key)
        runner.drain()
        assert api.get(tenant.path("/export?format=csv"), key=tenant.admin_key).status == 202
        assert api.post(tenant.path("/insights/run"), key=tenant.admin_key).status == 202
        runner.drain()
        api.get(tenant.path("/requests/similar?q=dark"), key=tenant.pub_key)
        api.get(tenant.path("/users/busy/data"), key=tenant.admin_key)
        api.delete(tenant.path("/users/busy"), key=tenant.admin_key)
        api.delete(tenant.path(f"/requests/{b['id']}"), key=tenant.admin_key)
        runner.fire("nightly-export")
        runner.drain()
    finally:
        receiver.server.shutdown()
        for client, hook in hooks:
            client.meta.events.unregister("before-call", hook)
    assert len(calls) > 15
    assert calls - RUNNER_ONLY <= allowed(), sorted(calls - RUNNER_ONLY - allowed())


def test_no_statement_allows_every_resource() -> None:
    """Except X-Ray's, whose actions AWS only grants on "*" (and which touch no data)."""
    for statement in POLICY["Statements"]:
        if statement["Sid"] == "Tracing":
            assert set(statement["Action"]) == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
            continue
        resources = statement["Resource"]
        for resource in resources if isinstance(resources, list) else [resources]:
            assert resource != "*" and "*:*" not in json.dumps(resource), statement["Sid"]


def test_each_function_gets_only_what_it_uses() -> None:
    functions = POLICY["Functions"]
    assert "Analysis" not in functions["ApiHandler"] and "Email" not in functions["ApiHandler"]
    assert "Email" in functions["EmailOnEvent"] and "Table" not in functions["OnTableChange"]
    assert all("Logs" in sids for sids in functions.values())
    statements = {s["Sid"] for s in POLICY["Statements"]}
    assert {sid for sids in functions.values() for sid in sids} == statements


def test_every_function_may_read_the_signing_secret_and_nothing_else_in_ssm() -> None:
    """Every function builds the context, which needs the secret (an SSM SecureString)."""
    (statement,) = [s for s in POLICY["Statements"] if s["Sid"] == "SigningSecret"]
    assert statement["Action"] == ["ssm:GetParameter"]
    assert statement["Resource"]["Fn::Sub"].endswith(":parameter/${AWS::StackName}/signing-secret")
    assert all("SigningSecret" in sids for sids in POLICY["Functions"].values())
    assert not any("secretsmanager" in json.dumps(s) for s in POLICY["Statements"])
