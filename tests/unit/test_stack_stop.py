"""The local stack's stop: each part is bounded and a part that hangs is named."""

from __future__ import annotations

import threading
import time

import pytest

from tools.local_stack import Part


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
