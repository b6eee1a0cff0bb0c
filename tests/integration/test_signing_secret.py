"""The signing secret lives in SSM Parameter Store (no monthly fee), read once per process."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws, settings
from chalicelib.context import get_context
from tools.deploy import ensure_signing_secret
from tools.package import SIGNING_PARAMETER, policy_documents


def test_the_deploy_step_makes_a_secure_string_once_and_never_replaces_it(aws_mock: Any) -> None:
    first = ensure_signing_secret("dev", aws.client)
    name = SIGNING_PARAMETER.format(stage="dev")
    stored = aws.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    again = ensure_signing_secret("dev", aws.client)
    kept = aws.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert first == {"parameter": name, "created": True, "value": "random"}
    assert again["created"] is False
    assert stored["Type"] == "SecureString" and len(stored["Value"]) >= 32
    assert kept["Value"] == stored["Value"]


def test_a_stack_deployed_with_secrets_manager_keeps_its_secret(aws_mock: Any) -> None:
    """Tokens and links signed before the move must still verify: the value moves over."""
    import boto3
    from botocore.stub import Stubber

    arn = aws.client("secretsmanager").create_secret(
        Name="featureboard-prod-SigningSecret-x1", SecretString="the-old-secret-0123456789"
    )["ARN"]
    cfn = boto3.client("cloudformation")
    with Stubber(cfn) as stub:
        stub.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    {
                        "LogicalResourceId": "SigningSecret",
                        "PhysicalResourceId": arn,
                        "ResourceType": "AWS::SecretsManager::Secret",
                        "LastUpdatedTimestamp": "2026-11-01T00:00:00Z",
                        "ResourceStatus": "CREATE_COMPLETE",
                    }
                ]
            },
        )
        stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": "featureboard-prod",
                        "CreationTime": "2026-11-01T00:00:00Z",
                        "StackStatus": "UPDATE_COMPLETE",
                    }
                ]
            },
        )
        made = ensure_signing_secret(
            "prod", lambda service: cfn if service == "cloudformation" else aws.client(service)
        )
    name = SIGNING_PARAMETER.format(stage="prod")
    stored = aws.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert made["value"] == "the stack's Secrets Manager secret"
    assert stored["Value"] == "the-old-secret-0123456789"
    aws.client("ssm").delete_parameter(Name=name)


def test_functions_read_the_secret_from_the_parameter_the_policy_names(
    aws_mock: Any, settings_env: Any
) -> None:
    name = SIGNING_PARAMETER.format(stage="prod")
    aws.client("ssm").put_parameter(
        Name=name, Value="from-parameter-store-0123456789", Type="SecureString", Overwrite=True
    )
    calls: list[str] = []

    def seen(model: Any, **_: Any) -> None:
        calls.append(model.name)

    aws.client("ssm").meta.events.register("before-call", seen)
    settings._parameter.cache_clear()
    try:
        settings_env(SIGNING_SECRET="", SIGNING_SECRET_PARAMETER=name)
        assert get_context().secret == b"from-parameter-store-0123456789"
        get_context.cache_clear()
        assert get_context().secret == b"from-parameter-store-0123456789"
    finally:
        aws.client("ssm").meta.events.unregister("before-call", seen)
        settings._parameter.cache_clear()
    assert calls == ["GetParameter"]  # once per process
    for function, document in policy_documents().items():
        (statement,) = [s for s in document["Statement"] if "ssm:GetParameter" in s["Action"]]
        assert statement["Action"] == ["ssm:GetParameter"], function
        # the stack is featureboard-<stage>: the policy names exactly that stage's parameter
        resource = statement["Resource"]["Fn::Sub"].replace(
            "${AWS::StackName}", "featureboard-prod"
        )
        assert resource.endswith(f":parameter{name}"), function
        assert "secretsmanager" not in json.dumps(document), function
