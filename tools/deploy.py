"""After and around a deploy: publish the web site, roll the API back.

Both find what they work on from the stage's CloudFormation stack (``featureboard-<stage>``),
so they need nothing but credentials for its account. ``clients`` makes the boto3 clients;
tests point it at moto's server.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3

from .resources import ROOT

__all__ = ["stack_name", "publish_site", "rollback", "RollbackError", "ensure_signing_secret"]

Clients = Callable[[str], Any]
SITE = ROOT / "static"
# long-lived caching for pinned third-party code; our own files change with each deploy
CACHE = {"vendor/": "public, max-age=31536000, immutable"}
DEFAULT_CACHE = "public, max-age=300"
OPEN_DEPLOYMENT = ["Created", "Queued", "InProgress", "Ready"]


class RollbackError(RuntimeError):
    """Nothing to roll back to, or the stack is not what this tool deploys."""


def stack_name(stage: str) -> str:
    return f"featureboard-{stage}"


def _stack(clients: Clients, stage: str) -> tuple[dict[str, str], dict[str, str]]:
    """The stack's resources (logical id -> physical id) and outputs."""
    cfn = clients("cloudformation")
    name = stack_name(stage)
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name)
        for r in page["StackResourceSummaries"]
    }
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return resources, outputs


def _site_files(root: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path, path.relative_to(root).as_posix()


def publish_site(
    stage: str,
    clients: Clients = boto3.client,
    root: Path = SITE,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Upload the board, console and widget to the stage's site bucket, with a
    ``config.json`` naming the stage's API, then refresh CloudFront's copies."""
    _, outputs = _stack(clients, stage)
    bucket, api = outputs["SiteBucketName"], outputs["EndpointURL"]
    s3 = clients("s3")
    files = list(_site_files(root))
    for n, (path, key) in enumerate(files, 1):
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = next((v for prefix, v in CACHE.items() if key.startswith(prefix)), DEFAULT_CACHE)
        s3.upload_file(
            str(path), bucket, key, ExtraArgs={"ContentType": kind, "CacheControl": cache}
        )
        progress(f"[{n}/{len(files)}] {key}")
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps({"api": api.rstrip("/")}).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
    )
    invalidation = clients("cloudfront").create_invalidation(
        DistributionId=outputs["SiteDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"featureboard-{stage}-{time.time_ns()}",
        },
    )["Invalidation"]
    return {
        "stage": stage,
        "bucket": bucket,
        "files": len(files) + 1,
        "api": api,
        "site": outputs.get("SiteURL"),
        "invalidation": invalidation["Id"],
    }


def _open_deployment(clients: Clients, resources: dict[str, str]) -> str | None:
    application = resources.get("ServerlessDeploymentApplication")
    group = resources.get("APIHandlerDeploymentGroup")
    if not (application and group):
        return None
    found = clients("codedeploy").list_deployments(
        applicationName=application,
        deploymentGroupName=group,
        includeOnlyStatuses=OPEN_DEPLOYMENT,
    )["deployments"]
    return found[0] if found else None


def rollback(stage: str, to: str | None = None, clients: Clients = boto3.client) -> dict[str, Any]:
    """Put the API back on the code it ran before.

    A release still shifting traffic is stopped, and CodeDeploy moves the ``live`` alias back
    itself. Otherwise the alias is pointed at ``to`` or at the version before the one it
    serves, with no traffic left on any other. The next ``make deploy`` of new code starts a
    new gradual release from there.
    """
    resources, outputs = _stack(clients, stage)
    deployment = _open_deployment(clients, resources)
    if deployment and to is not None:
        raise RollbackError(f"release {deployment} is shifting traffic: roll back without --to")
    if deployment:
        clients("codedeploy").stop_deployment(deploymentId=deployment, autoRollbackEnabled=True)
        return {"stage": stage, "stoppedDeployment": deployment, "rolledBackBy": "codedeploy"}
    function = outputs["APIHandlerName"]
    lam = clients("lambda")
    serving = lam.get_alias(FunctionName=function, Name="live")["FunctionVersion"]
    published = sorted(
        int(v["Version"])
        for page in lam.get_paginator("list_versions_by_function").paginate(FunctionName=function)
        for v in page["Versions"]
        if v["Version"] != "$LATEST"
    )
    if to is None:
        earlier = [v for v in published if v < int(serving)]
        if not earlier:
            raise RollbackError(f"version {serving} is the first one: nothing to roll back to")
        to = str(earlier[-1])
    elif not to.isdigit() or int(to) not in published:
        raise RollbackError(f"no published version {to} (there are {published})")
    lam.update_alias(
        FunctionName=function,
        Name="live",
        FunctionVersion=to,
        RoutingConfig={"AdditionalVersionWeights": {}},
    )
    return {"stage": stage, "function": function, "from": serving, "to": to}


def ensure_signing_secret(stage: str, clients: Clients = boto3.client) -> dict[str, Any]:
    """The stage's signing secret as an SSM SecureString (standard tier: no monthly fee),
    made once before the first deploy and never replaced, since user tokens, cursors and
    unsubscribe links signed with it must keep working. A stack deployed before this
    change keeps its secret: the value moves over from its Secrets Manager secret (which
    the next deploy deletes). CloudFormation cannot make a SecureString, so `make deploy`
    runs this first."""
    from .package import SIGNING_PARAMETER

    ssm = clients("ssm")
    name = SIGNING_PARAMETER.format(stage=stage)
    try:
        ssm.get_parameter(Name=name)
        return {"parameter": name, "created": False}
    except ssm.exceptions.ParameterNotFound:
        pass
    value, source = _previous_secret(clients, stage), "the stack's Secrets Manager secret"
    if value is None:
        value, source = secrets.token_urlsafe(36), "random"
    ssm.put_parameter(
        Name=name,
        Value=value,
        Type="SecureString",
        Tier="Standard",
        Description="Featureboard: signs cursors and links; derives user-token secrets.",
    )
    return {"parameter": name, "created": True, "value": source}


def _previous_secret(clients: Clients, stage: str) -> str | None:
    """The signing secret of a stack deployed with Secrets Manager, if there is one."""
    from botocore.exceptions import ClientError

    try:
        resources, _ = _stack(clients, stage)
    except ClientError:  # no stack yet
        return None
    secret = resources.get("SigningSecret")
    if secret is None:
        return None
    return clients("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Steps of `make deploy` that need AWS.")
    parser.add_argument("step", choices=["secret"])
    parser.add_argument("stage", choices=["dev", "prod"])
    args = parser.parse_args()
    print(json.dumps(ensure_signing_secret(args.stage)))


if __name__ == "__main__":
    main()
