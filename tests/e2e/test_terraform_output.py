"""`make package FORMAT=terraform`: there is no terraform binary here, so the output's
structure is checked instead: every reference resolves to something the files declare, the
wiring matches the CloudFormation package, and the embedded stack passes cfn-lint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.package import data_alarms, function_alarms
from tools.terraform import terraform

REFERENCE = re.compile(r"\$\{([^}]*)\}")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    out = terraform("prod", tmp_path_factory.mktemp("tf"))
    tf = json.loads((out / "chalice.tf.json").read_text())
    stack = json.loads(tf["resource"]["aws_cloudformation_stack"]["resources"]["template_body"])
    return tf, stack, out


def _references(value: object) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            found |= _references(v)
    elif isinstance(value, list):
        for v in value:
            found |= _references(v)
    elif isinstance(value, str):
        for expression in REFERENCE.findall(value):
            found |= set(re.findall(r"[A-Za-z_][\w-]*(?:\.[\w-]+)+", expression))
    return found


def test_every_reference_resolves(made: tuple[dict, dict, Path]) -> None:
    tf, stack, out = made
    with zipfile.ZipFile(out / "deployment.zip") as z:  # precompiled, as in the SAM package
        assert f"__pycache__/app.{sys.implementation.cache_tag}.pyc" in z.namelist()
    declared_outputs = set(stack["Outputs"])
    without_stack = {**tf, "resource": {**tf["resource"], "aws_cloudformation_stack": {}}}
    assert "Fn::" not in json.dumps(without_stack) and '"Ref"' not in json.dumps(without_stack)
    for ref in _references(without_stack):
        parts = ref.split(".")
        if parts[0] == "var":
            assert parts[1] in tf["variable"], ref
        elif parts[0] == "data":
            assert parts[2] in tf["data"][parts[1]], ref
        elif parts[0] == "path" or parts[0] == "local":
            continue
        elif parts[0] == "aws_cloudformation_stack":
            assert parts[1] == "resources" and parts[3] in declared_outputs, ref
        else:
            assert parts[1] in tf["resource"].get(parts[0], {}), ref


def test_functions_are_wired_to_the_stack_with_least_privilege(
    made: tuple[dict, dict, Path],
) -> None:
    tf, stack, _ = made
    resources = tf["resource"]
    for name, function in resources["aws_lambda_function"].items():
        env = function["environment"]["variables"]
        assert env["TABLE_NAME"] == "${aws_cloudformation_stack.resources.outputs.AppTable}", name
        assert env["SIGNING_SECRET_PARAMETER"] == "${aws_ssm_parameter.signing.name}", name
        assert function["tracing_config"] == {"mode": "${var.tracing_mode}"}, name
        assert function["logging_config"]["log_group"].endswith("outputs.AppLogs}"), name
    for mapping in resources["aws_lambda_event_source_mapping"].values():
        assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
        assert mapping["event_source_arn"].startswith("${aws_cloudformation_stack.resources")
    for subscription in resources["aws_sns_topic_subscription"].values():
        assert (
            subscription["topic_arn"] == "${aws_cloudformation_stack.resources.outputs.EventsTopic}"
        )
        assert json.loads(subscription["filter_policy"]), subscription
    policy = json.loads(Path("templates/policy.json").read_text())
    for role, body in resources["aws_iam_role_policy"].items():
        document = json.loads(body["policy"])
        sids = [s["Sid"] for s in document["Statement"]]
        logical = next(
            f
            for f in policy["Functions"]
            if f.lower() == role.removesuffix("_role").replace("_", "").replace("-", "")
        )
        assert sids == policy["Functions"][logical], role
        for statement in document["Statement"]:
            if statement["Sid"] != "Tracing":
                assert statement["Resource"] != "*", (role, statement)
    api = resources["aws_apigatewayv2_integration"]["http_api"]
    assert api["payload_format_version"] == "1.0"
    assert resources["aws_apigatewayv2_route"]["http_api"]["route_key"] == "$default"
    assert "aws_api_gateway_rest_api" not in resources
    table = stack["Resources"]["AppTable"]["Properties"]
    assert table["DeletionProtectionEnabled"] is True  # prod
    assert {"SiteDistribution", "SiteBucket", "ExportBucket", "AppLogs", "CostBudget"} <= set(
        stack["Resources"]
    )
    assert resources["aws_ssm_parameter"]["signing"]["type"] == "SecureString"
    assert tf["variable"]["optional_alarms"]["default"] == "false"  # prod


def test_every_alarm_of_the_cloudformation_package_is_there(made: tuple[dict, dict, Path]) -> None:
    tf, stack, _ = made
    in_stack = {n for n, r in stack["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    in_terraform = {
        a["alarm_name"].rsplit("}-", 1)[1]: a
        for a in tf["resource"]["aws_cloudwatch_metric_alarm"].values()
    }
    expected = set(data_alarms()) | set(function_alarms(str)) | {"Api5xxAlarm"}
    assert in_stack | set(in_terraform) == expected and not in_stack & set(in_terraform)
    topic = "${aws_cloudformation_stack.resources.outputs.OperatorTopic}"
    assert all(a["alarm_actions"] == [topic] for a in in_terraform.values())
    assert in_terraform["APIHandlerErrorsAlarm"]["dimensions"] == {
        "FunctionName": "${aws_lambda_function.api_handler.function_name}"
    }
    assert in_terraform["Api5xxAlarm"]["metric_name"] == "5xx"


def test_the_embedded_stack_passes_cfn_lint(made: tuple[dict, dict, Path]) -> None:
    _, stack, out = made
    path = out / "resources-stack.json"
    path.write_text(json.dumps(stack))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
