"""AWS's billing rules and prices for every line this stack is billed for: one dated table
and one small function per rule, each with a unit test built on AWS's own worked example
(tests/unit/test_pricing.py).

us-east-1, on demand. ``PRICES`` has no free tier in it; ``FREE_TIER`` is AWS's always-free
allowance per month, applied only where a caller asks for it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

__all__ = [
    "AS_OF",
    "PRICES",
    "FREE_TIER",
    "LAMBDA_MEMORY_GB",
    "request_cost",
    "item_size",
    "read_units",
    "write_units",
    "item_write_units",
    "lambda_cost",
    "http_api_requests",
    "message_requests",
    "log_event_bytes",
    "xray_traces",
    "month_of",
]

AS_OF = "2026-11-28"
PRICES = {
    # https://aws.amazon.com/dynamodb/pricing/on-demand/
    "dynamodb_read_unit": 0.125 / 1e6,
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_gb_month": 0.25,
    "dynamodb_pitr_gb_month": 0.20,
    # https://aws.amazon.com/lambda/pricing/ (x86)
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    # https://aws.amazon.com/api-gateway/pricing/ (first 300 M a month)
    "apigw_http_request": 1.00 / 1e6,
    "apigw_rest_request": 3.50 / 1e6,
    # https://aws.amazon.com/sns/pricing/ , https://aws.amazon.com/sqs/pricing/
    "sns_publish": 0.50 / 1e6,  # per 64 KB chunk; deliveries to Lambda and SQS are free
    "sqs_request": 0.40 / 1e6,  # per 64 KB chunk of each call
    # https://aws.amazon.com/ses/pricing/
    "ses_email": 0.10 / 1000,  # per recipient
    # https://aws.amazon.com/s3/pricing/
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "s3_gb_month": 0.023,
    # https://aws.amazon.com/cloudwatch/pricing/
    "cloudwatch_metric_month": 0.30,  # per metric (name + dimension values), first 10,000
    "alarm_month": 0.10,  # per standard-resolution alarm metric
    "logs_gb": 0.50,  # ingested
    "logs_stored_gb_month": 0.03,
    # https://aws.amazon.com/xray/pricing/
    "xray_trace": 5.00 / 1e6,  # recorded
    # https://aws.amazon.com/secrets-manager/pricing/
    "secret_month": 0.40,
    # https://aws.amazon.com/systems-manager/pricing/ : standard parameters and standard
    # throughput cost nothing; a SecureString is decrypted with the AWS managed key aws/ssm
    "ssm_standard_parameter_month": 0.0,
    # https://aws.amazon.com/kms/pricing/ : AWS managed keys have no monthly fee
    "kms_request": 0.03 / 10_000,
    # https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/ : budgets without
    # actions are free (the first two action-enabled ones too)
    "budget_month": 0.0,
}
# AWS's always-free allowances per month (not the 12-month offers), in the same units
FREE_TIER = {
    "lambda_request": 1_000_000,
    "lambda_gb_second": 400_000,
    "dynamodb_gb_month": 25,
    "sns_publish": 1_000_000,
    "sqs_request": 1_000_000,
    "cloudwatch_metric_month": 10,
    "alarm_month": 10,
    "logs_gb": 5,  # ingestion, storage and Logs Insights scans together
    "xray_trace": 100_000,
    "kms_request": 20_000,
    "s3_gb_month": 0,  # S3's 5 GB is a 12-month offer
}
LAMBDA_MEMORY_GB = 0.125  # the memory every function of the package is given (128 MB)
SECONDS_A_MONTH = 30 * 24 * 3600


# ---------------------------------------------------------------- DynamoDB


def _number_size(text: str) -> int:
    """1 byte per two significant digits, plus 1; leading and trailing zeroes trimmed."""
    digits = str(abs(Decimal(text))).replace(".", "").lstrip("0").rstrip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        return _number_size(data)
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode()) for v in data)
    if kind == "NS":
        return sum(_number_size(v) for v in data)
    if kind == "BS":
        return sum(len(v) for v in data)
    if kind == "L":  # 3 bytes, and 1 byte per element
        return 3 + sum(_value_size(v) + 1 for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in data.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any] | None) -> int:
    """Bytes of an item in DynamoDB JSON by the documented formula: each attribute's name
    plus its value (strings UTF-8, numbers 1 byte per 2 significant digits + 1, lists and
    maps 3 bytes + 1 byte per element).
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    """
    return sum(len(name.encode()) + _value_size(v) for name, v in (item or {}).items())


def read_units(size: int, consistent: bool = False, transactional: bool = False) -> float:
    """One unit per 4 KB (rounded up) for a strongly consistent read, half for an eventually
    consistent one, two for a transactional one."""
    blocks = max(1, math.ceil(size / 4096))
    return blocks * (2.0 if transactional else 1.0 if consistent else 0.5)


def write_units(size: int, transactional: bool = False) -> int:
    """One unit per 1 KB (rounded up), two in a transaction."""
    return max(1, math.ceil(size / 1024)) * (2 if transactional else 1)


def _projected(item: dict[str, Any], index: dict[str, Any], table_keys: list[str]) -> dict:
    kind = index["Projection"]["ProjectionType"]
    if kind == "ALL":
        return item
    keep = set(table_keys) | {k["AttributeName"] for k in index["KeySchema"]}
    if kind == "INCLUDE":
        keep |= set(index["Projection"].get("NonKeyAttributes", ()))
    return {k: v for k, v in item.items() if k in keep}


def item_write_units(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    table: dict[str, Any],
    transactional: bool = False,
) -> dict[str, int]:
    """The units one write of an item costs: the table by the larger of the item before and
    after (x2 in a transaction), and each global secondary index by its projection: a put
    when the item enters, a delete when it leaves, one write of the larger when it stays
    and its projection changed, a delete and a put when its index key moves.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes

    ``table`` is the AWS::DynamoDB::Table's Properties. Returns units by "table" and index.
    """
    keys = [k["AttributeName"] for k in table["KeySchema"]]
    found = {
        "table": write_units(max(item_size(before), item_size(after)), transactional),
    }
    for index in table.get("GlobalSecondaryIndexes", ()):
        names = [k["AttributeName"] for k in index["KeySchema"]]
        old = (
            _projected(before, index, keys) if before and all(n in before for n in names) else None
        )
        new = _projected(after, index, keys) if after and all(n in after for n in names) else None
        if old == new:  # not in the index, or its projection did not change
            continue
        if old is None or new is None:
            units = write_units(item_size(old or new))
        elif any(old[n] != new[n] for n in names):
            units = write_units(item_size(old)) + write_units(item_size(new))
        else:
            units = write_units(max(item_size(old), item_size(new)))
        found[index["IndexName"]] = units
    return found


# ---------------------------------------------------------------- compute and front door


def lambda_cost(invocations: float, ms: float, memory_mb: float = 128) -> float:
    """Requests plus GB-seconds: each invocation's duration rounded up to 1 ms, times the
    memory the function is configured with."""
    seconds = math.ceil(ms) / 1000
    return invocations * (
        PRICES["lambda_request"] + PRICES["lambda_gb_second"] * memory_mb / 1024 * seconds
    )


def http_api_requests(payload_bytes: int) -> int:
    """An HTTP API call is metered in 512 KB increments (513 KB is two requests)."""
    return max(1, math.ceil(payload_bytes / (512 * 1024)))


def message_requests(payload_bytes: int) -> int:
    """SNS and SQS bill each 64 KB chunk of a call's payload as one request."""
    return max(1, math.ceil(payload_bytes / (64 * 1024)))


# ---------------------------------------------------------------- logs and traces


def log_event_bytes(line: str) -> int:
    """What one log line weighs in CloudWatch Logs: its UTF-8 bytes plus 26 bytes of
    metadata per event (the size PutLogEvents counts).
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
    """
    return len(line.encode()) + 26


def xray_traces(requests: float, seconds: float = SECONDS_A_MONTH, rate: float = 0.05) -> float:
    """Traces recorded by the default sampling rule (the first request each second and 5 %
    of the rest), for ``requests`` spread evenly over ``seconds``."""
    reservoir = min(requests, seconds)
    return reservoir + rate * (requests - reservoir)


def month_of(price: str, quantity: float, free_tier: bool = False) -> float:
    """Dollars for ``quantity`` units of ``price`` in a month, less the always-free tier."""
    if free_tier:
        quantity = max(0.0, quantity - FREE_TIER.get(price, 0))
    return quantity * PRICES[price]


MESSAGE_PRICES = {"sqs": "sqs_request", "sns": "sns_publish", "ses": "ses_email"}


def request_cost(
    read_units: float,
    write_units: float,
    duration_ms: float,
    messages: dict[str, int] | None = None,
    api_gateway: str = "http",
) -> float:
    """Dollars one API call costs: the front door, the function, the table, and the
    messages it sent (queued jobs, published events, emails). Logged with every call."""
    return (
        sum(PRICES[MESSAGE_PRICES[service]] * n for service, n in (messages or {}).items())
        + PRICES[f"apigw_{api_gateway}_request"]
        + lambda_cost(1, max(duration_ms, 1), int(LAMBDA_MEMORY_GB * 1024))
        + PRICES["dynamodb_read_unit"] * read_units
        + PRICES["dynamodb_write_unit"] * write_units
    )
