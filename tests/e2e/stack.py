"""`make run`'s stack for a test: `manage.py local run` on free ports, its output in a file.

The output goes to a file, not a pipe: the stack logs a line per call, and a pipe nobody
reads until the end fills up and stalls it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools.local_stack import free_ports, wait_for_health
from tools.resources import ROOT

__all__ = ["LocalStack", "processes_of"]


def processes_of(folder: Path) -> list[str]:
    """ "pid command" of each live process whose environment names ``folder`` (Linux /proc)."""
    marker = f"FEATUREBOARD_LOCAL_DIR={folder}".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{proc.name} {command.strip()}")
        except OSError:
            continue
    return found


@dataclass
class LocalStack:
    folder: Path
    port: int
    site_port: int
    demo_port: int
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_free_ports(cls, folder: Path) -> LocalStack:
        return cls(folder, *free_ports(3))

    @property
    def log(self) -> Path:
        return self.folder / "stack.log"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
        env |= {
            "PORT": str(self.port),
            "STATIC_PORT": str(self.site_port),
            "DEMO_PORT": str(self.demo_port),
            "FEATUREBOARD_LOCAL_DIR": str(self.folder),
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "local", "run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            wait_for_health(
                f"http://127.0.0.1:{self.port}/v1/health", timeout=240, process=self.process
            )
        except (TimeoutError, RuntimeError):
            self.process.kill()
            self.process.wait(timeout=30)
            raise AssertionError("the stack did not start:\n" + self.tail()) from None

    def stop(self) -> str:
        """SIGTERM, as a script would; the stack saves its table first. Returns the log."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:  # each part's stop is bounded (tools/local_stack.Part); their sum is under this
            self.process.wait(timeout=330)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # where each thread is, into the log
            time.sleep(3)
            self.kill()
            raise AssertionError(
                "the stack did not stop; its last lines:\n" + self.tail(8000)
            ) from None
        assert self.process.returncode == 0, self.tail()
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as a crash would: nothing of the stack runs any code after it."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=60)

    def processes(self) -> list[str]:
        """Every process still running for this stack (found by its FEATUREBOARD_LOCAL_DIR)."""
        return processes_of(self.folder)

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""
