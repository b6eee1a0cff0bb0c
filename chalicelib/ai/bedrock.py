"""The deployed provider: Bedrock's Converse API, answers forced into a JSON schema.

- Requests go 20 to a call; the model must answer through a tool whose input schema is the
  shape we store, so there is no free text to parse.
- Duplicate groups: the semantic index proposes candidates, the model confirms or rejects
  each with a reason; a group it rejects is dropped. The titles' vectors are the stored
  MiniLM ones, or, with ``BEDROCK_EMBED_MODEL_ID`` (e.g. ``amazon.titan-embed-text-v2:0``),
  Bedrock's, each cached in S3 like the answers. The thresholds were calibrated on MiniLM's
  vectors; with Titan's the model's verdict is what keeps precision.
- Every answer is cached in S3 under a hash of the model id and the prompt, so an unchanged
  request is never sent twice; throttling is retried with exponential backoff; token use is
  added up for the cost report.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .analyzer import (
    Insights,
    Item,
    RequestInsight,
    duplicate_groups,
    open_items,
    priority_reason,
    priority_score,
)
from .similarity import Group

__all__ = ["BedrockAnalyzer", "CATEGORY_NAMES"]

CATEGORY_NAMES = [
    "bug",
    "security",
    "integration",
    "data",
    "performance",
    "notifications",
    "mobile",
    "ui",
    "feature",
]
BATCH = 20
RETRYABLE = {
    "ThrottlingException",
    "ServiceUnavailableException",
    "ModelNotReadyException",
    "InternalServerException",
}

REQUESTS_TOOL = {
    "toolSpec": {
        "name": "record_insights",
        "description": "Record the analysis of each feature request.",
        "inputSchema": {
            "json": {
                "type": "object",
                "required": ["requests"],
                "properties": {
                    "requests": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "category", "sentiment", "summary"],
                            "properties": {
                                "id": {"type": "string"},
                                "category": {"type": "string", "enum": CATEGORY_NAMES},
                                "sentiment": {
                                    "type": "string",
                                    "enum": ["positive", "neutral", "negative"],
                                },
                                "summary": {"type": "string", "maxLength": 160},
                            },
                        },
                    }
                },
            }
        },
    }
}
GROUPS_TOOL = {
    "toolSpec": {
        "name": "judge_groups",
        "description": "Say for each candidate group whether all its requests ask for the same thing.",
        "inputSchema": {
            "json": {
                "type": "object",
                "required": ["groups"],
                "properties": {
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["index", "same", "reason"],
                            "properties": {
                                "index": {"type": "integer"},
                                "same": {"type": "boolean"},
                                "reason": {"type": "string", "maxLength": 200},
                            },
                        },
                    }
                },
            }
        },
    }
}
SYSTEM = (
    "You triage feature requests for a software product. Be literal: two requests are "
    "the same only if building one would satisfy the other; 'import' and 'export', or "
    "different file formats or platforms, are different requests."
)


class BedrockAnalyzer:
    name = "bedrock"

    def __init__(
        self,
        model_id: str,
        bucket: str,
        client: Any = None,
        s3: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        attempts: int = 6,
        embed_model_id: str = "",
    ) -> None:
        from .. import aws

        self.model_id = model_id
        self.embed_model_id = embed_model_id
        self.bucket = bucket
        self.client = client or aws.client("bedrock-runtime")
        self.s3 = s3 or aws.client("s3")
        self.sleep = sleep
        self.attempts = attempts
        self.usage = {"inputTokens": 0, "outputTokens": 0, "calls": 0, "cached": 0}

    # ------------------------------------------------------------ the interface

    def analyze(self, items: list[Item], now_ms: int) -> Insights:
        """Per-request answers are cached one by one, so only new or edited requests go to
        the model, however the batches fall."""
        most = max((i.votes for i in items), default=0)
        answers: dict[str, dict[str, Any]] = {}
        missing: list[Item] = []
        for item in items:
            cached = self._cached(self._request_key(item))
            if cached is None:
                missing.append(item)
            else:
                answers[item.id] = cached
                self.usage["cached"] += 1
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            got = {
                a["id"]: a
                for a in self._ask(REQUESTS_TOOL, self._requests_prompt(batch), cache=False).get(
                    "requests", []
                )
            }
            for item in batch:
                if item.id in got:
                    answers[item.id] = got[item.id]
                    self._store(self._request_key(item), got[item.id])
        found = []
        for item in items:
            got = answers.get(item.id, {})
            feeling = got.get("sentiment", "neutral")
            age = (now_ms - item.created_ms) / 864e5
            category = got.get("category", "feature")
            found.append(
                RequestInsight(
                    id=item.id,
                    category=category,
                    sentiment=feeling,
                    priorityScore=priority_score(item.votes, most, age, item.priority, feeling),
                    summary=(got.get("summary") or item.title)[:160],
                    reason=f"{category}: the model's reading; priority: "
                    + priority_reason(item.votes, most, age, item.priority, feeling),
                )
            )
        candidates = open_items(items)
        if self.embed_model_id:
            candidates = [replace(i, vector=self._embedding(i.title)) for i in candidates]
        return Insights(self.name, found, self._judge(candidates), dict(self.usage))

    def _embedding(self, text: str) -> bytes:
        """The title's vector from Bedrock's embedding model (float16 bytes), cached in S3."""
        from .embed import to_bytes

        key = "ai-cache/" + hashlib.sha256(f"{self.embed_model_id}\n{text}".encode()).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            self.usage["cached"] += 1
            return to_bytes(cached["embedding"])
        for attempt in range(self.attempts):
            try:
                response = self.client.invoke_model(
                    modelId=self.embed_model_id,
                    contentType="application/json",
                    accept="application/json",
                    body=json.dumps({"inputText": text, "normalize": True}),
                )
                break
            except self.client.exceptions.ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code not in RETRYABLE or attempt == self.attempts - 1:
                    raise
                self.sleep(min(20.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2))
        answer = json.loads(response["body"].read())
        self.usage["calls"] += 1
        self.usage["inputTokens"] += int(answer.get("inputTextTokenCount", 0))
        self._store(key, {"embedding": answer["embedding"]})
        return to_bytes(answer["embedding"])

    def _request_key(self, item: Item) -> str:
        text = (
            f"{self.model_id}\n{REQUESTS_TOOL['toolSpec']['name']}\n{item.id}\n{item.title}\n"
            f"{item.description}"
        )
        return "ai-cache/requests/" + hashlib.sha256(text.encode()).hexdigest() + ".json"

    # ------------------------------------------------------------ prompts

    @staticmethod
    def _requests_prompt(batch: list[Item]) -> str:
        rows = [{"id": i.id, "title": i.title, "description": i.description[:1500]} for i in batch]
        return (
            "For each feature request give its category, the sentiment of its author, and "
            "a one-line summary (at most 160 characters). Requests:\n"
            + json.dumps(rows, ensure_ascii=False)
        )

    def _judge(self, items: list[Item]) -> list[Group]:
        candidates = duplicate_groups(items)
        if not candidates:
            return []
        titles = {i.id: i.title for i in items}
        confirmed: list[Group] = []
        for start in range(0, len(candidates), BATCH):
            batch = candidates[start : start + BATCH]
            prompt = (
                "Candidate groups of possibly duplicate feature requests. For each, answer "
                "whether all its requests ask for the same thing, with a short reason.\n"
                + json.dumps(
                    [
                        {"index": n, "requests": [titles[i] for i in g.ids]}
                        for n, g in enumerate(batch)
                    ],
                    ensure_ascii=False,
                )
            )
            verdicts = {v["index"]: v for v in self._ask(GROUPS_TOOL, prompt).get("groups", [])}
            for n, group in enumerate(batch):
                verdict = verdicts.get(n)
                if verdict and verdict.get("same"):
                    confirmed.append(Group(group.ids, group.score, verdict["reason"][:200]))
        return confirmed

    # ------------------------------------------------------------ one cached, retried call

    def _ask(self, tool: dict[str, Any], prompt: str, cache: bool = True) -> dict[str, Any]:
        key = (
            "ai-cache/"
            + hashlib.sha256(
                f"{self.model_id}\n{tool['toolSpec']['name']}\n{prompt}".encode()
            ).hexdigest()
            + ".json"
        )
        cached = self._cached(key) if cache else None
        if cached is not None:
            self.usage["cached"] += 1
            return cached
        response = self._converse(tool, prompt)
        usage = response.get("usage", {})
        self.usage["inputTokens"] += usage.get("inputTokens", 0)
        self.usage["outputTokens"] += usage.get("outputTokens", 0)
        self.usage["calls"] += 1
        answer = next(
            (
                block["toolUse"]["input"]
                for block in response["output"]["message"]["content"]
                if "toolUse" in block
            ),
            {},
        )
        if cache:
            self._store(key, answer)
        return answer

    def _store(self, key: str, answer: dict[str, Any]) -> None:
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(answer).encode(),
            ContentType="application/json",
        )

    def _cached(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            return None

    def _converse(self, tool: dict[str, Any], prompt: str) -> dict[str, Any]:
        for attempt in range(self.attempts):
            try:
                return self.client.converse(
                    modelId=self.model_id,
                    system=[{"text": SYSTEM}],
                    messages=[{"role": "user", "content": [{"text": prompt}]}],
                    inferenceConfig={"maxTokens": 4096, "temperature": 0},
                    toolConfig={
                        "tools": [tool],
                        "toolChoice": {"tool": {"name": tool["toolSpec"]["name"]}},
                    },
                )
            except self.client.exceptions.ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code not in RETRYABLE or attempt == self.attempts - 1:
                    raise
                self.sleep(min(20.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2))
        raise RuntimeError("unreachable")
