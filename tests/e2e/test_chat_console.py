"""The console's webhooks tab in Chromium: add a Slack webhook, press "Send test message",
and the message arrives in Slack's format and shows in the delivery log."""

# ruff: noqa: F811  (the fixtures of test_web.py, imported to share its stack per module)

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.test_web import browser, page, shot, sign_in, site  # noqa: F401
from tests.helpers import Receiver


def test_send_a_test_message_to_a_slack_webhook(page: Any, site: dict[str, Any]) -> None:
    receiver = Receiver()
    try:
        sign_in(page, site, "webhooks")
        page.wait_for_selector("#no-webhooks")
        page.fill("#hook-url", receiver.url)
        page.select_option("#hook-format", "slack")
        page.click("form button[type=submit]")
        page.wait_for_selector("button.test-hook")
        assert "Slack" in page.locator("ul.list li").inner_text()
        # no stray "null" where the empty note was (replaceChildren writes null out as text)
        assert "null" not in page.inner_text("main")
        page.click("button.test-hook")
        page.wait_for_selector("#test-queued")
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.2)
        (got,) = receiver.received
        body = json.loads(got["body"])
        assert "Test message from Featureboard" in body["text"]
        assert [b["type"] for b in body["blocks"]] == ["section", "context"]
        page.wait_for_selector("td:text('webhook.test')", timeout=30_000)
        shot(page, "console-webhooks-test-message")
        assert not page.errors
    finally:
        receiver.server.shutdown()
