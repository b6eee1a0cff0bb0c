"""Per-caller call counts kept in the function's memory, written to the table in steps.

A shared counter written on every call costs one write unit per call, reads included: at
80 % reads that is most of the table's write bill. Here each process counts its own calls
of a caller and adds them to the shared counter every ``step_for(limit)`` calls (one
``UpdateItem``, which answers the count all processes have added), so a call costs about
1/step of a unit. One process alone is exact; a caller served by k processes in the same
minute gets at most k x (step - 1) calls past its limit, unflushed. Small limits get
step 1 (exact everywhere, as before).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..context import Context

__all__ = ["STEP", "step_for", "count"]

STEP = 10  # at most this many calls of a caller counted in memory before a write
_KEEP = 10_000  # callers remembered per process before the oldest windows go


@dataclass
class _Count:
    shared: int = 0  # the shared counter's calls at this process's last write
    shared_writes: int = 0
    hits: int = 0  # calls counted here since that write
    writes: int = 0


_COUNTS: dict[tuple[str, str, int], _Count] = {}
_LOCK = threading.Lock()  # chalice local and the tests serve calls on threads


def step_for(limit: int) -> int:
    """A tenth of the limit, at most ``STEP``: a limit of 120 writes every 10th call."""
    return max(1, min(STEP, limit // 10))


def _forget_old(window: int) -> None:
    if len(_COUNTS) > _KEEP:
        for key in [k for k in _COUNTS if k[2] < window]:
            del _COUNTS[key]
        if len(_COUNTS) > _KEEP:
            _COUNTS.clear()


def count(
    ctx: Context, tenant: str, subject: str, window: int, limit: int, write: bool
) -> tuple[int, int]:
    """Count one call (a write if ``write``) of ``subject`` in ``window`` (minutes); the
    calls and writes counted so far, as this process knows them."""
    step = step_for(limit)
    key = (tenant, subject, window)
    with _LOCK:
        _forget_old(window)
        found = _COUNTS.setdefault(key, _Count())
        found.hits += 1
        found.writes += int(write)
        if found.hits < step:
            return found.shared + found.hits, found.shared_writes + found.writes
        hits, writes = found.hits, found.writes
        found.hits = found.writes = 0
    expires_at = (window + 2) * 60
    shared, shared_writes = ctx.store.hit_rate(tenant, subject, window, expires_at, hits, writes)
    with _LOCK:
        found.shared = max(found.shared, shared)  # another thread may have written since
        found.shared_writes = max(found.shared_writes, shared_writes)
        return found.shared + found.hits, found.shared_writes + found.writes
