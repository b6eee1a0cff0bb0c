"""The in-memory rate counter: a flood of new callers pushes out the quietest ones, not
everyone's count; a throttled shared write neither fails the call nor loses its counts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib import logs
from chalicelib.services import ratecount

LIMIT = 120  # step 10: the shared counter is written on every 10th call of a caller


class SharedCounter:
    """The table's counter (``Store.hit_rate``), failing with ``fail`` codes first."""

    def __init__(self, *fail: str) -> None:
        self.fail = list(fail)
        self.hits = self.writes = 0
        self.calls = 0

    def hit_rate(self, tenant: str, subject: str, window: int, expires: int, step: int, w: int):
        self.calls += 1
        if self.fail:
            code = self.fail.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": "slow down"}}, "UpdateItem")
        self.hits += step
        self.writes += w
        return self.hits, self.writes


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    ratecount._COUNTS.clear()
    yield
    ratecount._COUNTS.clear()


@pytest.fixture
def warnings() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    log = logs.logger()
    log.addHandler(handler)
    try:
        yield records
    finally:
        log.removeHandler(handler)


def _counter(store: Any) -> Any:
    def call(subject: str, write: bool = False) -> tuple[int, int]:
        return ratecount.count(SimpleNamespace(store=store), "t1", subject, 9, LIMIT, write)

    return call


def test_a_flood_of_new_callers_forgets_the_least_recently_used_not_everyone() -> None:
    count = _counter(SharedCounter())
    for _ in range(5):
        count("idle")
        count("busy")
    for n in range(ratecount._KEEP):
        count(f"flood-{n}")
        if n == ratecount._KEEP // 2:
            assert count("busy") == (6, 0)
    assert len(ratecount._COUNTS) == ratecount._KEEP
    assert count("busy") == (7, 0)  # still counted: used during the flood
    assert count("idle") == (1, 0)  # the quietest caller went first
    kept = {k[1] for k in ratecount._COUNTS}
    assert len(kept) == ratecount._KEEP and {"busy", "idle", "flood-2"} <= kept
    assert not {"flood-0", "flood-1"} & kept  # the oldest of the flood went next


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_a_throttled_shared_write_answers_from_memory_and_keeps_its_counts(
    code: str, warnings: list[logging.LogRecord]
) -> None:
    store = SharedCounter(code)
    count = _counter(store)
    first = [count("ada", write=n % 2 == 0) for n in range(10)]
    assert first[-1] == (10, 5)  # the 10th call wrote, failed, and still answers its count
    assert (store.calls, store.hits) == (1, 0)
    assert [r.getMessage() for r in warnings] == ["rate counter not written; the call goes on"]
    assert code in warnings[0].error  # type: ignore[attr-defined]
    assert [count("ada") for _ in range(9)][-1] == (19, 5)  # no write until the next step
    assert store.calls == 1
    assert count("ada") == (20, 5)  # the next write carries the lost batch too
    assert (store.calls, store.hits, store.writes) == (2, 20, 5)
    assert len(warnings) == 1


def test_other_errors_still_fail_the_call() -> None:
    class Broken(SharedCounter):
        def hit_rate(self, *args: Any) -> tuple[int, int]:
            raise RuntimeError("a bug of ours")

    count = _counter(Broken())
    with pytest.raises(RuntimeError):
        for _ in range(10):
            count("ada")
