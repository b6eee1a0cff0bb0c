"""Opaque, signed page cursors: a client can hand one back but cannot forge or move it.

A cursor is bound to the listing that made it (its index and partition), so a cursor from
one tenant's list, or an edited one, is refused instead of reading somewhere else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from .errors import ValidationFailedError

__all__ = ["encode", "decode"]

_SIG_BYTES = 16


def _sign(secret: bytes, context: str, payload: bytes) -> bytes:
    return hmac.new(secret, context.encode() + b"\x00" + payload, hashlib.sha256).digest()[
        :_SIG_BYTES
    ]


def encode(secret: bytes, context: str, position: dict[str, Any]) -> str:
    payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    token = _sign(secret, context, payload) + payload
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode()


def decode(secret: bytes, context: str, cursor: str) -> dict[str, Any]:
    """The position inside ``cursor``; a 400 for anything not made by ``encode`` here."""
    invalid = ValidationFailedError.for_field("cursor", "is not a cursor this list handed out")
    if len(cursor) > 2048:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError):
        raise invalid from None
    signature, payload = raw[:_SIG_BYTES], raw[_SIG_BYTES:]
    if not hmac.compare_digest(signature, _sign(secret, context, payload)):
        raise invalid
    position = json.loads(payload)
    if not isinstance(position, dict):
        raise invalid
    return position
