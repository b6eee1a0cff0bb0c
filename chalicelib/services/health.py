"""The health check: one cheap read proves the table answers."""

from __future__ import annotations

from typing import Any

from ..context import Context

__all__ = ["check"]


def check(ctx: Context) -> dict[str, Any]:
    try:
        ctx.store.ping()
        table = "ok"
    except Exception as exc:  # any failure to reach the table is "unavailable", not a 500
        table = f"unavailable: {type(exc).__name__}"
    status = "ok" if table == "ok" else "unavailable"
    return {"status": status, "version": ctx.settings.version, "checks": {"dynamodb": table}}
