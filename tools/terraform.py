"""The same stack for Terraform: `make package STAGE=dev FORMAT=terraform`.

Chalice writes the functions, roles, schedules and API as Terraform JSON
(``chalice.tf.json``). The table, topic, queues, buckets, CloudFront, signing secret and
alarms are not translated by hand: Terraform deploys them as one ``aws_cloudformation_stack``
made from the very templates/*.json the CloudFormation package and the local stack use, and
the functions' settings, event sources and least-privilege policies point at that stack's
outputs. One definition of each resource, whichever tool deploys it.

The API becomes an HTTP API ($default route, payload 1.0), as in the CloudFormation package.
Gradual releases (CodeDeploy through SAM) are not part of this output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chalicelib.consumers import FILTERS

from .bytecode import add_bytecode
from .package import (
    CONDITIONS,
    ENVIRONMENT,
    OPERATOR_TOPIC,
    SIGNING_PARAMETER,
    STAGE_DEFAULTS,
    alarm,
    budget,
    chalice_package,
    data_alarms,
    function_alarms,
    http_api_cors,
    observability,
    parameters,
    policy_documents,
    stack_resources,
)
from .resources import ROOT

__all__ = ["terraform", "STACK"]

STACK = "aws_cloudformation_stack.resources"
_PSEUDO = {
    "AWS::Partition": "${data.aws_partition.chalice.partition}",
    "AWS::Region": "${data.aws_region.chalice.name}",
    "AWS::AccountId": "${data.aws_caller_identity.chalice.account_id}",
}


class _Outputs:
    """CloudFormation references turned into Terraform interpolations of the stack's
    outputs; remembers each output it needs so the stack template declares it."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.needed: dict[str, Any] = {}

    def _output(self, logical: str, attribute: str | None) -> str:
        name = logical + (attribute or "")
        self.needed[name] = (
            {"Value": {"Fn::GetAtt": [logical, attribute]}}
            if attribute
            else {"Value": {"Ref": logical}}
        )
        return f"${{{STACK}.outputs.{name}}}"

    def _sub(self, text: str) -> str:
        text = text.replace("${AWS::StackName}-*", f"featureboard-{self.stage}*")
        text = text.replace("${AWS::StackName}", f"featureboard-{self.stage}")

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in _PSEUDO:
                return _PSEUDO[name]
            logical, _, attribute = name.partition(".")
            return self._output(logical, attribute or None)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def convert(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.convert(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self._output(value["Ref"], None)
        if set(value) == {"Fn::GetAtt"}:
            return self._output(*value["Fn::GetAtt"])
        if set(value) == {"Fn::Sub"}:
            return self._sub(value["Fn::Sub"])
        return {k: self.convert(v) for k, v in value.items()}


def _alarms(tf: dict[str, Any], refs: _Outputs) -> None:
    """The alarms that name Terraform's resources (functions, the HTTP API), as Terraform
    resources; the others live in the stack with what they watch."""
    functions = {_logical(name): name for name in tf["resource"]["aws_lambda_function"]}

    def name_of(logical: str) -> str:
        return f"${{aws_lambda_function.{functions[logical.lower()]}.function_name}}"

    found = function_alarms(name_of)
    found["Api5xxAlarm"] = alarm(
        "AWS/ApiGateway",
        "5xx",
        {"ApiId": "${aws_apigatewayv2_api.http_api.id}", "Stage": "$default"},
        5,
        optional=True,
    )
    tf["resource"]["aws_cloudwatch_metric_alarm"] = {
        _snake(name): {
            "alarm_name": f"${{aws_lambda_function.api_handler.function_name}}-{name}",
            **({"count": "${var.optional_alarms ? 1 : 0}"} if "Condition" in resource else {}),
            **{
                _snake(key): refs.convert(value)
                for key, value in resource["Properties"].items()
                if key != "Dimensions"
            },
            "dimensions": {d["Name"]: d["Value"] for d in resource["Properties"]["Dimensions"]},
        }
        for name, resource in found.items()
    }


def _snake(name: str) -> str:
    """CloudFormation's ``AlarmActions`` -> Terraform's ``alarm_actions``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _logical(tf_name: str) -> str:
    """Chalice's Terraform name of a function (``api_handler``) -> its CloudFormation one."""
    return tf_name.replace("_", "").replace("-", "").lower()


def _stack_template(stage: str, outputs: dict[str, Any]) -> dict[str, Any]:
    resources = stack_resources(stage) | observability(stage)
    resources["OperatorTopic"] = OPERATOR_TOPIC
    resources |= data_alarms()
    resources["CostBudget"] = budget()
    site = json.loads((ROOT / "templates" / "site.json").read_text())["Outputs"]
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Featureboard {stage}: data, messaging, storage and site (Terraform)",
        "Parameters": {k: v for k, v in parameters(stage).items() if k in STACK_PARAMETERS},
        "Conditions": CONDITIONS,
        "Resources": resources,
        "Outputs": {**site, **outputs},
    }


# the embedded stack's parameters, each from the Terraform variable of the same meaning
STACK_PARAMETERS = {
    "OperatorEmail": "${var.operator_email}",
    "OptionalAlarms": "${var.optional_alarms}",
    "LogRetentionDays": "${var.log_retention_days}",
    "MonthlyBudget": "${var.monthly_budget}",
}


def _http_api(tf: dict[str, Any]) -> None:
    """Chalice's REST API replaced by an HTTP API with one catch-all route."""
    resource = tf["resource"]
    for kind in ("aws_api_gateway_rest_api", "aws_api_gateway_deployment"):
        resource.pop(kind)
    tf.get("locals", {}).pop("chalice_api_swagger", None)
    resource["aws_apigatewayv2_api"] = {
        "http_api": {
            "name": "${aws_lambda_function.api_handler.function_name}",
            "protocol_type": "HTTP",
            "cors_configuration": {_snake(k): v for k, v in http_api_cors().items()},
        }
    }
    resource["aws_apigatewayv2_integration"] = {
        "http_api": {
            "api_id": "${aws_apigatewayv2_api.http_api.id}",
            "integration_type": "AWS_PROXY",
            "integration_uri": "${aws_lambda_function.api_handler.invoke_arn}",
            "payload_format_version": "1.0",
            "timeout_milliseconds": 29000,
        }
    }
    resource["aws_apigatewayv2_route"] = {
        "http_api": {
            "api_id": "${aws_apigatewayv2_api.http_api.id}",
            "route_key": "$default",
            "target": "integrations/${aws_apigatewayv2_integration.http_api.id}",
        }
    }
    resource["aws_apigatewayv2_stage"] = {
        "http_api": {
            "api_id": "${aws_apigatewayv2_api.http_api.id}",
            "name": "$default",
            "auto_deploy": True,
            "default_route_settings": {
                "throttling_rate_limit": "${var.api_throttle_rate}",
                "throttling_burst_limit": "${var.api_throttle_burst}",
            },
        }
    }
    permission = resource["aws_lambda_permission"].pop("rest_api_invoke")
    permission["source_arn"] = "${aws_apigatewayv2_api.http_api.execution_arn}/*/*"
    resource["aws_lambda_permission"]["http_api_invoke"] = permission
    tf["output"] = {
        "EndpointURL": {"value": "${aws_apigatewayv2_stage.http_api.invoke_url}"},
        "HttpAPIId": {"value": "${aws_apigatewayv2_api.http_api.id}"},
    }


def _wire(tf: dict[str, Any], stage: str, refs: _Outputs) -> None:
    """Settings, event sources and least-privilege policies, pointed at the stack."""
    resource = tf["resource"]
    env = refs.convert({k: v for k, v in ENVIRONMENT.items() if k != "SIGNING_SECRET_PARAMETER"})
    env["SIGNING_SECRET_PARAMETER"] = "${aws_ssm_parameter.signing.name}"
    sns_consumers = {s["endpoint"] for s in resource["aws_sns_topic_subscription"].values()}
    for name, function in resource["aws_lambda_function"].items():
        function["environment"]["variables"].update(env)
        function["tracing_config"] = {"mode": "${var.tracing_mode}"}
        function["logging_config"] = {
            "log_format": "JSON",
            "system_log_level": "${var.system_log_level}",
            "log_group": refs.convert({"Ref": "AppLogs"}),
        }
        if f"${{aws_lambda_function.{name}.arn}}" in sns_consumers:
            function["dead_letter_config"] = {
                "target_arn": refs.convert(_arn("EventsDeadLetterQueue"))
            }
    handlers = {
        f"${{aws_lambda_function.{name}.arn}}": function["handler"].rpartition(".")[2]
        for name, function in resource["aws_lambda_function"].items()
    }
    for subscription in resource["aws_sns_topic_subscription"].values():
        subscription["topic_arn"] = refs.convert({"Ref": "EventsTopic"})
        subscription["filter_policy"] = json.dumps(FILTERS[handlers[subscription["endpoint"]]])
        subscription["filter_policy_scope"] = "MessageAttributes"
    for name, mapping in resource["aws_lambda_event_source_mapping"].items():
        mapping["function_response_types"] = ["ReportBatchItemFailures"]
        if "dynamodb" in name:
            mapping["event_source_arn"] = refs.convert({"Fn::GetAtt": ["AppTable", "StreamArn"]})
            mapping["bisect_batch_on_function_error"] = True
            mapping["maximum_batching_window_in_seconds"] = 1
            mapping["maximum_retry_attempts"] = 5
            mapping["destination_config"] = {
                "on_failure": {"destination_arn": refs.convert(_arn("EventsDeadLetterQueue"))}
            }
        else:
            queue = "JobsQueue" if "jobs" in name else "WebhookQueue"
            mapping["event_source_arn"] = refs.convert(_arn(queue))
    documents = {_logical(f): document for f, document in policy_documents().items()}
    for role_name, role_policy in resource["aws_iam_role_policy"].items():
        document = documents[_logical(role_name.removesuffix("_role"))]
        role_policy["policy"] = json.dumps(refs.convert(document))


def _arn(logical: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical, "Arn"]}


def terraform(stage: str, out: Path) -> Path:
    """Write ``out/terraform/`` (chalice.tf.json with our changes and
    deployment.zip); returns the directory."""
    target = out / "terraform"
    chalice_package(stage, target, "--pkg-format", "terraform")
    add_bytecode(target / "deployment.zip")
    path = target / "chalice.tf.json"
    tf = json.loads(path.read_text())
    refs = _Outputs(stage)
    _http_api(tf)
    _wire(tf, stage, refs)
    _alarms(tf, refs)
    # the signing secret: a SecureString (no monthly fee) with a random value made once
    tf["resource"]["random_password"] = {"signing": {"length": 48, "special": False}}
    tf["resource"]["aws_ssm_parameter"] = {
        "signing": {
            "name": SIGNING_PARAMETER.format(stage=stage),
            "type": "SecureString",
            "tier": "Standard",
            "value": "${random_password.signing.result}",
            "lifecycle": {"ignore_changes": ["value"]},
        }
    }
    tf["resource"]["aws_cloudformation_stack"] = {
        "resources": {
            "name": f"featureboard-{stage}-resources",
            "template_body": json.dumps(_stack_template(stage, refs.needed)),
            "parameters": STACK_PARAMETERS,
            "capabilities": ["CAPABILITY_IAM"],
        }
    }
    tf["variable"] = {
        "operator_email": {"type": "string", "description": "Who hears the alarms."},
        "optional_alarms": {
            "type": "string",
            "default": STAGE_DEFAULTS[stage]["OptionalAlarms"],
            "description": "Alarms beyond the essential three ($0.10 a month each).",
        },
        "tracing_mode": {"type": "string", "default": STAGE_DEFAULTS[stage]["TracingMode"]},
        "system_log_level": {"type": "string", "default": STAGE_DEFAULTS[stage]["SystemLogLevel"]},
        "log_retention_days": {"type": "number", "default": 30},
        "monthly_budget": {"type": "number", "default": 10},
        "api_throttle_rate": {"type": "number", "default": 500},
        "api_throttle_burst": {"type": "number", "default": 1000},
    }
    for name in ("SiteURL", "SiteBucketName", "SiteDistributionId"):
        tf["output"][name] = {"value": f"${{{STACK}.outputs.{name}}}"}
    path.write_text(json.dumps(tf, indent=2))
    return target
