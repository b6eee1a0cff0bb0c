"""The Bedrock provider, with botocore's Stubber for Bedrock (never AWS) and moto's S3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from chalicelib import aws
from chalicelib.ai.analyzer import Item
from chalicelib.ai.bedrock import BedrockAnalyzer
from chalicelib.settings import get_settings

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def tool_answer(name: str, data: dict[str, Any], tokens: tuple[int, int] = (100, 20)) -> dict:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "t1", "name": name, "input": data}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": tokens[0], "outputTokens": tokens[1], "totalTokens": sum(tokens)},
        "metrics": {"latencyMs": 10},
    }


@pytest.fixture
def bedrock(aws_mock: dict[str, str]) -> Any:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com",
    )
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


ITEMS = [
    Item("a", "Dark mode", votes=3),
    Item("b", "Night theme please", votes=1),
    Item("c", "Export tasks to CSV", votes=9),
]
ANSWER = {
    "requests": [
        {"id": "a", "category": "ui", "sentiment": "neutral", "summary": "Dark theme"},
        {"id": "b", "category": "ui", "sentiment": "neutral", "summary": "Night theme"},
        {"id": "c", "category": "data", "sentiment": "neutral", "summary": "CSV export"},
    ]
}
VERDICT = {"groups": [{"index": 0, "same": True, "reason": "both want a dark theme"}]}


def analyzer(client: Any, sleeps: list[float] | None = None, model: str = MODEL) -> BedrockAnalyzer:
    """A provider whose cache is the local S3; another ``model`` means another cache."""
    return BedrockAnalyzer(
        model,
        get_settings().export_bucket,
        client=client,
        s3=aws.client("s3"),
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


def test_answers_are_parsed_cached_and_counted(bedrock: Any) -> None:
    client, stub = bedrock
    unique = [Item(f"{i.id}-{id(stub)}", i.title, votes=i.votes) for i in ITEMS]
    answer = {"requests": [{**r, "id": f"{r['id']}-{id(stub)}"} for r in ANSWER["requests"]]}
    stub.add_response(
        "converse",
        tool_answer("record_insights", answer),
        {
            "modelId": MODEL,
            "system": ANY,
            "messages": ANY,
            "inferenceConfig": ANY,
            "toolConfig": ANY,
        },
    )
    stub.add_response(
        "converse",
        tool_answer("judge_groups", VERDICT, (50, 10)),
        {
            "modelId": MODEL,
            "system": ANY,
            "messages": ANY,
            "inferenceConfig": ANY,
            "toolConfig": ANY,
        },
    )
    first = analyzer(client).analyze(unique, 0)
    assert {r.id[0]: (r.category, r.summary) for r in first.requests} == {
        "a": ("ui", "Dark theme"),
        "b": ("ui", "Night theme"),
        "c": ("data", "CSV export"),
    }
    assert [sorted(g.ids) for g in first.groups] == [sorted([unique[0].id, unique[1].id])]
    assert first.groups[0].reason == "both want a dark theme"
    assert first.usage == {"inputTokens": 150, "outputTokens": 30, "calls": 2, "cached": 0}
    again = analyzer(client).analyze(unique, 0)  # nothing stubbed: must come from the cache
    assert again.requests == first.requests and again.usage["cached"] == 4  # 3 + the group
    assert again.usage["calls"] == 0
    edited = [*unique[:2], Item(unique[2].id, "Export tasks to CSV and PDF", votes=9)]
    only_edited = [
        {"role": "user", "content": [{"text": BedrockAnalyzer._requests_prompt([edited[2]])}]}
    ]
    stub.add_response(
        "converse",
        tool_answer(
            "record_insights",
            {
                "requests": [
                    {
                        "id": unique[2].id,
                        "category": "data",
                        "sentiment": "neutral",
                        "summary": "CSV and PDF export",
                    }
                ]
            },
        ),
        {
            "modelId": MODEL,
            "system": ANY,
            "messages": only_edited,
            "inferenceConfig": ANY,
            "toolConfig": ANY,
        },
    )
    third = analyzer(client).analyze(edited, 0)  # only the edited request goes to the model
    assert third.usage["calls"] == 1 and third.requests[2].summary == "CSV and PDF export"


def test_throttling_is_retried_with_backoff(bedrock: Any) -> None:
    client, stub = bedrock
    items = [Item(f"t-{id(stub)}", "Throttled request title")]
    for _ in range(2):
        stub.add_client_error(
            "converse", service_error_code="ThrottlingException", http_status_code=429
        )
    stub.add_response(
        "converse",
        tool_answer(
            "record_insights",
            {
                "requests": [
                    {
                        "id": items[0].id,
                        "category": "feature",
                        "sentiment": "negative",
                        "summary": "x",
                    }
                ]
            },
        ),
    )
    sleeps: list[float] = []
    result = analyzer(client, sleeps).analyze(items, 0)
    assert result.requests[0].sentiment == "negative" and len(sleeps) == 2
    assert sleeps[1] > sleeps[0] * 0.9 / 2  # growing, with jitter


def test_a_rejected_group_is_dropped_and_other_errors_surface(bedrock: Any) -> None:
    client, stub = bedrock
    items = [Item(f"{i.id}-r{id(stub)}", i.title) for i in ITEMS[:2]]
    stub.add_response("converse", tool_answer("record_insights", {"requests": []}))
    stub.add_response(
        "converse",
        tool_answer(
            "judge_groups", {"groups": [{"index": 0, "same": False, "reason": "different"}]}
        ),
    )
    result = analyzer(client, model=f"{MODEL}-{id(stub)}").analyze(items, 0)
    assert result.groups == [] and [r.category for r in result.requests] == ["feature"] * 2
    stub.add_client_error(
        "converse", service_error_code="ValidationException", http_status_code=400
    )
    with pytest.raises(client.exceptions.ClientError):
        analyzer(client).analyze([Item(f"v-{id(stub)}", "Validation fails")], 0)


def embedding(vector: list[float]) -> dict[str, Any]:
    import io
    import json

    from botocore.response import StreamingBody

    raw = json.dumps({"embedding": vector, "inputTextTokenCount": 4}).encode()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def test_bedrock_embeddings_propose_the_groups_the_model_judges(bedrock: Any) -> None:
    client, stub = bedrock
    embed_model = f"amazon.titan-embed-text-v2:0-{id(stub)}"
    items = [
        Item(f"e1-{id(stub)}", "Offline mode"),
        Item(f"e2-{id(stub)}", "Use the app with no connection"),
        Item(f"e3-{id(stub)}", "Export tasks to CSV"),
    ]
    stub.add_response("converse", tool_answer("record_insights", {"requests": []}))
    for vector in ([1.0, 0.0, 0.0], [0.96, 0.28, 0.0], [0.0, 0.0, 1.0]):
        stub.add_response(
            "invoke_model",
            embedding(vector),
            {
                "modelId": embed_model,
                "contentType": "application/json",
                "accept": "application/json",
                "body": ANY,
            },
        )
    stub.add_response(
        "converse",
        tool_answer("judge_groups", {"groups": [{"index": 0, "same": True, "reason": "offline"}]}),
    )
    found = BedrockAnalyzer(
        f"{MODEL}-{id(stub)}",
        get_settings().export_bucket,
        client=client,
        s3=aws.client("s3"),
        embed_model_id=embed_model,
    ).analyze(items, 0)
    assert [sorted(g.ids) for g in found.groups] == [sorted([items[0].id, items[1].id])]
    assert found.groups[0].reason == "offline" and 0 < found.groups[0].score <= 1
    assert found.usage["calls"] == 5 and found.usage["inputTokens"] >= 12
    again = BedrockAnalyzer(
        f"{MODEL}-{id(stub)}",
        get_settings().export_bucket,
        client=client,
        s3=aws.client("s3"),
        embed_model_id=embed_model,
    )
    stub.add_response("converse", tool_answer("record_insights", {"requests": []}))
    assert again.analyze(items, 0).groups == found.groups  # vectors and verdict from the cache
    assert again.usage["calls"] == 1
