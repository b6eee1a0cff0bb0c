"""``Idempotency-Key`` on the create routes: a repeat within 24 h answers as the first call
did and makes nothing new.

One key space per caller of an app (its partition; the scope starts with the author's id), so
another user's, app's or tenant's key never replays someone else's answer. The fingerprint is
the operation (which route, on what) with the body as JSON means it (spacing and key order
aside, so a client that builds its JSON again on a retry still replays): the same key sent to
another route, or with another body, is a client's mistake and answers 409 rather than a
stranger's answer. The stored answer is written in the same transaction as what it answers
(``record``), so concurrent repeats make one thing; the loser reads the winner's answer
(``replay_if_seen``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..context import Context
from ..errors import ConflictError, ValidationFailedError
from ..records import App

__all__ = ["TTL_S", "HEADER", "Replay", "Once", "Keyed"]

TTL_S = 24 * 3600
HEADER = "Idempotency-Key"


class Replay(Exception):
    """Not an error: the stored first answer to a repeated Idempotency-Key."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__("replay")
        self.status, self.body = status, body


@dataclass(frozen=True)
class Once:
    """One keyed create of one app: where its answer is kept and what the call was."""

    app: App
    scope: str
    fingerprint: str

    def replay_if_seen(self, ctx: Context) -> None:
        """Raise ``Replay`` with the first answer, 409 for another call under the same key;
        return when the key is new (or its answer expired: TTL deletes lag)."""
        seen = ctx.store.get_idempotent(self.app.tenant, self.app.id, self.scope)
        if seen is None or seen.get("expiresAt", 0) < ctx.clock() // 1000:
            return
        if seen["fingerprint"] != self.fingerprint:
            raise ConflictError(f"this {HEADER} was used with another call or body")
        raise Replay(seen["status"], seen["body"])

    def record(self, ctx: Context, status: int, body: dict[str, Any]) -> dict[str, Any]:
        """The item that keeps the answer, to be written with the create it answers."""
        expires = ctx.clock() // 1000 + TTL_S
        app = self.app
        return ctx.store.idempotency_item(
            app.tenant, app.id, self.scope, self.fingerprint, status, body, expires
        )


@dataclass(frozen=True)
class Keyed:
    """A create call's ``Idempotency-Key`` (``None``: not sent) and raw body, as received."""

    key: str | None
    raw_body: bytes

    def guard(self, ctx: Context, app: App, author_id: str, operation: str) -> Once | None:
        """The guard of this call by ``author_id`` (``None`` without a key); a repeat
        raises ``Replay`` here, before anything is written."""
        if self.key is None:
            return None
        if not 1 <= len(self.key) <= 255:
            raise ValidationFailedError.for_field(HEADER, "must be 1 to 255 characters")
        key_hash = hashlib.sha256(self.key.encode()).hexdigest()
        made = hashlib.sha256(operation.encode() + b"\n" + _canonical(self.raw_body))
        once = Once(app, f"{author_id}#{key_hash}", made.hexdigest())
        once.replay_if_seen(ctx)
        return once


def _canonical(raw: bytes | None) -> bytes:
    """The body as its JSON means it: keys sorted, no spacing; as received if it is not JSON
    (the route has refused it by then anyway)."""
    try:
        parsed = json.loads(raw or b"null")
    except ValueError:
        return raw or b""
    return json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
