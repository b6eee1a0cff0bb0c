"""The deployable template: `chalice package` plus our resources, linted after SAM expansion."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.package import lint


@pytest.mark.parametrize(
    ("stage", "front_door"), [("dev", "http"), ("prod", "http"), ("dev", "rest")]
)
def test_packaged_template_passes_cfn_lint_and_wires_everything(
    stage: str, front_door: str, tmp_path: Path
) -> None:
    expanded, result = lint(stage, tmp_path / stage, front_door)
    assert result.returncode == 0, result.stdout + result.stderr
    bundle = tmp_path / stage / "package" / "deployment.zip"
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
    sources = {n for n in names if n.endswith(".py")}
    assert (
        len(sources) > 400
        and {"app.py", "chalicelib/store/__init__.py", "pydantic/main.py"} <= sources
    )
    tag = sys.implementation.cache_tag
    missing = {
        s
        for s in sources
        if f"{s.rpartition('/')[0]}/__pycache__/{Path(s).stem}.{tag}.pyc".lstrip("/") not in names
    }
    assert not missing, sorted(missing)[:5]
    sam = json.loads((tmp_path / stage / "package" / "sam.json").read_text())
    resources = sam["Resources"]
    table = resources["AppTable"]
    assert table["Properties"]["DeletionProtectionEnabled"] is (stage == "prod")
    assert table["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert resources["EventsTopic"]["Properties"]["TopicName"] == f"featureboard-events-{stage}"
    functions = {n: r for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert {
        "APIHandler",
        "OnTableChange",
        "EmailOnEvent",
        "WebhooksOnEvent",
        "StatsOnEvent",
        "SentimentOnEvent",
        "SearchOnEvent",
        "DeliverWebhooks",
        "RunJobs",
        "NightlyExport",
        "NightlyInsights",
    } <= set(functions)
    for name, function in functions.items():
        assert function["Properties"]["Tracing"] == {"Ref": "TracingMode"}, name
        assert function["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": "AppLogs"}, name
        env = function["Properties"]["Environment"]["Variables"]
        assert env["TABLE_NAME"] == {"Ref": "AppTable"}, name
        assert "SIGNING_SECRET" not in env, name
        assert env["SIGNING_SECRET_PARAMETER"] == {
            "Fn::Sub": "/${AWS::StackName}/signing-secret"
        }, name
        for event in function["Properties"].get("Events", {}).values():
            props = event["Properties"]
            if event["Type"] == "SNS":
                assert props["Topic"] == {"Ref": "EventsTopic"}, name
                assert "DeadLetterQueue" in function["Properties"], name
                assert props["FilterPolicyScope"] == "MessageAttributes", name
                assert props["FilterPolicy"], name
            if event["Type"] in ("SQS", "DynamoDB"):
                assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
    stream = functions["OnTableChange"]["Properties"]["Events"]
    assert next(iter(stream.values()))["Properties"]["Stream"] == {
        "Fn::GetAtt": ["AppTable", "StreamArn"]
    }
    for name in ("ExportBucket", "SiteBucket"):
        bucket = resources[name]["Properties"]
        assert all(bucket["PublicAccessBlockConfiguration"].values()), name
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
    site = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert site["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert site["Origins"][0]["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccess", "Id"]}
    headers = resources["SiteHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert headers["CorsConfig"]["AccessControlAllowOrigins"]["Items"] == ["*"]  # the widget
    (reader,) = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "SiteDistribution" in json.dumps(reader["Condition"])  # only our distribution
    assert {"SiteURL", "SiteBucketName", "SiteDistributionId", "EndpointURL"} <= set(sam["Outputs"])
    assert not any(r["Type"] == "AWS::SecretsManager::Secret" for r in resources.values())
    params = sam["Parameters"]
    assert params["OptionalAlarms"]["Default"] == ("false" if stage == "prod" else "true")
    assert params["TracingMode"]["Default"] == ("PassThrough" if stage == "prod" else "Active")
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    essential = {n for n, r in resources.items() if r in alarms and "Condition" not in r}
    assert essential == {"EventsDeadLetterQueueAlarm", "ApiErrorsAlarm", "APIHandlerErrorsAlarm"}
    assert len(alarms) <= 10  # the always-free tier's alarms, even with the optional ones
    assert all(r.get("Condition", "WithOptionalAlarms") == "WithOptionalAlarms" for r in alarms)
    (budget,) = [r for r in resources.values() if r["Type"] == "AWS::Budgets::Budget"]
    alerts = budget["Properties"]["NotificationsWithSubscribers"]
    assert [a["Notification"]["Threshold"] for a in alerts] == [50, 80, 100]
    assert budget["Properties"]["Budget"]["BudgetLimit"]["Amount"] == {"Ref": "MonthlyBudget"}
    filters = [r for r in resources.values() if r["Type"] == "AWS::Logs::MetricFilter"]
    assert len(filters) <= 10 and all(
        "Dimensions" not in f["Properties"]["MetricTransformations"][0] for f in filters
    )
    (query,) = [r for r in resources.values() if r["Type"] == "AWS::Logs::QueryDefinition"]
    assert "by route" in query["Properties"]["QueryString"]
    watched = {a["Properties"]["MetricName"] for a in alarms}
    assert {
        "ApproximateNumberOfMessagesVisible",
        "Errors",
        "Throttles",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
    } <= watched
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "OperatorTopic"}] for a in alarms)
    api = functions["APIHandler"]["Properties"]
    assert api["AutoPublishAlias"] == "live"
    assert api["DeploymentPreference"]["Type"] == "Canary10Percent5Minutes"
    assert resources["ApiErrorsAlarm"]["Properties"]["Namespace"] == "Featureboard"
    assert {"numpy/__init__.py", "tokenizers/__init__.py", "safetensors/__init__.py"} <= sources
    layer_dir = tmp_path / stage / "package" / "model-layer" / "minilm"
    assert {p.name for p in layer_dir.iterdir()} >= {"model.safetensors", "tokenizer.json"}
    unzipped = sum(i.file_size for i in zipfile.ZipFile(bundle).infolist())
    layer_bytes = sum(p.stat().st_size for p in layer_dir.iterdir())
    assert unzipped + layer_bytes < 250 * 2**20  # Lambda's limit, code and layers unzipped
    for name in ("APIHandler", "SearchOnEvent", "SentimentOnEvent", "RunJobs", "NightlyInsights"):
        assert functions[name]["Properties"]["Layers"] == [{"Ref": "ModelLayer"}], name
    assert "Layers" not in functions["EmailOnEvent"]["Properties"]  # only what embeds
    cloudformation = json.loads(expanded.read_text())["Resources"]  # SAM expanded to CFN
    kinds = {r["Type"] for r in cloudformation.values()}
    assert {"AWS::CodeDeploy::DeploymentGroup", "AWS::Lambda::Alias"} <= kinds
    assert "AWS::Serverless::Function" not in kinds
    gateway_5xx = resources["Api5xxAlarm"]["Properties"]
    if front_door == "rest":
        assert "${APIHandler.Alias}" in json.dumps(resources["RestAPI"])
        assert gateway_5xx["MetricName"] == "5XXError"
        return
    assert "RestAPI" not in resources and gateway_5xx["MetricName"] == "5xx"
    http = next(r for r in cloudformation.values() if r["Type"] == "AWS::ApiGatewayV2::Api")
    body = http["Properties"]["Body"]
    integration = body["paths"]["/$default"]["x-amazon-apigateway-any-method"][
        "x-amazon-apigateway-integration"
    ]
    assert integration["payloadFormatVersion"] == "1.0"
    assert "APIHandlerAliaslive" in json.dumps(integration["uri"])  # the canary's alias
    cors = body["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == ["*"] and "X-User-Token" in cors["allowHeaders"]
    assert "ETag" in cors["exposeHeaders"]
    stage_settings = next(
        r for r in cloudformation.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"
    )["Properties"]["DefaultRouteSettings"]
    assert stage_settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert cloudformation["ApiDomain"]["Condition"] == "HasApiDomain"
    permission = next(
        r
        for r in cloudformation.values()
        if r["Type"] == "AWS::Lambda::Permission"
        and r["Properties"]["Principal"] == "apigateway.amazonaws.com"
    )
    assert permission["Properties"]["FunctionName"] == {"Ref": "APIHandlerAliaslive"}


NOTHING_COMPILED = """
import importlib.machinery, sys
compiled = []
original = importlib.machinery.SourceFileLoader.source_to_code
def spy(self, data, path, *a, **k):
    compiled.append(path)
    return original(self, data, path, *a, **k)
importlib.machinery.SourceFileLoader.source_to_code = spy
sys.path.insert(0, sys.argv[1])
import app
ours = [p for p in compiled if p.startswith(sys.argv[1])]
print(len(ours), ours[:3])
"""


def test_the_package_imports_without_compiling_anything(tmp_path: Path) -> None:
    """Lambda's code directory is read-only: a module without bytecode is compiled again on
    every cold start. Everything the API imports from the bundle must come precompiled."""
    from tools.package import package

    bundle = package("dev", tmp_path / "build").parent / "deployment.zip"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "task")
    run = subprocess.run(
        [sys.executable, "-I", "-B", "-c", NOTHING_COMPILED, str(tmp_path / "task")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.startswith("0 "), run.stdout


def test_every_staged_template_of_the_index_move_passes_cfn_lint(tmp_path: Path) -> None:
    """A stack deployed with the list indexes projecting ALL reaches the keys-only ones in
    six updates, each one index apart, each template valid after SAM expansion."""
    from tests.unit.test_index_migration import BEFORE
    from tools.index_migration import staged_templates
    from tools.package import package, sam_to_cloudformation

    template = package("prod", tmp_path / "prod")
    paths = staged_templates(template, BEFORE)
    assert len(paths) == 6 and paths[-1] == template
    previous = {i["IndexName"] for i in BEFORE}
    expanded = []
    for path in paths:
        sam = json.loads(path.read_text())
        names = {
            i["IndexName"]
            for i in sam["Resources"]["AppTable"]["Properties"]["GlobalSecondaryIndexes"]
        }
        assert len(previous ^ names) == 1, path.name
        previous = names
        out = tmp_path / f"cfn-{path.stem}.json"
        out.write_text(json.dumps(sam_to_cloudformation(sam)))
        expanded.append(str(out))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *expanded],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
