"""AWS prices the cost figures use: one dated table to update when prices change.

us-east-1, on demand, without free tiers. Sources: the AWS pricing pages for DynamoDB,
Lambda, API Gateway, SNS, SQS, SES, S3, Secrets Manager and CloudWatch, as of ``AS_OF``.
"""

from __future__ import annotations

__all__ = ["AS_OF", "PRICES", "request_cost"]

AS_OF = "2026-11-23"
PRICES = {
    "dynamodb_read_unit": 0.125 / 1e6,  # per read request unit (on demand)
    "dynamodb_write_unit": 0.625 / 1e6,  # per write request unit
    "dynamodb_gb_month": 0.25,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,  # x86
    "apigw_rest_request": 3.50 / 1e6,
    "apigw_http_request": 1.00 / 1e6,
    "sns_publish": 0.50 / 1e6,  # per 64 KB chunk; a batch of 10 is billed as 10
    "sqs_request": 0.40 / 1e6,
    "ses_email": 0.10 / 1000,
    "s3_put": 0.005 / 1000,
    "s3_gb_month": 0.023,
    "secret_month": 0.40,
    "alarm_month": 0.10,
    "logs_gb": 0.50,
}
LAMBDA_MEMORY_GB = 0.125  # .chalice/config.json leaves Chalice's default of 128 MB


MESSAGE_PRICES = {"sqs": "sqs_request", "sns": "sns_publish", "ses": "ses_email"}


def request_cost(
    read_units: float,
    write_units: float,
    duration_ms: float,
    messages: dict[str, int] | None = None,
    api_gateway: str = "http",
) -> float:
    """Dollars one API call costs: the front door, the function, the table, and the
    messages it sent (queued jobs, published events, emails)."""
    return (
        sum(PRICES[MESSAGE_PRICES[service]] * n for service, n in (messages or {}).items())
        + PRICES[f"apigw_{api_gateway}_request"]
        + PRICES["lambda_request"]
        + PRICES["lambda_gb_second"] * LAMBDA_MEMORY_GB * max(duration_ms, 1) / 1000
        + PRICES["dynamodb_read_unit"] * read_units
        + PRICES["dynamodb_write_unit"] * write_units
    )
