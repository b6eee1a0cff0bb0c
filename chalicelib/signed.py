"""Signed, opaque tokens: page cursors and unsubscribe links that nobody can forge or move.

A token is bound to a context (for a cursor: the list that made it, its index and
partition), so a cursor from one tenant's list, or an edited one, is refused instead of
reading somewhere else.
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


def decode(
    secret: bytes,
    context: str,
    cursor: str,
    field: str = "cursor",
    problem: str = "is not a cursor this list handed out",
) -> dict[str, Any]:
    """The payload inside a token; a 400 naming ``field`` for anything ``encode`` did not make."""
    invalid = ValidationFailedError.for_field(field, problem)
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
