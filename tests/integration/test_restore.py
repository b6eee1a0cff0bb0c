"""Disaster recovery: `manage.py restore dump` into an empty table gives back every record,
vote count and analytics figure; `manage.py restore point-in-time` makes a new table from
the stage's point-in-time recovery and switches the stage's functions and stream mappings
to it (against moto's CloudFormation, DynamoDB, Lambda and IAM, in a server of its own as in
tests/integration/test_deploy_tools.py, so no Lambda function lands in the shared one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from chalicelib import aws
from chalicelib.context import get_context
from manage import cli
from tests.helpers import LAMBDA_ROLE, Api, Tenant, lambda_function, unique
from tests.integration.test_postgres_way_out import build_app
from tools.event_runner import EventRunner
from tools.resources import ensure_table


def _cli(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(cli, [*args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


def _records(tenant: str, app: str) -> list[dict[str, Any]]:
    found = get_context().store.dump_app(tenant, app)
    return sorted(found, key=lambda r: (r["kind"], r.get("requestId", ""), json.dumps(r)))


# ---------------------------------------------------------------- from a full dump


def test_a_dump_restored_into_an_empty_table_has_every_record_vote_count_and_figure(
    api: Api,
    tenant: Tenant,
    runner: EventRunner,
    settings_env: Any,
    tmp_path: Path,
) -> None:
    ids = build_app(api, tenant)
    runner.drain()
    records = _records(tenant.id, "web")
    figures = api.get(tenant.path("/analytics"), key=tenant.admin_key).body
    listed = api.get(tenant.path("/requests?sort=top"), key=tenant.admin_key).body["items"]
    assert figures["requests"] == 3 and figures["totalVotes"] == 3
    assert figures["feedbackCount"] == 2 and figures["comments"] == 1
    assert {r["kind"] for r in records} == {
        "request",
        "vote",
        "movedVote",
        "subscription",
        "comment",
        "reactions",
        "feedback",
        "changelog",
    }
    dump = tmp_path / "web.full.jsonl"
    code, exported = _cli(
        "export", tenant.id, "web", "--format", "jsonl", "--full", "--out", str(dump)
    )
    assert code == 0, exported

    empty = f"featureboard-{unique('restored')}"
    ensure_table(aws.client("dynamodb"), empty)
    settings_env(TABLE_NAME=empty)
    restored_events = EventRunner(  # the new table's stream, into the same consumers
        runner.region,
        empty,
        runner.topic_arn,
        runner.webhook_queue_url,
        runner.jobs_queue_url,
        consumer_queues=dict(runner.consumer_queues),
        dead_letter_url=runner.dead_letter_url,
    )
    restored_events.start_at_latest()
    assert get_context().store.get_tenant(tenant.id) is None

    code, done = _cli("restore", "dump", tenant.id, "web", str(dump))
    assert code == 0, done
    assert done["records"] == exported["records"]
    restored_events.drain()

    restored = _records(tenant.id, "web")
    assert len(restored) == len(records)
    for before, after in zip(records, restored, strict=True):
        assert after == before
    admin_key = done["made"]["tenant"]["adminKey"]  # a dump holds no keys: new ones
    assert api.get(tenant.path("/analytics"), key=tenant.admin_key).status == 401
    assert api.get(tenant.path("/analytics"), key=admin_key).body == figures
    again = api.get(tenant.path("/requests?sort=top"), key=admin_key).body["items"]
    assert [(r["id"], r["votes"], r["status"]) for r in again] == [
        (r["id"], r["votes"], r["status"]) for r in listed
    ]
    assert again[0]["id"] == ids["dark"] and again[0]["votes"] == 3

    code, said = _cli("restore", "dump", tenant.id, "web", str(dump))
    assert code == 1 and "already has records" in said


# ---------------------------------------------------------------- point in time

STAGE = "dev"
TABLE_TEMPLATE = json.loads((Path(__file__).parents[2] / "templates" / "table.json").read_text())


def _least_privilege(function: str, statements: list[dict[str, Any]]) -> None:
    """The function's role policy, as the stack gives it (put here: moto's CloudFormation
    keeps an inline policy as Python text, which IAM's GetRolePolicy then cannot return)."""
    role = boto3.client("lambda").get_function_configuration(FunctionName=function)["Role"]
    boto3.client("iam").put_role_policy(
        RoleName=role.rsplit("/", 1)[-1],
        PolicyName="LeastPrivilege",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )


@pytest.fixture
def data_stack(own_aws: None) -> Iterator[dict[str, Any]]:
    """The dev stack's table (from templates/table.json), the API function, the stream
    function with its mapping, and a function that does not use the table."""
    table = TABLE_TEMPLATE["Resources"]["AppTable"]
    environment = {"TABLE_NAME": {"Ref": "AppTable"}, "STAGE": STAGE}
    template = {
        "Resources": {
            "AppTable": table,
            "APIHandlerRole": LAMBDA_ROLE,
            "APIHandler": lambda_function("APIHandlerRole", environment),
            "OnTableChangeRole": LAMBDA_ROLE,
            "OnTableChange": lambda_function(
                "OnTableChangeRole",
                {**environment, "EVENTS_STREAM_ARN": {"Fn::GetAtt": ["AppTable", "StreamArn"]}},
            ),
            "SiteRole": LAMBDA_ROLE,
            "Elsewhere": lambda_function("SiteRole", {"STAGE": STAGE}),
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": "AppTable"}},
            "API": {"Value": {"Ref": "APIHandler"}},
            "Stream": {"Value": {"Ref": "OnTableChange"}},
            "Elsewhere": {"Value": {"Ref": "Elsewhere"}},
        },
    }
    cfn = boto3.client("cloudformation")
    name = f"featureboard-{STAGE}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    }
    ddb = boto3.client("dynamodb")
    described = ddb.describe_table(TableName=outputs["TableName"])["Table"]
    outputs["StreamArn"] = described["LatestStreamArn"]
    outputs["TableArn"] = arn = described["TableArn"]
    _least_privilege(
        outputs["API"],
        [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": [arn, f"{arn}/index/*"],
            },
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
        ],
    )
    _least_privilege(
        outputs["Stream"],
        [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetRecords", "dynamodb:DescribeStream"],
                "Resource": described["LatestStreamArn"],
            }
        ],
    )
    _least_privilege(
        outputs["Elsewhere"], [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
    )
    boto3.client("lambda").create_event_source_mapping(
        FunctionName=outputs["Stream"],
        EventSourceArn=outputs["StreamArn"],
        StartingPosition="TRIM_HORIZON",
        BatchSize=100,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=5,
    )
    lam = boto3.client("lambda")  # the API is served through its alias, as SAM publishes it
    served = lam.publish_version(FunctionName=outputs["API"])["Version"]
    lam.create_alias(FunctionName=outputs["API"], Name="live", FunctionVersion=served)
    outputs["ServedVersion"] = served
    yield outputs
    cfn.delete_stack(StackName=name)
    for found in ddb.list_tables()["TableNames"]:
        ddb.delete_table(TableName=found)


def _items(table: str) -> list[dict[str, Any]]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return sorted((i for p in pages for i in p["Items"]), key=json.dumps)


def test_point_in_time_restore_makes_a_new_table_and_moves_every_function_and_stream_to_it(
    data_stack: dict[str, Any],
) -> None:
    ddb, lam, iam = boto3.client("dynamodb"), boto3.client("lambda"), boto3.client("iam")
    table = data_stack["TableName"]
    for n in range(30):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": f"T#t#A#web#R#{n}"}, "sk": {"S": "R"}, "votes": {"N": str(n)}},
        )
    code, said = _cli("restore", "point-in-time", STAGE)
    assert code == 1 and "point-in-time recovery is off" in said
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    too_early = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, said = _cli("restore", "point-in-time", STAGE, "--to", too_early)
    assert code == 1 and "outside the recovery window" in said

    code, done = _cli("restore", "point-in-time", STAGE)
    assert code == 0, done
    new = done["to"]
    assert done["from"] == table and new.startswith(f"{table}-restored-")
    assert _items(new) == _items(table) and len(_items(new)) == 30

    described = ddb.describe_table(TableName=new)["Table"]
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert done["stream"] == described["LatestStreamArn"] != data_stack["StreamArn"]
    ttl = ddb.describe_time_to_live(TableName=new)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expiresAt"
    backups = ddb.describe_continuous_backups(TableName=new)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"

    def variables(function: str) -> dict[str, str]:
        return lam.get_function_configuration(FunctionName=function)["Environment"]["Variables"]

    assert variables(data_stack["API"]) == {"TABLE_NAME": new, "STAGE": STAGE}
    live = lam.get_function_configuration(FunctionName=data_stack["API"], Qualifier="live")
    assert live["Version"] != data_stack["ServedVersion"]
    assert live["Environment"]["Variables"] == {"TABLE_NAME": new, "STAGE": STAGE}
    (api_switch,) = [f for f in done["functions"] if f["function"] == data_stack["API"]]
    assert api_switch["aliases"] == {"live": live["Version"]}
    assert variables(data_stack["Stream"]) == {
        "TABLE_NAME": new,
        "STAGE": STAGE,
        "EVENTS_STREAM_ARN": described["LatestStreamArn"],
    }
    assert variables(data_stack["Elsewhere"]) == {"STAGE": STAGE}
    assert sorted(f["function"] for f in done["functions"]) == sorted(
        [data_stack["API"], data_stack["Stream"]]
    )

    role = lam.get_function_configuration(FunctionName=data_stack["API"])["Role"].split("/")[-1]
    granted = iam.get_role_policy(RoleName=role, PolicyName="RestoredTable")["PolicyDocument"]
    (statement,) = granted["Statement"]
    assert statement["Action"] == ["dynamodb:GetItem", "dynamodb:Query"]
    assert statement["Resource"] == [described["TableArn"], f"{described['TableArn']}/index/*"]
    stream_role = lam.get_function_configuration(FunctionName=data_stack["Stream"])["Role"]
    granted = iam.get_role_policy(RoleName=stream_role.split("/")[-1], PolicyName="RestoredTable")[
        "PolicyDocument"
    ]
    assert granted["Statement"][0]["Resource"] == f"{described['TableArn']}/stream/*"

    old_mappings = lam.list_event_source_mappings(EventSourceArn=data_stack["StreamArn"])
    (old,) = old_mappings["EventSourceMappings"]
    assert old["State"] in ("Disabled", "Disabling")
    (moved,) = lam.list_event_source_mappings(EventSourceArn=described["LatestStreamArn"])[
        "EventSourceMappings"
    ]
    assert moved["FunctionArn"] == old["FunctionArn"] and moved["BatchSize"] == 100
    assert moved["State"] in ("Enabled", "Enabling", "Creating")
    assert done["streamMappings"] == [
        {"function": old["FunctionArn"], "disabled": old["UUID"], "new": moved["UUID"]}
    ]
    assert done["seconds"]["restore"] >= 0 and done["seconds"]["switch"] >= 0
    assert any("import the restored table" in step for step in done["next"])
