"""Disaster recovery: bring a stage's data back, from its table's point-in-time recovery or
from full dumps (`manage.py export --full`).

``point_in_time`` restores the stage's table as it was at a moment into a new table (DynamoDB
cannot restore in place), gives that table what a restore does not bring (its stream, TTL,
point-in-time recovery, deletion protection), lets every function of the stage's
CloudFormation stack use it (role policies, ``TABLE_NAME`` and ``EVENTS_STREAM_ARN``) and
moves the stream's event source mappings to the new stream. It finds all of this from the
stack, as ``manage.py rollback`` does; ``clients`` makes the boto3 clients.

``from_dump`` writes a dumped app into a table that does not have it yet: the tenant and app
are made when missing (with new keys: a dump holds no secrets), then the records are loaded
as `manage.py import` does, and the stream's consumers count them into the analytics.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import boto3

from .deploy import stack_name
from .resources import table_properties

__all__ = ["point_in_time", "from_dump", "RestoreError"]

Clients = Callable[[str], Any]
Progress = Callable[[str], None]


class RestoreError(RuntimeError):
    """The restore cannot start or cannot finish: the message says why and what to do."""


def _quiet(_: str) -> None:
    return None


# ---------------------------------------------------------------- point in time


def _stack_parts(clients: Clients, stage: str) -> tuple[str, list[str]]:
    """The stage's table and its Lambda functions, from its stack."""
    found = [
        r
        for page in clients("cloudformation")
        .get_paginator("list_stack_resources")
        .paginate(StackName=stack_name(stage))
        for r in page["StackResourceSummaries"]
    ]
    tables = [r["PhysicalResourceId"] for r in found if r["LogicalResourceId"] == "AppTable"]
    if not tables:
        raise RestoreError(f"stack {stack_name(stage)} has no AppTable")
    functions = sorted(
        r["PhysicalResourceId"] for r in found if r["ResourceType"] == "AWS::Lambda::Function"
    )
    return tables[0], functions


def _restorable(ddb: Any, table: str, when: datetime | None) -> dict[str, Any]:
    """RestoreTableToPointInTime's time arguments, checked against the recovery window."""
    window = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    pitr = window.get("PointInTimeRecoveryDescription", {})
    if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
        raise RestoreError(f"point-in-time recovery is off for {table}: restore from a dump")
    if when is None:
        return {"UseLatestRestorableTime": True}
    earliest, latest = pitr["EarliestRestorableDateTime"], pitr["LatestRestorableDateTime"]
    if not earliest <= when <= latest:
        raise RestoreError(
            f"{when.isoformat()} is outside the recovery window "
            f"{earliest.isoformat()} … {latest.isoformat()}"
        )
    return {"RestoreDateTime": when}


def _wait(check: Callable[[], Any], what: str, progress: Progress, timeout: float) -> Any:
    """Poll ``check`` until it returns something truthy; say how long it has taken so far."""
    started = time.monotonic()
    delay = 1.0
    while True:
        found = check()
        if found:
            return found
        waited = time.monotonic() - started
        if waited > timeout:
            raise RestoreError(f"gave up waiting for {what} after {waited:.0f} s")
        progress(f"waiting for {what} ({waited:.0f} s)")
        time.sleep(delay)
        delay = min(delay * 2, 30.0)


def _finish_table(
    ddb: Any, table: str, source: dict[str, Any], progress: Progress, timeout: float
) -> str:
    """What a restore does not bring back: the stream, TTL, point-in-time recovery and
    deletion protection. Returns the new table's stream ARN."""
    props = table_properties()
    view = props["StreamSpecification"]["StreamViewType"]
    ddb.update_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
        DeletionProtectionEnabled=bool(source.get("DeletionProtectionEnabled", False)),
    )
    ttl = props["TimeToLiveSpecification"]
    ddb.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
    )
    ddb.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )

    def stream() -> str | None:
        found = ddb.describe_table(TableName=table)["Table"]
        return found.get("LatestStreamArn") if found["TableStatus"] == "ACTIVE" else None

    return _wait(stream, f"{table}'s stream", progress, timeout)


def _retarget(resource: Any, old: dict[str, str], new: dict[str, str]) -> Any:
    """A policy statement's resources, naming the new table where they named the old one."""
    if isinstance(resource, list):
        return [_retarget(r, old, new) for r in resource]
    if resource == old["stream"]:
        return f"{new['table']}/stream/*"
    if isinstance(resource, str) and resource.startswith(old["table"]):
        return new["table"] + resource[len(old["table"]) :]
    return resource


def _grant(iam: Any, role: str, old: dict[str, str], new: dict[str, str]) -> str | None:
    """Copy the role's statements on the old table to one inline policy on the new table."""
    statements = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = json.loads(document)
        for statement in document.get("Statement", []):
            moved = _retarget(statement.get("Resource"), old, new)
            if moved != statement.get("Resource"):
                statements.append({**statement, "Resource": moved})
    if not statements:
        return None
    policy = "RestoredTable"
    iam.put_role_policy(
        RoleName=role,
        PolicyName=policy,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return policy


MAPPING_SETTINGS = (
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "FunctionResponseTypes",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "DestinationConfig",
    "ParallelizationFactor",
)


def _move_mappings(lam: Any, old_stream: str | None, new_stream: str) -> list[dict[str, str]]:
    """A new mapping on the new stream for each one on the old stream (same settings, from its
    first record), and the old one disabled, not deleted: a way back."""
    if not old_stream:
        return []
    moved = []
    pages = lam.get_paginator("list_event_source_mappings").paginate(EventSourceArn=old_stream)
    for mapping in (m for page in pages for m in page["EventSourceMappings"]):
        settings = {k: mapping[k] for k in MAPPING_SETTINGS if mapping.get(k) is not None}
        made = lam.create_event_source_mapping(
            FunctionName=mapping["FunctionArn"],
            EventSourceArn=new_stream,
            StartingPosition="TRIM_HORIZON",
            Enabled=True,
            **settings,
        )
        lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
        moved.append(
            {"function": mapping["FunctionArn"], "disabled": mapping["UUID"], "new": made["UUID"]}
        )
    return moved


def _republish(lam: Any, function: str, progress: Progress, timeout: float) -> dict[str, str]:
    """A published version's settings never change: each alias (the API's ``live``) gets a
    new version with the new settings, all of its traffic on it."""
    aliases = lam.list_aliases(FunctionName=function)["Aliases"]
    if not aliases:
        return {}

    def updated() -> bool:
        config = lam.get_function_configuration(FunctionName=function)
        if config.get("LastUpdateStatus") == "Failed":
            raise RestoreError(f"{function}: {config.get('LastUpdateStatusReason')}")
        return config.get("LastUpdateStatus", "Successful") == "Successful"

    _wait(updated, f"{function}'s new settings", progress, timeout)
    version = lam.publish_version(
        FunctionName=function, Description="manage.py restore: the restored table"
    )["Version"]
    for alias in aliases:
        lam.update_alias(
            FunctionName=function,
            Name=alias["Name"],
            FunctionVersion=version,
            RoutingConfig={"AdditionalVersionWeights": {}},
        )
    return {alias["Name"]: version for alias in aliases}


def _switch_function(
    lam: Any,
    iam: Any,
    function: str,
    old: dict[str, str],
    new: dict[str, str],
    progress: Progress,
    timeout: float,
) -> dict[str, Any] | None:
    config = lam.get_function_configuration(FunctionName=function)
    variables = dict(config.get("Environment", {}).get("Variables", {}))
    if variables.get("TABLE_NAME") != old["name"]:
        return None
    policy = _grant(iam, config["Role"].rsplit("/", 1)[-1], old, new)
    variables["TABLE_NAME"] = new["name"]
    if "EVENTS_STREAM_ARN" in variables:
        variables["EVENTS_STREAM_ARN"] = new["stream"]
    lam.update_function_configuration(FunctionName=function, Environment={"Variables": variables})
    aliases = _republish(lam, function, progress, timeout)
    return {"function": function, "rolePolicy": policy, "aliases": aliases}


NEXT_STEPS = [
    "The stack still names the old table: before the next `make deploy`, import the restored"
    " table into the stack in place of AppTable (docs/operations.md, 'Disaster recovery'),"
    " or that deploy points every function back at the old table.",
    "The table's alarms and tags name the old table until that import.",
    "Writes made to the old table after the restore point are not in the new one: export"
    " what matters from the old table before deleting it.",
]


def point_in_time(
    stage: str,
    when: datetime | None = None,
    clients: Clients = boto3.client,
    progress: Progress = _quiet,
    timeout: float = 4 * 3600,
) -> dict[str, Any]:
    """Restore STAGE's table as it was at ``when`` (default: the latest restorable time) into
    a new table and switch the stage's functions to it; returns what was done, with timings."""
    ddb, lam, iam = clients("dynamodb"), clients("lambda"), clients("iam")
    table, functions = _stack_parts(clients, stage)
    times = _restorable(ddb, table, when)
    source = ddb.describe_table(TableName=table)["Table"]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = f"{table}-restored-{stamp}"
    started = time.monotonic()
    progress(f"restoring {table} to {target} ({when.isoformat() if when else 'latest'})")
    restored = ddb.restore_table_to_point_in_time(
        SourceTableName=table,
        TargetTableName=target,
        BillingModeOverride="PAY_PER_REQUEST",
        SSESpecificationOverride={"Enabled": True, "SSEType": "KMS"},
        **times,
    )["TableDescription"]

    def active() -> bool:
        return ddb.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE"

    _wait(active, f"{target} to become ACTIVE", progress, timeout)
    stream = _finish_table(ddb, target, source, progress, timeout)
    restore_s = time.monotonic() - started
    progress(f"{target} is ACTIVE after {restore_s:.0f} s; switching {len(functions)} functions")
    switched_at = time.monotonic()
    old = {"name": table, "table": source["TableArn"], "stream": source.get("LatestStreamArn", "")}
    new = {"name": target, "table": restored["TableArn"], "stream": stream}
    switched = []
    for function in functions:
        done = _switch_function(lam, iam, function, old, new, progress, timeout)
        if done:
            switched.append(done)
            progress(f"switched {function}")
    mappings = _move_mappings(lam, old["stream"] or None, stream)
    for moved in mappings:
        progress(f"stream mapping of {moved['function']} moved to the new table")
    restored_to = restored.get("RestoreSummary", {}).get("RestoreDateTime") or when
    return {
        "stage": stage,
        "from": table,
        "to": target,
        "restoredTo": restored_to.isoformat() if restored_to else "latest",
        "stream": stream,
        "functions": switched,
        "streamMappings": mappings,
        "seconds": {
            "restore": round(restore_s, 1),
            "switch": round(time.monotonic() - switched_at, 1),
        },
        "next": NEXT_STEPS,
    }


# ---------------------------------------------------------------- full dumps


def from_dump(
    ctx: Any,
    tenant_id: str,
    app_id: str,
    records: Iterable[dict[str, Any]],
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Load a dumped app into the context's table, which must not hold that app's records
    yet. A tenant or app that is missing is made, with new keys (shown once, in the result):
    a dump holds no keys, so the old ones do not work against a table restored this way."""
    from chalicelib.auth import Caller
    from chalicelib.models import AppCreate
    from chalicelib.services import apps, tenants

    made: dict[str, Any] = {}
    if ctx.store.get_tenant(tenant_id) is None:
        made["tenant"] = tenants.create_tenant(ctx, tenant_id)
        progress(f"made tenant {tenant_id} with a new admin key")
    app = ctx.store.get_app(tenant_id, app_id)
    if app is None:
        admin = Caller(tenant_id, "admin", "restore", "127.0.0.1")
        created = apps.create_app(ctx, admin, AppCreate(id=app_id, name=app_id))
        made["app"] = {k: created[k] for k in ("publishableKey", "userTokenSecret")}
        progress(f"made app {tenant_id}/{app_id} with new keys")
    elif next(iter(ctx.store.dump_app(tenant_id, app_id)), None) is not None:
        raise RestoreError(
            f"{tenant_id}/{app_id} already has records: restore into an empty table"
            " (or use `manage.py import` to load on top)"
        )
    counts = ctx.store.load_app(tenant_id, app_id, records, ctx.settings.feedback_retention_days)
    progress(f"loaded {sum(counts.values())} records into {tenant_id}/{app_id}")
    return {"tenant": tenant_id, "app": app_id, "records": counts, "made": made}
