"""Ids sortable by creation time (ULID layout) and the clock, both swappable in tests."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime

__all__ = ["new_id", "stable_id", "now_ms", "iso", "ALPHABET"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: sorts like the number


def _b32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(ms: int | None = None) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits, like a ULID."""
    stamp = now_ms() if ms is None else ms
    return _b32(stamp, 10) + _b32(secrets.randbits(80), 16)


def stable_id(ms: int, key: str) -> str:
    """An id of ``new_id``'s layout whose last 80 bits come from ``key``: an importer gives a
    source record the same id on every run, so a second run finds it already there."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:10], "big")
    return _b32(ms, 10) + _b32(digest, 16)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso(ms: int) -> str:
    """RFC 3339 UTC with a Z, millisecond precision."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
