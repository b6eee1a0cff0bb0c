"""Build the deployable template: `chalice package` plus our resources, wired together.

`make package STAGE=dev` runs this. Chalice makes the functions and the API; the merge
template adds the table, topic, queues and bucket from templates/*.json and points every
function's settings and event sources at them (Chalice alone would name resources that do
not exist). Resource names get the stage, so stages can share an account.

Nothing in the template costs money by the month while idle beyond the essential alarms:
the signing secret is an SSM SecureString (free; `python -m tools.deploy secret STAGE`
makes it), metrics come from metric filters on one log group (a fixed set), optional
alarms are off in prod, tracing is off in prod unless asked for, and a budget warns at
50 / 80 / 100 % of a monthly amount (budgets without actions are free).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.consumers import FILTERS
from chalicelib.logs import METRICS, NAMESPACE

from .bytecode import RUNTIME, add_bytecode
from .model_layer import add_model_layer
from .resources import ROOT

__all__ = [
    "package",
    "merge_template",
    "sam_to_cloudformation",
    "stack_resources",
    "ENVIRONMENT",
    "policy_documents",
    "observability",
    "SIGNING_PARAMETER",
]

SOURCES = ("table.json", "messaging.json", "storage.json", "site.json")
# every function's settings, naming our resources
ENVIRONMENT = {
    "TABLE_NAME": {"Ref": "AppTable"},
    "EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"},
    "EVENTS_STREAM_ARN": {"Fn::GetAtt": ["AppTable", "StreamArn"]},
    "WEBHOOK_QUEUE_URL": {"Ref": "WebhookQueue"},
    "JOBS_QUEUE_URL": {"Ref": "JobsQueue"},
    "EXPORT_BUCKET": {"Ref": "ExportBucket"},
    "SIGNING_SECRET_PARAMETER": {"Fn::Sub": "/${AWS::StackName}/signing-secret"},
}
SIGNING_PARAMETER = "/featureboard-{stage}/signing-secret"  # the stack is featureboard-<stage>
STAGE_DEFAULTS = {  # parameter defaults: prod keeps only what is essential while idle
    "dev": {"OptionalAlarms": "true", "TracingMode": "Active", "SystemLogLevel": "INFO"},
    "prod": {"OptionalAlarms": "false", "TracingMode": "PassThrough", "SystemLogLevel": "WARN"},
}


def chalice_package(stage: str, out: Path, *options: str) -> None:
    """``chalice package`` for ``stage`` into ``out``, with extra options."""
    command = [str(Path(sys.executable).parent / "chalice"), "package", "--stage", stage]
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run(
        [*command, *options, str(out)], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _chalice(stage: str, out: Path, merge: Path | None = None) -> dict[str, Any]:
    chalice_package(stage, out, *(["--merge-template", str(merge)] if merge else []))
    return json.loads((out / "sam.json").read_text())


def stack_resources(stage: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in SOURCES:
        found |= json.loads((ROOT / "templates" / name).read_text())["Resources"]
    for resource in found.values():  # stage-qualified names
        props = resource["Properties"]
        for key in ("TopicName", "QueueName"):
            if key in props:
                props[key] = f"{props[key]}-{stage}"
    found["AppTable"]["Properties"]["DeletionProtectionEnabled"] = stage == "prod"
    found["AppTable"]["DeletionPolicy"] = found["AppTable"]["UpdateReplacePolicy"] = (
        "Retain" if stage == "prod" else "Delete"
    )
    return found


def observability(stage: str) -> dict[str, Any]:
    """One log group for every function (a retention, so storage stops growing), the
    fixed set of metrics as metric filters on it, and the per-route Logs Insights query."""
    found: dict[str, Any] = {
        "AppLogs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": {"Fn::Sub": "/featureboard/${AWS::StackName}"},
                "RetentionInDays": {"Ref": "LogRetentionDays"},
            },
        },
        "CostByRouteQuery": {
            "Type": "AWS::Logs::QueryDefinition",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}/cost-and-latency-by-route"},
                "LogGroupNames": [{"Ref": "AppLogs"}],
                "QueryString": COST_BY_ROUTE,
            },
        },
    }
    for name, (pattern, value) in METRICS.items():
        found[f"{name}Metric"] = {
            "Type": "AWS::Logs::MetricFilter",
            "Properties": {
                "LogGroupName": {"Ref": "AppLogs"},
                "FilterPattern": pattern,
                "MetricTransformations": [
                    {"MetricNamespace": NAMESPACE, "MetricName": name, "MetricValue": value}
                ],
            },
        }
    return found


# the same figures `manage.py cost --from-logs` prints from exported lines
COST_BY_ROUTE = "\n".join(
    (
        "fields route, ms, cost",
        "| filter ispresent(route)",
        "| stats count(*) as calls, avg(ms) as avgMs, pct(ms, 95) as p95Ms,",
        "  sum(cost) / 1000000 as dollars by route",
        "| sort dollars desc",
    )
)


def parameters(stage: str) -> dict[str, Any]:
    """What an operator sets at deploy time; the defaults differ by stage."""
    defaults = STAGE_DEFAULTS[stage]
    return {
        "OperatorEmail": {
            "Type": "String",
            "Description": "Who hears the alarms and the budget's alerts.",
            "AllowedPattern": "^[^@\\s]+@[^@\\s]+$",
            "Default": "ops@example.com",
        },
        "OptionalAlarms": {
            "Type": "String",
            "AllowedValues": ["true", "false"],
            "Default": defaults["OptionalAlarms"],
            "Description": "Alarms beyond the essential three ($0.10 a month each).",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": 30,
            "AllowedValues": [1, 3, 5, 7, 14, 30, 60, 90, 180, 365],
        },
        "TracingMode": {
            "Type": "String",
            "AllowedValues": ["Active", "PassThrough"],
            "Default": defaults["TracingMode"],
            "Description": "X-Ray: Active records about every call at low traffic ($5 a million"
            " traces); PassThrough records only what a caller asked to trace.",
        },
        "SystemLogLevel": {
            "Type": "String",
            "AllowedValues": ["DEBUG", "INFO", "WARN"],
            "Default": defaults["SystemLogLevel"],
            "Description": "Lambda's own lines: INFO writes START and REPORT (~300 bytes an"
            " invocation, billed as log ingestion); WARN only its warnings. The app's one line a"
            " call keeps its status, ms and cold start either way.",
        },
        "MonthlyBudget": {
            "Type": "Number",
            "Default": 10,
            "MinValue": 1,
            "Description": "US dollars a month; alerts at 50, 80 and 100 %.",
        },
    }


CONDITIONS = {"WithOptionalAlarms": {"Fn::Equals": [{"Ref": "OptionalAlarms"}, "true"]}}


def budget() -> dict[str, Any]:
    """A cost budget that emails the operator at 50, 80 and 100 % of the month's amount."""
    return {
        "Type": "AWS::Budgets::Budget",
        "Properties": {
            "Budget": {
                "BudgetName": {"Fn::Sub": "${AWS::StackName}-monthly"},
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": {"Ref": "MonthlyBudget"}, "Unit": "USD"},
            },
            "NotificationsWithSubscribers": [
                {
                    "Notification": {
                        "NotificationType": "ACTUAL",
                        "ComparisonOperator": "GREATER_THAN",
                        "Threshold": share,
                        "ThresholdType": "PERCENTAGE",
                    },
                    "Subscribers": [
                        {"SubscriptionType": "EMAIL", "Address": {"Ref": "OperatorEmail"}}
                    ],
                }
                for share in (50, 80, 100)
            ],
        },
    }


def merge_template(stage: str, generated: dict[str, Any]) -> dict[str, Any]:
    """Our resources, and overrides for the functions Chalice generated."""
    environment = ENVIRONMENT
    resources = stack_resources(stage) | observability(stage)
    for name, resource in generated["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props: dict[str, Any] = {
            "Environment": {"Variables": environment},
            "Tracing": {"Ref": "TracingMode"},
            "LoggingConfig": {  # JSON: the format Lambda's log-level filtering needs
                "LogFormat": "JSON",
                "SystemLogLevel": {"Ref": "SystemLogLevel"},
                "LogGroup": {"Ref": "AppLogs"},
            },
        }
        events = resource["Properties"].get("Events", {})
        for event_name, event in events.items():
            kind = event["Type"]
            if kind == "DynamoDB":
                props.setdefault("Events", {})[event_name] = {
                    "Properties": {
                        "Stream": {"Fn::GetAtt": ["AppTable", "StreamArn"]},
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        # up to a second to gather a batch: fewer invocations under load
                        "MaximumBatchingWindowInSeconds": 1,
                        "BisectBatchOnFunctionError": True,
                        "MaximumRetryAttempts": 5,
                        "DestinationConfig": {
                            "OnFailure": {
                                "Destination": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}
                            }
                        },
                    }
                }
            elif kind == "SNS":
                props["DeadLetterQueue"] = {
                    "Type": "SQS",
                    "TargetArn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]},
                }
                props.setdefault("Events", {})[event_name] = {
                    "Properties": {
                        "FilterPolicy": FILTERS[logical_to_handler(name)],
                        "FilterPolicyScope": "MessageAttributes",
                    }
                }
            elif kind == "SQS":
                props.setdefault("Events", {})[event_name] = {
                    "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
                }
        resources[name] = {"Properties": props}
    outputs: dict[str, Any] = {}
    for source in SOURCES:
        outputs |= json.loads((ROOT / "templates" / source).read_text()).get("Outputs", {})
    return {"Resources": resources, "Outputs": outputs}


def logical_to_handler(logical: str) -> str:
    """Chalice's logical id of a function (``EmailOnEvent``) -> its handler's name."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in logical).lstrip("_")


def policy_documents() -> dict[str, dict[str, Any]]:
    """Each function's least-privilege policy (CloudFormation logical id -> document): only
    the statements templates/policy.json gives it, naming this stack's resources."""
    policy = json.loads((ROOT / "templates" / "policy.json").read_text())
    statements = {s["Sid"]: s for s in policy["Statements"]}
    return {
        function: {"Version": "2012-10-17", "Statement": [statements[s] for s in sids]}
        for function, sids in policy["Functions"].items()
    }


def _least_privilege(template: dict[str, Any]) -> None:
    """Each function's role gets its policy (a policy file in .chalice/ cannot name this
    stack's resources; that one is a placeholder)."""
    for function, document in policy_documents().items():
        template["Resources"][f"{function}Role"]["Properties"]["Policies"] = [
            {"PolicyName": f"{function}LeastPrivilege", "PolicyDocument": document}
        ]


OPERATOR_TOPIC = {
    "Type": "AWS::SNS::Topic",
    "Properties": {"Subscription": [{"Protocol": "email", "Endpoint": {"Ref": "OperatorEmail"}}]},
}


def alarm(
    namespace: str,
    metric: str,
    dimensions: dict[str, Any],
    threshold: float,
    statistic: str = "Sum",
    optional: bool = False,
) -> dict[str, Any]:
    """An alarm on one metric over 5 minutes, telling the operator topic. Each is $0.10 a
    month (10 free): only three are essential, the rest follow ``OptionalAlarms``."""
    return {
        "Type": "AWS::CloudWatch::Alarm",
        **({"Condition": "WithOptionalAlarms"} if optional else {}),
        "Properties": {
            "Namespace": namespace,
            "MetricName": metric,
            "Statistic": statistic,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "OperatorTopic"}],
        },
    }


def data_alarms() -> dict[str, Any]:
    """Dead-letter queues that hold anything, table throttling, 5xx answers of the app.

    Essential: lost events (counts, emails and webhooks go wrong silently) and the app's
    5xx answers. Optional: failed jobs and webhooks (each visible to the tenant through the
    API), and throttling of an on-demand table.
    """
    found = {
        f"{queue}Alarm": alarm(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": [queue, "QueueName"]}},
            0,
            "Maximum",
            optional=queue != "EventsDeadLetterQueue",
        )
        for queue in ("EventsDeadLetterQueue", "WebhookDeadLetterQueue", "JobsDeadLetterQueue")
    }
    for kind in ("ReadThrottleEvents", "WriteThrottleEvents"):
        found[f"Table{kind}Alarm"] = alarm(
            "AWS/DynamoDB", kind, {"TableName": {"Ref": "AppTable"}}, 0, optional=True
        )
    # 5xx answers the app gives (its EMF metric): the canary's alarm, since the front door's
    # own 5xx metric names the API, which names the alias, which waits for the canary
    found["ApiErrorsAlarm"] = alarm(NAMESPACE, "Errors", {}, 5)
    return found


def function_alarms(name_of: Any) -> dict[str, Any]:
    """The API function's errors (essential: the canary rolls back on them), its throttles
    and the stream function's errors; ``name_of(logical id)``. The other functions' failures
    end in dead-letter queues, which have their alarms."""
    api = {"FunctionName": name_of("APIHandler")}
    return {
        "APIHandlerErrorsAlarm": alarm("AWS/Lambda", "Errors", api, 5),
        "APIHandlerThrottlesAlarm": alarm("AWS/Lambda", "Throttles", api, 0, optional=True),
        "OnTableChangeErrorsAlarm": alarm(
            "AWS/Lambda", "Errors", {"FunctionName": name_of("OnTableChange")}, 5, optional=True
        ),
    }


def _operations(template: dict[str, Any], stage: str, front_door: str) -> None:
    """Alarms that tell an operator, and gradual releases that roll back on them.

    The API function publishes an alias (``live``) on each deploy and CodeDeploy shifts
    traffic 10 % for 5 minutes, then all of it, rolling back if an alarm fires; API Gateway
    calls the alias, not the function's latest code.
    """
    resources = template["Resources"]
    template.setdefault("Parameters", {}).update(parameters(stage))
    template.setdefault("Conditions", {}).update(CONDITIONS)
    resources["OperatorTopic"] = OPERATOR_TOPIC
    resources |= data_alarms() | function_alarms(lambda logical: {"Ref": logical})
    resources["Api5xxAlarm"] = alarm(
        "AWS/ApiGateway", *FRONT_DOORS[front_door](template), 5, optional=True
    )
    resources["CostBudget"] = budget()
    api = resources["APIHandler"]["Properties"]
    api["AutoPublishAlias"] = "live"
    api["DeploymentPreference"] = {
        "Type": "Canary10Percent5Minutes",
        "Alarms": [{"Ref": "APIHandlerErrorsAlarm"}, {"Ref": "ApiErrorsAlarm"}],
    }


def _rest_api(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Chalice's REST API, calling the ``live`` alias; its 5xx metric."""
    resources = template["Resources"]
    body = json.dumps(resources["RestAPI"]["Properties"]["DefinitionBody"])
    resources["RestAPI"]["Properties"]["DefinitionBody"] = json.loads(
        body.replace("${APIHandler.Arn}", "${APIHandler.Alias}")
    )
    resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] = {
        "Ref": "APIHandler.Alias"
    }
    return "5XXError", {"ApiName": "featureboard", "Stage": "api"}


def http_api_cors() -> dict[str, Any]:
    """An HTTP API's CORS settings (CloudFormation's names), from the app's own."""
    from chalicelib.rest import CORS

    cors = CORS.get_access_control_headers()
    return {
        "AllowOrigins": ["*"],
        "AllowHeaders": cors["Access-Control-Allow-Headers"].split(","),
        "ExposeHeaders": cors["Access-Control-Expose-Headers"].split(","),
        "AllowMethods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        "MaxAge": int(cors["Access-Control-Max-Age"]),
    }


def _http_api(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An HTTP API instead of Chalice's REST API: $1.00 instead of $3.50 a million calls.

    One catch-all route with payload format 1.0 (the app finds the route itself, see
    chalicelib/gateway.py), CORS answered by API Gateway from the app's own settings, a
    throttle on the default stage, and a custom domain when ``ApiDomainName`` is given.
    SAM grants API Gateway the right to call the ``live`` alias.
    """
    resources = template["Resources"]
    del resources["RestAPI"], resources["APIHandlerInvokePermission"]
    template.setdefault("Parameters", {}).update(
        {
            "ApiDomainName": {
                "Type": "String",
                "Default": "",
                "Description": "A custom domain for the API (e.g. feedback-api.example.com).",
            },
            "ApiCertificateArn": {
                "Type": "String",
                "Default": "",
                "Description": "ACM certificate of ApiDomainName, in this region.",
            },
            "ApiThrottleRate": {"Type": "Number", "Default": 500, "MinValue": 1},
            "ApiThrottleBurst": {"Type": "Number", "Default": 1000, "MinValue": 1},
        }
    )
    template.setdefault("Conditions", {})["HasApiDomain"] = {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ApiDomainName"}, ""]}]
    }
    resources["HttpAPI"] = {
        "Type": "AWS::Serverless::HttpApi",
        "Properties": {
            "FailOnWarnings": True,
            "CorsConfiguration": http_api_cors(),
            "DefaultRouteSettings": {
                "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"},
                "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"},
            },
        },
    }
    resources["ApiDomain"] = {
        "Type": "AWS::ApiGatewayV2::DomainName",
        "Condition": "HasApiDomain",
        # the certificate's empty default is never used: the domain exists only when given
        "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W1030"]}}},
        "Properties": {
            "DomainName": {"Ref": "ApiDomainName"},
            "DomainNameConfigurations": [
                {
                    "CertificateArn": {"Ref": "ApiCertificateArn"},
                    "EndpointType": "REGIONAL",
                    "SecurityPolicy": "TLS_1_2",
                }
            ],
        },
    }
    resources["ApiDomainMapping"] = {
        "Type": "AWS::ApiGatewayV2::ApiMapping",
        "Condition": "HasApiDomain",
        "DependsOn": ["ApiDomain", "HttpAPIApiGatewayDefaultStage"],
        "Properties": {
            "ApiId": {"Ref": "HttpAPI"},
            "DomainName": {"Ref": "ApiDomainName"},
            "Stage": "$default",
        },
    }
    resources["APIHandler"]["Properties"]["Events"] = {
        "Api": {
            "Type": "HttpApi",
            "Properties": {
                "ApiId": {"Ref": "HttpAPI"},
                "PayloadFormatVersion": "1.0",
                "TimeoutInMillis": 29000,
            },
        }
    }
    outputs = template.setdefault("Outputs", {})
    outputs.pop("RestAPIId", None)
    outputs["HttpAPIId"] = {"Value": {"Ref": "HttpAPI"}}
    outputs["EndpointURL"] = {
        "Value": {"Fn::Sub": "https://${HttpAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"}
    }
    return "5xx", {"ApiId": {"Ref": "HttpAPI"}, "Stage": "$default"}


FRONT_DOORS = {"http": _http_api, "rest": _rest_api}


def _point_sources(template: dict[str, Any]) -> None:
    """Topic and queue ARNs that Chalice wrote as ``Fn::Sub`` of a name: a deep merge can
    only add keys to those, so they are replaced here with references to our resources."""
    for resource in template["Resources"].values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            props = event["Properties"]
            if event["Type"] == "SNS":
                props["Topic"] = {"Ref": "EventsTopic"}
            elif event["Type"] == "SQS":
                queue = (
                    "JobsQueue"
                    if "featureboard-jobs" in json.dumps(props["Queue"])
                    else "WebhookQueue"
                )
                props["Queue"] = {"Fn::GetAtt": [queue, "Arn"]}


def package(stage: str, out: Path, front_door: str = "http") -> Path:
    """Write ``out/package/sam.json`` and the code zip; returns the template's path."""
    out.mkdir(parents=True, exist_ok=True)
    first = _chalice(stage, out / "bare")
    merge = out / "merge.json"
    merge.write_text(json.dumps(merge_template(stage, first), indent=2))
    template = _chalice(stage, out / "package", merge)
    runtimes = {
        r["Properties"]["Runtime"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    if runtimes != {RUNTIME}:
        raise RuntimeError(f"functions run {runtimes}, bytecode would be {RUNTIME}'s")
    add_bytecode(out / "package" / "deployment.zip")
    _point_sources(template)
    _least_privilege(template)
    _operations(template, stage, front_door)
    add_model_layer(template, out / "package")
    path = out / "package" / "sam.json"
    path.write_text(json.dumps(template, indent=2))
    return path


class _NoManagedPolicies:
    """SAM asks for AWS managed policy ARNs only when a template names them; ours does not."""

    def load(self) -> dict[str, str]:
        return {}


def sam_to_cloudformation(sam: dict[str, Any]) -> dict[str, Any]:
    """Expand the SAM resources offline, so cfn-lint can look inside them."""
    from samtranslator.translator.transform import transform

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # SAM reads it from a session
    pseudo = {
        "AWS::Region": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "AWS::AccountId": "123456789012",
        "AWS::Partition": "aws",
    }
    uploaded = json.loads(json.dumps(sam))  # as `sam package` leaves it: code in S3
    for resource in uploaded["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://featureboard-artifacts/deployment.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = "s3://featureboard-artifacts/model-layer.zip"
    return transform(uploaded, pseudo, _NoManagedPolicies())


def lint(
    stage: str, out: Path, front_door: str = "http"
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Package, expand SAM offline, run cfn-lint on the result; returns its path and run."""
    sam = json.loads(package(stage, out, front_door).read_text())
    expanded = out / "cloudformation.json"
    expanded.write_text(json.dumps(sam_to_cloudformation(sam), indent=2))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(expanded)],
        capture_output=True,
        text=True,
        check=False,
    )
    return expanded, run


def main() -> None:
    parser = argparse.ArgumentParser(description="Build and lint the deployable template.")
    parser.add_argument("stage", nargs="?", default="dev", choices=["dev", "prod"])
    parser.add_argument("--front-door", default="http", choices=sorted(FRONT_DOORS))
    parser.add_argument(
        "--format", default="cloudformation", choices=["cloudformation", "terraform"]
    )
    args = parser.parse_args()
    if args.format == "terraform":
        from .terraform import terraform

        made = terraform(args.stage, ROOT / "build" / args.stage)
        print(f"{made}: chalice.tf.json + deployment.zip (terraform init && terraform apply)")
        return
    path, result = lint(args.stage, ROOT / "build" / args.stage, args.front_door)
    print(result.stdout + result.stderr, end="")
    print(f"{path}: cfn-lint {'passed' if result.returncode == 0 else 'found problems'}")
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
