"""The local stage's outbox: what moto's SES was asked to send, read back as emails."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from email import policy
from email.parser import BytesParser
from typing import Any

__all__ = ["sent_emails", "recent_emails"]


def _parse(raw: str) -> dict[str, Any]:
    message = BytesParser(policy=policy.default).parsebytes(raw.encode())
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "to": str(message["To"]),
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "listUnsubscribe": str(message["List-Unsubscribe"] or ""),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }


DUMP_ATTEMPTS = 4


def _dump(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(url, timeout=60) as r:  # slow on a busy machine, much data
        return json.load(r).get("ses", {}).get("RawMessage", [])


def _raw(endpoint: str) -> list[dict[str, Any]]:
    """SES's raw messages from moto's dump of what it tracks. The dump checks that each value
    can be serialised and serialises them all later: a queue that takes a message in between
    makes it fail (a 500), so a failed dump is asked for again."""
    url = f"{endpoint.rstrip('/')}/moto-api/data.json"
    for attempt in range(1, DUMP_ATTEMPTS):
        try:
            return _dump(url)
        except urllib.error.HTTPError as exc:
            if exc.code != 500:
                raise
            time.sleep(0.5 * attempt)
    return _dump(url)  # the last attempt's error is the caller's


def sent_emails(endpoint: str) -> list[dict[str, Any]]:
    """Every email sent so far, oldest first (moto keeps them in memory)."""
    return [_parse(m["raw_data"]) for m in _raw(endpoint)]


def recent_emails(endpoint: str, limit: int, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """``limit`` emails, newest first, after the ``offset`` newest, and how many were sent in
    all: only the ones shown are parsed, so the page opens fast however many there are."""
    raw = _raw(endpoint)[::-1]
    return [_parse(m["raw_data"]) for m in raw[offset : offset + limit]], len(raw)
