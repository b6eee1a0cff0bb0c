"""Who costs what: each API call's requests, table units, messages and dollars, added up in
the function's memory by tenant and UTC day and written at most once a minute per tenant
(one small UpdateItem, 1 write unit), never once per request.

Bounded: a warm function writes at most one item per tenant it served per ``FLUSH_S``; a
tenant's day is one item of a few dozen bytes. What a function held when Lambda reclaimed
it (at most ``FLUSH_S`` of its calls) is not counted: the figures are a floor, close
enough to see which tenant drives the bill, not an invoice.
"""

from __future__ import annotations

import calendar
import threading
import time
from typing import Any

from . import logs

__all__ = ["count", "flush", "FLUSH_S"]

FLUSH_S = 60.0

_lock = threading.Lock()
_pending: dict[tuple[str, str], dict[str, float]] = {}
_last = [time.monotonic()]


def count(
    tenant: str, now_s: float, read_units: float, write_units: float, messages: int, dollars: float
) -> None:
    """Add one API call of ``tenant`` to its day."""
    day = time.strftime("%Y-%m-%d", time.gmtime(now_s))
    with _lock:
        found = _pending.setdefault((tenant, day), {})
        for name, value in (
            ("requests", 1),
            ("readUnits", read_units),
            ("writeUnits", write_units),
            ("messages", messages),
            ("microDollars", dollars * 1e6),
        ):
            if value:
                found[name] = found.get(name, 0) + value


def flush(store: Any, force: bool = False) -> int:
    """Write what was added since the last flush, if ``FLUSH_S`` has passed (or ``force``);
    returns the items written. Its own calls are metered apart from the current call's."""
    from .store import metered_apart

    with _lock:
        if not _pending or (not force and time.monotonic() - _last[0] < FLUSH_S):
            return 0
        taken = dict(_pending)
        _pending.clear()
        _last[0] = time.monotonic()
    written = 0
    with metered_apart():
        for (tenant, day), counts in taken.items():
            start = calendar.timegm(time.strptime(day, "%Y-%m-%d"))
            try:
                store.add_usage(tenant, day, _rounded(counts), start)
                written += 1
            except Exception as exc:  # never fail an answer for its bookkeeping: try later
                logs.logger().warning("usage not written", extra={"error": str(exc)[:200]})
                with _lock:
                    mine = _pending.setdefault((tenant, day), {})
                    for name, value in counts.items():
                        mine[name] = mine.get(name, 0) + value
    return written


def _rounded(counts: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in counts.items()}
