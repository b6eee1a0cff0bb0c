"""Shared test setup: dummy AWS credentials and settings before anything imports the app."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SIGNING_SECRET": "test-signing-secret-not-for-production",
        "TABLE_NAME": "featureboard-test",
        "STAGE": "local",
        "KEY_REQUESTS_PER_MINUTE": "100000",
        "CALLER_REQUESTS_PER_MINUTE": "100000",
        "ANONYMOUS_WRITES_PER_MINUTE": "100000",
        "ANONYMOUS_VOTES_PER_DAY": "100000",
        "LOG_LEVEL": "WARNING",
        "WEBHOOK_BACKOFF_SECONDS": "0",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
