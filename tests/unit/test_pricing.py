"""What a call costs: the messages each AWS call is billed as, and their price."""

from __future__ import annotations

import pytest

from chalicelib.aws import BILLED_PER_MESSAGE
from chalicelib.pricing import PRICES, request_cost


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
