"""One-click unsubscribe from the links in emails (no credential: the link is the proof)."""

from __future__ import annotations

from ..context import Context
from ..errors import ValidationFailedError
from ..notify.email import read_unsubscribe_token

__all__ = ["unsubscribe"]


def unsubscribe(ctx: Context, token: str | None) -> tuple[int, dict[str, object]]:
    """Status and page values: the recipient gets no more emails from that app."""
    try:
        if not token:
            raise ValidationFailedError.for_field("token", "is missing")
        claims = read_unsubscribe_token(ctx.secret, token, ctx.clock() // 1000)
    except ValidationFailedError as exc:
        return 400, {"ok": False, "problem": exc.details[0]["message"].capitalize() + "."}
    ctx.store.opt_out(claims["t"], claims["a"], claims["r"])
    app = ctx.store.get_app(claims["t"], claims["a"])
    return 200, {"ok": True, "app_name": app.name if app else claims["a"]}
