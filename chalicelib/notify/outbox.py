"""The local stage's outbox: what moto's SES was asked to send, read back as emails."""

from __future__ import annotations

import json
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


def _raw(endpoint: str) -> list[dict[str, Any]]:
    # moto's dump serialises every object it tracks: slow on a busy machine with much data
    with urllib.request.urlopen(f"{endpoint.rstrip('/')}/moto-api/data.json", timeout=60) as r:
        data = json.load(r)
    return data.get("ses", {}).get("RawMessage", [])


def sent_emails(endpoint: str) -> list[dict[str, Any]]:
    """Every email sent so far, oldest first (moto keeps them in memory)."""
    return [_parse(m["raw_data"]) for m in _raw(endpoint)]


def recent_emails(endpoint: str, limit: int, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """``limit`` emails, newest first, after the ``offset`` newest, and how many were sent in
    all: only the ones shown are parsed, so the page opens fast however many there are."""
    raw = _raw(endpoint)[::-1]
    return [_parse(m["raw_data"]) for m in raw[offset : offset + limit]], len(raw)
