"""Typed settings, read once from the environment (the only module that reads it)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Settings", "get_settings"]


class Settings(BaseModel):
    """Every environment variable the deployed code reads; see docs/configuration.md."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    stage: str = Field("local", alias="STAGE")
    table_name: str = Field("featureboard-local", alias="TABLE_NAME")
    events_topic_arn: str = Field("", alias="EVENTS_TOPIC_ARN")
    events_topic_name: str = Field("featureboard-events", alias="EVENTS_TOPIC_NAME")
    events_stream_arn: str = Field(
        "arn:aws:dynamodb:us-east-1:000000000000:table/featureboard/stream/local",
        alias="EVENTS_STREAM_ARN",
        description="Overridden by the deploy template.",
    )
    webhook_queue_url: str = Field("", alias="WEBHOOK_QUEUE_URL")
    webhook_queue_name: str = Field("featureboard-webhooks", alias="WEBHOOK_QUEUE_NAME")
    webhook_backoff_s: int = Field(
        30,
        alias="WEBHOOK_BACKOFF_SECONDS",
        ge=0,
        description="First retry delay; doubles each try, 15 min at most.",
    )
    api_base_url: str = Field(
        "http://127.0.0.1:8000",
        alias="API_BASE_URL",
        description="Where unsubscribe links in emails point.",
    )
    board_url: str = Field(
        "",
        alias="BOARD_URL",
        description="The public board's address (ending in /board/): emails link to requests.",
    )
    console_url: str = Field(
        "",
        alias="CONSOLE_URL",
        description="The console's address (ending in /admin/): sign-in links open it; "
        "empty: BOARD_URL's sibling /admin/.",
    )
    github_api_url: str = Field(
        "https://api.github.com",
        alias="GITHUB_API_URL",
        description="GitHub's REST API (GitHub Enterprise: https://HOST/api/v3).",
    )
    export_bucket: str = Field("", alias="EXPORT_BUCKET")
    export_inline_max: int = Field(
        1000,
        alias="EXPORT_INLINE_MAX",
        ge=0,
        description="Above this many requests an export is a file in S3.",
    )
    jobs_queue_url: str = Field("", alias="JOBS_QUEUE_URL")
    feedback_retention_days: int = Field(
        0,
        alias="FEEDBACK_RETENTION_DAYS",
        ge=0,
        description="Feedback is deleted after this many days (DynamoDB TTL); 0 keeps it.",
    )
    audit_retention_days: int = Field(365, alias="AUDIT_RETENTION_DAYS", ge=1)
    jobs_queue_name: str = Field("featureboard-jobs", alias="JOBS_QUEUE_NAME")
    sender_email: str = Field("featureboard@example.com", alias="SENDER_EMAIL")
    ai_provider: Literal["local", "bedrock"] = Field("local", alias="AI_PROVIDER")
    bedrock_model_id: str = Field("", alias="BEDROCK_MODEL_ID")
    bedrock_embed_model_id: str = Field(
        "",
        alias="BEDROCK_EMBED_MODEL_ID",
        description="With AI_PROVIDER=bedrock: embeds titles (e.g. amazon.titan-embed-text-v2:0).",
    )
    model_dir: str = Field(
        "/opt/minilm",
        alias="MODEL_DIR",
        description="The sentence-embedding weights (the model layer); else the installed package.",
    )
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    signing_secret: str = Field(
        "", alias="SIGNING_SECRET", description="Signs cursors and derives user-token secrets."
    )
    signing_secret_parameter: str = Field(
        "",
        alias="SIGNING_SECRET_PARAMETER",
        description="An SSM SecureString holding the signing secret, read once per process "
        "when SIGNING_SECRET is empty (the deployed stages).",
    )
    caller_requests_per_minute: int = Field(
        120,
        alias="CALLER_REQUESTS_PER_MINUTE",
        ge=0,
        description="Per signed-in user, or per client address when anonymous (0 = no limit).",
    )
    key_requests_per_minute: int = Field(
        6000,
        alias="KEY_REQUESTS_PER_MINUTE",
        ge=0,
        description="An admin key's limit, and a publishable key's ceiling over all its callers.",
    )
    anonymous_writes_per_minute: int = Field(10, alias="ANONYMOUS_WRITES_PER_MINUTE", ge=0)
    anonymous_votes_per_day: int = Field(
        50,
        alias="ANONYMOUS_VOTES_PER_DAY",
        ge=0,
        description="Votes an address may cast anonymously on one app in a UTC day (0 = no cap).",
    )
    version: str = Field("0.1.0", alias="APP_VERSION")
    aws_endpoint_url: str = Field(
        "", alias="AWS_ENDPOINT_URL", description="boto3 reads it itself; the local outbox too."
    )

    def secret_bytes(self) -> bytes:
        """The signing secret; refusing to run without one beats signing with a guessable key."""
        secret = self.signing_secret
        if not secret and self.signing_secret_parameter:
            secret = _parameter(self.signing_secret_parameter)
        if len(secret) < 16:
            raise RuntimeError("SIGNING_SECRET must be set to at least 16 characters")
        return secret.encode()


@lru_cache(maxsize=4)
def _parameter(name: str) -> str:
    """An SSM SecureString, decrypted: one call per cold start. A standard parameter and
    its standard-throughput calls cost nothing; the AWS managed key aws/ssm has no monthly
    fee (a Secrets Manager secret is $0.40 a month whether used or not)."""
    from . import aws

    found = aws.client("ssm").get_parameter(Name=name, WithDecryption=True)
    return found["Parameter"]["Value"]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests call ``get_settings.cache_clear()``."""
    names = {f.alias for f in Settings.model_fields.values() if f.alias}
    return Settings.model_validate({k: v for k, v in os.environ.items() if k in names})
