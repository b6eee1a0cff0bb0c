"""Per-caller call counts kept in the function's memory, written to the table in steps.

A shared counter written on every call costs one write unit per call, reads included: at
80 % reads that is most of the table's write bill. Here each process counts its own calls
of a caller and adds them to the shared counter every ``step_for(limit)`` calls (one
``UpdateItem``, which answers the count all processes have added), so a call costs about
1/step of a unit. One process alone is exact; a caller served by k processes in the same
minute gets at most k x (step - 1) calls past its limit, unflushed. Small limits get
step 1 (exact everywhere, as before).

The map keeps the ``_KEEP`` callers used most recently: a flood of new callers pushes out
the quietest ones, never everyone's count at once. A shared write that fails (throttled,
or any botocore error) does not fail the call: its counts wait for the caller's next write.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from .. import logs
from ..context import Context

__all__ = ["STEP", "step_for", "count", "add_shared"]

STEP = 10  # at most this many calls of a caller counted in memory before a write
_KEEP = 10_000  # callers (and windows) remembered per process, the least recently used go


@dataclass
class _Count:
    shared: int = 0  # the shared counter's calls at this process's last write
    shared_writes: int = 0
    hits: int = 0  # calls counted here since that write
    writes: int = 0
    unsent: int = 0  # calls of writes that failed, added to the next one
    unsent_writes: int = 0

    def known(self) -> tuple[int, int]:
        """The calls and writes this process knows of: the shared count and its own."""
        return (
            self.shared + self.unsent + self.hits,
            self.shared_writes + self.unsent_writes + self.writes,
        )


_COUNTS: OrderedDict[tuple[str, str, int], _Count] = OrderedDict()
_LOCK = threading.Lock()  # chalice local and the tests serve calls on threads


def step_for(limit: int) -> int:
    """A tenth of the limit, at most ``STEP``: a limit of 120 writes every 10th call."""
    return max(1, min(STEP, limit // 10))


def _store_errors() -> tuple[type[Exception], ...]:
    """botocore's errors, imported only when one is raised (``except`` evaluates its
    expression then), so importing this module does not load botocore."""
    from botocore.exceptions import BotoCoreError, ClientError

    return ClientError, BotoCoreError


def add_shared(
    ctx: Context,
    tenant: str,
    subject: str,
    window: int,
    hits: int,
    writes: int,
    span_s: int = 60,
) -> tuple[int, int] | None:
    """Add to the shared counter of ``subject`` in ``window`` (of ``span_s`` seconds): the
    calls and writes counted there so far, or None (logged) when the table refused or
    failed the write (throttled): a limit is not worth failing the call for."""
    try:
        expires = (window + 2) * span_s
        return ctx.store.hit_rate(tenant, subject, window, expires, hits, writes)
    except _store_errors() as exc:
        logs.logger().warning(
            "rate counter not written; the call goes on",
            extra={"tenant": tenant, "error": str(exc)[:200]},
        )
        return None


def _touch(key: tuple[str, str, int]) -> _Count:
    """The count of ``key``, now the most recently used; the least recently used go past
    ``_KEEP`` (held under ``_LOCK``)."""
    found = _COUNTS.get(key)
    if found is None:
        found = _COUNTS[key] = _Count()
        while len(_COUNTS) > _KEEP:
            _COUNTS.popitem(last=False)
    else:
        _COUNTS.move_to_end(key)
    return found


def count(
    ctx: Context, tenant: str, subject: str, window: int, limit: int, write: bool
) -> tuple[int, int]:
    """Count one call (a write if ``write``) of ``subject`` in ``window`` (minutes); the
    calls and writes counted so far, as this process knows them."""
    step = step_for(limit)
    key = (tenant, subject, window)
    with _LOCK:
        found = _touch(key)
        found.hits += 1
        found.writes += int(write)
        if found.hits < step:
            return found.known()
        hits, writes = found.hits + found.unsent, found.writes + found.unsent_writes
        found.hits = found.writes = found.unsent = found.unsent_writes = 0
    written = add_shared(ctx, tenant, subject, window, hits, writes)
    if written is None:
        with _LOCK:
            found.unsent += hits
            found.unsent_writes += writes
            return found.known()
    shared, shared_writes = written
    with _LOCK:
        found.shared = max(found.shared, shared)  # another thread may have written since
        found.shared_writes = max(found.shared_writes, shared_writes)
        return found.known()
