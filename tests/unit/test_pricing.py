"""Each billing rule of chalicelib/pricing.py against AWS's own worked example or wording."""

from __future__ import annotations

import json
from copy import deepcopy

import pytest

from chalicelib import pricing
from chalicelib.aws import BILLED_PER_MESSAGE
from chalicelib.pricing import PRICES, month_of, request_cost
from tools.resources import ROOT

TABLE = json.loads((ROOT / "templates" / "table.json").read_text())["Resources"]["AppTable"][
    "Properties"
]


@pytest.mark.parametrize(
    ("service", "operation", "params", "billed"),
    [
        ("sqs", "SendMessage", {"MessageBody": "x"}, 1),
        ("sqs", "SendMessageBatch", {"Entries": [{}] * 10}, 1),  # one request
        ("sqs", "ChangeMessageVisibility", {}, 1),
        ("sns", "PublishBatch", {"PublishBatchRequestEntries": [{}] * 7}, 7),  # per message
        ("sns", "Publish", {"Message": "x"}, 1),
        ("sns", "ListTopics", {}, 0),
        ("ses", "SendRawEmail", {"Destinations": ["a@x", "b@x", "c@x"]}, 3),  # per recipient
        ("ses", "SendRawEmail", {}, 1),
        ("ses", "GetSendQuota", {}, 0),
    ],
)
def test_billed_messages(service: str, operation: str, params: dict, billed: int) -> None:
    assert BILLED_PER_MESSAGE[service](operation, params) == billed


def test_messages_add_their_price() -> None:
    base = request_cost(1.0, 1.0, 20)
    with_messages = request_cost(1.0, 1.0, 20, {"sqs": 2, "sns": 10, "ses": 1})
    expected = 2 * PRICES["sqs_request"] + 10 * PRICES["sns_publish"] + PRICES["ses_email"]
    assert with_messages - base == pytest.approx(expected)
    assert request_cost(0, 0, 1, api_gateway="rest") - request_cost(0, 0, 1) == pytest.approx(
        2.50 / 1e6
    )


# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
def test_item_size_follows_dynamodbs_formula() -> None:
    # strings: name + UTF-8 bytes ("é" is two bytes)
    assert pricing.item_size({"title": {"S": "café"}}) == 5 + 5
    # numbers: name + 1 byte per two significant digits + 1 (zeroes trimmed)
    assert pricing.item_size({"votes": {"N": "1.0500"}}) == 5 + 2 + 1  # "105": 3 digits
    assert pricing.item_size({"n": {"N": "12345678"}}) == 1 + 4 + 1
    # null and Boolean: name + 1
    assert pricing.item_size({"ok": {"BOOL": True}, "x": {"NULL": True}}) == 3 + 2
    # list and map: name + 3 + each element and 1 byte per element
    assert pricing.item_size({"tags": {"L": [{"S": "ui"}, {"S": "api"}]}}) == 4 + 3 + 3 + 4
    assert pricing.item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)
    assert pricing.item_size({"e": {"M": {}}}) == 1 + 3


# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
def test_units_round_up_per_4_kb_read_and_1_kb_write() -> None:
    # "a 3.5 KB item": 4 write units, 8 in a transaction; reading it: 1 (strong), 0.5
    assert pricing.write_units(3584) == 4 and pricing.write_units(3584, transactional=True) == 8
    assert pricing.read_units(3584, consistent=True) == 1
    assert pricing.read_units(3584) == 0.5
    # an 8 KB item read strongly consistent is 2 units; transactional 4
    assert pricing.read_units(8192, consistent=True) == 2
    assert pricing.read_units(8192, transactional=True) == 4
    assert pricing.write_units(10) == 1  # even a tiny write is a whole unit


def _request(top: int, description: int = 2000) -> dict:
    return {
        "pk": {"S": "T#acme#A#web"},
        "sk": {"S": "R#01HZX0000000000000000000"},
        "lk": {"S": "T#acme#A#web#S#open"},
        "top": {"N": str(top)},
        "title": {"S": "Dark mode"},
        "description": {"S": "d" * description},
        "tags": {"L": [{"S": "ui"}, {"S": "api"}, {"S": "mobile"}]},
        "votes": {"N": str(top)},
    }


# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes
def test_a_vote_on_a_wide_request_is_21_units_as_issue_12_counted() -> None:
    """The request item (2 KB description, 3 tags) gets a vote in a transaction, its list
    indexes projecting ALL as they did: the table 3 units x 2, byStatus 3 (its key stays),
    byTop and byStatusTop 3 + 3 each (``top`` moves: a delete and a put), byUser nothing."""
    projecting_all = deepcopy(TABLE)
    for index in projecting_all["GlobalSecondaryIndexes"]:
        if index["IndexName"] != "byUser":
            index["Projection"] = {"ProjectionType": "ALL"}
    units = pricing.item_write_units(_request(4), _request(5), projecting_all, transactional=True)
    assert units == {"table": 6, "byStatusKeys": 3, "byTopKeys": 6, "byStatusTopKeys": 6}
    assert sum(units.values()) == 21


def test_a_reorder_of_a_wide_request_writes_small_index_entries() -> None:
    """The same change outside a transaction (the stream's re-order) with the list indexes
    projecting keys only: the table 3, byTop and byStatusTop 1 + 1 each (a keys-only entry
    moves), byStatus nothing (its keys stay)."""
    units = pricing.item_write_units(_request(4), _request(5), TABLE)
    assert units == {"table": 3, "byTopKeys": 2, "byStatusTopKeys": 2}


def test_an_item_entering_or_leaving_an_index_is_one_write_there() -> None:
    item = {"pk": {"S": "T#a#U#1"}, "sk": {"S": "V#1"}, "uk": {"S": "T#a#U#1"}}
    assert pricing.item_write_units(None, item, TABLE) == {"table": 1, "byUser": 1}
    assert pricing.item_write_units(item, None, TABLE) == {"table": 1, "byUser": 1}
    # a change outside a KEYS_ONLY index's keys leaves the index alone
    changed = {**item, "note": {"S": "x"}}
    assert pricing.item_write_units(item, changed, TABLE) == {"table": 1}


# https://aws.amazon.com/lambda/pricing/ , Example 2
def test_lambda_example_128_mb_30_million_calls_of_200_ms() -> None:
    gb_seconds = 30e6 * 0.2 * 128 / 1024
    assert gb_seconds == 750_000
    with_free = month_of("lambda_gb_second", gb_seconds, True) + month_of(
        "lambda_request", 30e6, True
    )
    assert with_free == pytest.approx(5.83 + 5.80, abs=0.01)  # $11.63
    assert pricing.lambda_cost(30e6, 200, 128) == pytest.approx(12.50 + 6.00, abs=0.01)
    assert pricing.lambda_cost(1, 0.2) == pricing.lambda_cost(1, 1)  # rounded up to 1 ms


# https://aws.amazon.com/api-gateway/pricing/ : HTTP APIs are metered in 512 KB increments
def test_http_api_calls_are_metered_in_512_kb_increments() -> None:
    assert pricing.http_api_requests(512 * 1024) == 1
    assert pricing.http_api_requests(513 * 1024) == 2
    assert 100e6 * PRICES["apigw_http_request"] == pytest.approx(100.0)


# https://aws.amazon.com/sns/faqs/ : "a single API call with a 256KB payload will be billed
# as four requests"; the same 64 KB rule for SQS (https://aws.amazon.com/sqs/pricing/)
def test_sns_and_sqs_bill_each_64_kb_chunk() -> None:
    assert pricing.message_requests(256 * 1024) == 4
    assert pricing.message_requests(64 * 1024 + 1) == 2
    assert pricing.message_requests(300) == 1


# https://aws.amazon.com/cloudwatch/pricing/ : 10 instances x 5 custom metrics = 50 metrics,
# $15.00 a month; 1 GB of logs a day = 30 GB, the first 5 GB free, $12.50; 10 alarms free
def test_cloudwatch_metrics_logs_and_alarms() -> None:
    assert month_of("cloudwatch_metric_month", 10 * 5) == pytest.approx(15.00)
    assert month_of("logs_gb", 30, free_tier=True) == pytest.approx(12.50)
    assert month_of("alarm_month", 15, free_tier=True) == pytest.approx(0.50)
    assert month_of("alarm_month", 3) == pytest.approx(0.30)


# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
def test_a_log_line_weighs_its_bytes_and_26_more() -> None:
    assert pricing.log_event_bytes('{"route":"vote"}') == 16 + 26
    assert pricing.log_event_bytes("é") == 2 + 26


# https://aws.amazon.com/xray/pricing/ , Example 1: 2,000 requests an hour at 10 % is
# 148,800 traces in 31 days; 48,800 above the free 100,000: $0.24
def test_xray_example_and_the_default_sampling_rule() -> None:
    recorded = 2000 * 24 * 31 * 0.10
    assert recorded == pytest.approx(148_800)
    assert month_of("xray_trace", recorded, free_tier=True) == pytest.approx(0.244)
    # the default rule: the first request each second and 5 % of the rest
    month = pricing.SECONDS_A_MONTH
    assert pricing.xray_traces(0.5 * month) == pytest.approx(0.5 * month)  # all of them
    assert pricing.xray_traces(10 * month) == pytest.approx(month + 0.05 * 9 * month)


# https://aws.amazon.com/secrets-manager/pricing/ ; https://aws.amazon.com/systems-manager/pricing/
def test_a_secret_costs_40_cents_a_month_and_a_standard_parameter_nothing() -> None:
    assert month_of("secret_month", 1) == pytest.approx(0.40)
    assert month_of("ssm_standard_parameter_month", 1) == 0


# https://aws.amazon.com/s3/pricing/ (S3 Standard, us-east-1): $0.023 per GB-month for the
# first 50 TB, PUT $0.005 and GET $0.0004 per 1,000 requests; 10 GB with 10,000 PUTs and
# 100,000 GETs is $0.23 + $0.05 + $0.04 = $0.32 (the 5 GB free tier is a 12-month offer)
def test_s3_storage_and_requests() -> None:
    dollars = month_of("s3_gb_month", 10) + month_of("s3_put", 10_000) + month_of("s3_get", 1e5)
    assert dollars == pytest.approx(0.32)
    assert month_of("s3_gb_month", 10, free_tier=True) == pytest.approx(0.23)


# https://aws.amazon.com/ses/pricing/ : $0.10 per 1,000 emails sent, counted per recipient;
# 100,000 emails is $10.00
def test_ses_bills_each_recipient() -> None:
    assert month_of("ses_email", 100_000) == pytest.approx(10.00)
    three = request_cost(0, 0, 1, {"ses": 3}) - request_cost(0, 0, 1)
    assert three == pytest.approx(0.0003)


# https://aws.amazon.com/dynamodb/pricing/on-demand/ : storage $0.25 per GB-month after the
# first 25 GB; continuous backups (PITR) $0.20 per GB-month of table size; 30 GB stored
# with PITR is 5 x $0.25 + 30 x $0.20 = $7.25
def test_dynamodb_storage_and_point_in_time_recovery() -> None:
    stored = month_of("dynamodb_gb_month", 30, free_tier=True)
    assert stored + month_of("dynamodb_pitr_gb_month", 30) == pytest.approx(7.25)


# https://aws.amazon.com/kms/pricing/ : $0.03 per 10,000 requests after 20,000 free; the
# signing secret's GetParameter decrypts once per cold start: 100,000 of them is $0.24
def test_kms_requests_after_the_free_20000() -> None:
    assert month_of("kms_request", 100_000, free_tier=True) == pytest.approx(0.24)
    assert month_of("kms_request", 100_000) == pytest.approx(0.30)


def test_consumers_are_priced_at_their_own_functions_memory() -> None:
    """A create's events reach the stream function and the consumers their filters let
    through; one with the embedding model (1,024 MB) bills 8 times the GB-seconds of one at
    128 MB for the same milliseconds (AWS prices GB-seconds at the configured memory)."""
    from tools.cost import Kind

    def kind(event_gb: float) -> Kind:
        return Kind(
            **{"name": "create", "group": "creates", "ddb_calls": 2, "read_units": 1},
            **{"write_units": 4, "ms": 20, "log_bytes": 200, "messages": {}, "events": 1},
            **{"sns_requests": 1, "invocations": 2, "invocations_unfiltered": 5},
            **{"event_read_units": 0, "event_write_units": 0, "event_ms": 100},
            **{"event_log_bytes": 0, "event_messages": {}, "event_gb": event_gb},
        )

    light = kind(3 * 128 / 1024).lines(128, False)["Lambda: stream + consumers"]
    heavy = kind((2 * 128 + 1024) / 1024).lines(128, False)["Lambda: stream + consumers"]
    requests = 3 * PRICES["lambda_request"]  # the stream batch and two consumers
    assert light == pytest.approx(requests + PRICES["lambda_gb_second"] * 0.375 * 0.1)
    assert heavy - requests == pytest.approx((light - requests) * 1280 / 384)
