"""`manage.py publish` and `manage.py rollback` against a stage's stack, with real boto3 calls
to moto's server (CloudFormation, Lambda, S3, CloudFront). moto's CloudFormation makes no
CloudFront or CodeDeploy resources, so the distribution is made by its API and named in an
output, and the release-in-progress branch runs on botocore's Stubber.

A moto server of their own, in another process: a Lambda function in the shared one would
break its /moto-api/data.json (which the local outbox reads) for the tests that follow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from manage import cli
from tests.helpers import LAMBDA_ROLE, lambda_function, unique
from tools.deploy import SITE, _site_files, rollback

STACK = "featureboard-dev"


@pytest.fixture(autouse=True)
def _aws(own_aws: None) -> None:
    """Every test here runs against the module's own moto."""


def _distribution() -> str:
    return boto3.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": unique("site"),
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": "site.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]["Id"]


@pytest.fixture
def stack() -> Iterator[dict[str, Any]]:
    """The dev stack's parts these commands use: the API function, the site bucket, outputs."""
    distribution = _distribution()
    template = {
        "Resources": {
            "ApiHandlerRole": LAMBDA_ROLE,
            "APIHandler": lambda_function("ApiHandlerRole"),
            "SiteBucket": {"Type": "AWS::S3::Bucket"},
        },
        "Outputs": {
            "APIHandlerName": {"Value": {"Ref": "APIHandler"}},
            "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
            "SiteDistributionId": {"Value": distribution},
            "SiteURL": {"Value": "https://d111111abcdef8.cloudfront.net/"},
            "EndpointURL": {"Value": "https://abc123.execute-api.us-east-1.amazonaws.com/"},
        },
    }
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    }
    yield outputs
    s3 = boto3.resource("s3")
    s3.Bucket(outputs["SiteBucketName"]).objects.all().delete()
    cfn.delete_stack(StackName=STACK)


def _run(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(cli, [*args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


def test_publish_uploads_the_site_with_its_config_and_refreshes_cloudfront(
    stack: dict[str, Any],
) -> None:
    code, done = _run("publish", "dev")
    assert code == 0, done
    s3 = boto3.client("s3")
    bucket = stack["SiteBucketName"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, MaxKeys=1000)["Contents"]}
    expected = {key for _, key in _site_files(SITE)} | {"config.json"}
    assert keys == expected and done["files"] == len(expected)
    assert {"index.html", "board/index.html", "widget/widget.js", "js/api.js"} <= keys
    page = s3.head_object(Bucket=bucket, Key="board/index.html")
    assert page["ContentType"] == "text/html" and page["CacheControl"] == "public, max-age=300"
    assert s3.head_object(Bucket=bucket, Key="widget/widget.js")["ContentType"] == (
        "text/javascript"
    )
    config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
    assert config == {"api": "https://abc123.execute-api.us-east-1.amazonaws.com"}
    invalidations = boto3.client("cloudfront").list_invalidations(
        DistributionId=stack["SiteDistributionId"]
    )["InvalidationList"]
    assert done["invalidation"] in [i["Id"] for i in invalidations["Items"]]


def test_rollback_moves_the_live_alias_back_one_version_at_a_time(
    stack: dict[str, Any],
) -> None:
    lam = boto3.client("lambda")
    function = stack["APIHandlerName"]
    for n in range(3):  # three releases: versions 1, 2, 3
        lam.update_function_configuration(FunctionName=function, Description=f"release {n}")
        version = lam.publish_version(FunctionName=function, Description=f"release {n}")
    lam.create_alias(FunctionName=function, Name="live", FunctionVersion=version["Version"])

    assert _run("rollback", "dev") == (
        0,
        {"stage": "dev", "function": function, "from": "3", "to": "2"},
    )
    assert _run("rollback", "dev")[1]["to"] == "1"
    code, said = _run("rollback", "dev")
    assert code == 1 and "nothing to roll back to" in said
    assert lam.get_alias(FunctionName=function, Name="live")["FunctionVersion"] == "1"
    code, said = _run("rollback", "dev", "--to", "9")
    assert code == 1 and "no published version 9" in said
    assert _run("rollback", "dev", "--to", "3")[1]["to"] == "3"
    alias = lam.get_alias(FunctionName=function, Name="live")
    assert alias["FunctionVersion"] == "3"
    assert not alias.get("RoutingConfig", {}).get("AdditionalVersionWeights")


def test_rollback_during_a_release_stops_it_and_lets_codedeploy_roll_back() -> None:
    cfn = boto3.client("cloudformation")
    deploy = boto3.client("codedeploy")
    resources = {
        "APIHandler": "featureboard-dev-APIHandler-X",
        "ServerlessDeploymentApplication": "featureboard-dev-ServerlessDeploymentApplication-Y",
        "APIHandlerDeploymentGroup": "featureboard-dev-APIHandlerDeploymentGroup-Z",
    }
    with Stubber(cfn) as stack_stub, Stubber(deploy) as deploy_stub:
        stack_stub.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    {
                        "LogicalResourceId": logical,
                        "PhysicalResourceId": physical,
                        "ResourceType": "AWS::Lambda::Function",
                        "LastUpdatedTimestamp": "2026-11-23T00:00:00Z",
                        "ResourceStatus": "UPDATE_COMPLETE",
                    }
                    for logical, physical in resources.items()
                ]
            },
            {"StackName": STACK},
        )
        stack_stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": STACK,
                        "CreationTime": "2026-11-23T00:00:00Z",
                        "StackStatus": "UPDATE_IN_PROGRESS",
                        "Outputs": [
                            {"OutputKey": "APIHandlerName", "OutputValue": resources["APIHandler"]}
                        ],
                    }
                ]
            },
            {"StackName": STACK},
        )
        deploy_stub.add_response(
            "list_deployments",
            {"deployments": ["d-RELEASE1"]},
            {
                "applicationName": resources["ServerlessDeploymentApplication"],
                "deploymentGroupName": resources["APIHandlerDeploymentGroup"],
                "includeOnlyStatuses": ["Created", "Queued", "InProgress", "Ready"],
            },
        )
        deploy_stub.add_response(
            "stop_deployment",
            {"status": "Pending", "statusMessage": "stopping"},
            {"deploymentId": "d-RELEASE1", "autoRollbackEnabled": True},
        )
        done = rollback("dev", clients={"cloudformation": cfn, "codedeploy": deploy}.__getitem__)
        deploy_stub.assert_no_pending_responses()
    assert done == {"stage": "dev", "stoppedDeployment": "d-RELEASE1", "rolledBackBy": "codedeploy"}
