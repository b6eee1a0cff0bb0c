"""The local stack's stop: each part is bounded and a part that hangs is named."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from tools.local_stack import Part
from tools.resources import ROOT

# SIGTERM handed to a thread other than the main one, while the main thread waits for a child
# that never ends: the stack's situation when the kernel delivers `kill` to a worker thread.
SIGNAL_TO_A_WORKER = textwrap.dedent(
    """
    import signal, subprocess, sys, threading, time
    from tools.local_stack import wait_awake

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])

    def poke() -> None:
        time.sleep(0.5)
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    threading.Thread(target=poke, daemon=True).start()
    try:
        {wait}
    finally:
        child.kill()
    """
)


def _signalled_while_waiting(wait: str, timeout: float) -> int | None:
    """Exit code of the script above with ``wait`` as its wait; None if it did not end."""
    script = SIGNAL_TO_A_WORKER.format(wait=wait)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def test_a_signal_delivered_to_another_thread_still_stops_the_wait() -> None:
    assert _signalled_while_waiting("child.wait()", timeout=4) is None  # the hang, as it was
    assert _signalled_while_waiting("wait_awake(child)", timeout=60) == 3


def test_a_part_that_hangs_is_named_and_left_behind_within_its_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    release = threading.Event()
    began = time.monotonic()

    assert Part("page server", release.wait, timeout=0.2).stop() is False

    assert time.monotonic() - began < 2
    assert "stopping page server: still busy after" in capsys.readouterr().err
    release.set()


def test_a_part_that_fails_is_reported_and_the_stop_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken() -> None:
        raise OSError("socket already closed")

    assert Part("moto", broken).stop() is True
    assert "stopping moto: OSError: socket already closed" in capsys.readouterr().err


def test_a_part_that_stops_quickly_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    stopped: list[str] = []

    assert Part("chalice local", lambda: stopped.append("yes")).stop() is True
    assert stopped == ["yes"]
    assert capsys.readouterr().err == ""
