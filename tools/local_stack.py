"""The laptop stack: moto's server for AWS, the table, demo data, and ``chalice local``.

``make run`` calls ``run()``. With ``AWS_ENDPOINT_URL`` already set it uses that endpoint
instead of starting moto, so any emulator (or a counting proxy) can stand behind it.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .resources import ROOT

__all__ = [
    "chalice_local",
    "LOCAL_DIR",
    "stack_env",
    "load_stack",
    "run",
    "free_port",
    "free_ports",
    "wait_for_health",
    "start_moto",
    "serve_aws",
]

LOCAL_DIR = Path(os.environ.get("FEATUREBOARD_LOCAL_DIR", ROOT / ".local"))
STACK_FILE = LOCAL_DIR / "stack.json"
CREDENTIALS_FILE = LOCAL_DIR / "credentials.json"
STATE_FILE = LOCAL_DIR / "table.jsonl"
EVENTS_FILE = LOCAL_DIR / "events.jsonl"  # each consumed event and how long it took
REGION = "us-east-1"
SNAPSHOT_SECONDS = float(os.environ.get("FEATUREBOARD_SNAPSHOT_SECONDS", "2"))


def chalice_local(port: int, env: dict[str, str], **popen: Any) -> subprocess.Popen[bytes]:
    """`chalice local` for the local stage, in its own process group so it stops as a whole."""
    command = [
        str(Path(sys.executable).parent / "chalice"),
        "local",
        "--stage",
        "local",
        "--no-autoreload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **popen)


def free_ports(count: int, avoid: Collection[int] = ()) -> list[int]:
    """``count`` different free ports, none in ``avoid``: the sockets are held until all are
    picked (one at a time, the kernel may hand out the port it has just been given back)."""
    held: list[socket.socket] = []
    try:
        while len(held) < count:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            if sock.getsockname()[1] in avoid:
                sock.close()
                continue
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def free_port(avoid: Collection[int] = ()) -> int:
    return free_ports(1, avoid)[0]


def load_stack() -> dict[str, Any]:
    """The local stack's settings; the signing secret is made once and kept."""
    LOCAL_DIR.mkdir(exist_ok=True)
    stack: dict[str, Any] = json.loads(STACK_FILE.read_text()) if STACK_FILE.exists() else {}
    stack.setdefault("signingSecret", secrets.token_urlsafe(32))
    stack.setdefault("tableName", "featureboard-local")
    STACK_FILE.write_text(json.dumps(stack, indent=2))
    return stack


def stack_env(endpoint: str, stack: dict[str, Any]) -> dict[str, str]:
    """Environment for anything that talks to the local stack (dummy AWS credentials)."""
    return {
        **stack.get("env", {}),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", REGION),
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        "TABLE_NAME": stack["tableName"],
        "SIGNING_SECRET": stack["signingSecret"],
        "STAGE": "local",
    }


def wait_for_health(
    url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Until ``url`` answers 200; fails at once if ``process`` (the server) has exited."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url.rsplit('/v1', 1)[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


def start_moto(port: int) -> Any:
    """moto's server on 127.0.0.1:port in this process, quiet, with DynamoDB's semantics."""
    import logging

    from moto.server import ThreadedMotoServer

    from .moto_patches import install

    install()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def _credentials(ctx: Any, api: str, endpoint: str, stack: dict[str, Any]) -> dict[str, Any]:
    """Seed the demo once; on later starts make fresh keys (old ones are shown only once)."""
    from chalicelib.auth import Caller
    from chalicelib.services import apps, tenants

    from .seed import seed_demo

    if ctx.store.get_tenant("demo") is None:
        made = seed_demo(ctx)
    else:
        key = tenants.create_key(ctx, "demo", "make run")
        admin = Caller("demo", "admin", key["keyId"], "127.0.0.1")
        app = ctx.store.get_app("demo", "web")
        made = {
            "tenant": "demo",
            "adminKey": key["adminKey"],
            "apps": {"web": apps.rotate_keys(ctx, admin, app)},
        }
    return {"api": api, "awsEndpointUrl": endpoint, "tableName": stack["tableName"], **made}


def _provision(stack: dict[str, Any], port: int) -> dict[str, str]:
    from chalicelib import aws
    from chalicelib.context import get_context
    from chalicelib.settings import get_settings

    from .resources import provision

    aws.reset_clients()
    made = provision(stack["tableName"], "featureboard@example.com")
    made["API_BASE_URL"] = f"http://127.0.0.1:{port}"
    made["BOARD_URL"] = f"http://127.0.0.1:{os.environ.get('STATIC_PORT', port + 1)}/board/"
    os.environ.update(made)
    STACK_FILE.write_text(json.dumps({**stack, "env": made}, indent=2))  # for manage.py
    get_settings.cache_clear()
    get_context.cache_clear()
    return made


# ---------------------------------------------------------------- processes and ports

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets SIGTERM when ``parent`` dies, even by ``kill -9``.

    libc is loaded here, in the parent: between fork and exec the child may only call what
    is already loaded. Linux only (elsewhere the stack's own stop and its orphan watch are
    all there is). The signal is tied to the forking thread: start children from the main one.
    """
    import ctypes
    import ctypes.util

    try:
        prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        prctl = None

    def in_child() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return in_child


def port_holder(port: int) -> str | None:
    """Who listens on 127.0.0.1:port: "pid 1234 (python manage.py local run)", or None.

    Read from /proc (Linux); elsewhere only that the port is taken is known.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return None
        except OSError:
            pass
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in inodes:
                    return _describe(proc) + _started_by(proc)
            except OSError:
                continue
    return "another process (its pid is not visible to this user)"


def _describe(proc: Path) -> str:
    command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return f"pid {proc.name} ({command[:120]})"


def _started_by(proc: Path) -> str:
    """ ", started by pid N (… manage.py local run)" when a stack owns the process."""
    try:
        parent = Path("/proc") / (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
        if b"manage.py" in (parent / "cmdline").read_bytes():
            return f", started by the stack {_describe(parent)}"
    except (OSError, IndexError):
        pass
    return ""


class PortTaken(RuntimeError):
    """A port the stack needs is held, most often by a stack started earlier."""


def check_ports(ports: dict[str, int]) -> None:
    """Refuse to start on a held port, and say who holds it, before anything starts."""
    names: dict[int, str] = {}
    for name, port in ports.items():
        if port in names:
            raise PortTaken(
                f"port {port} is set for both the {names[port]} and the {name}. "
                "Pick different ports with PORT / STATIC_PORT / DEMO_PORT."
            )
        names[port] = name
    for name, port in ports.items():
        holder = port_holder(port)
        if holder is None:
            continue
        pids = re.findall(r"pid (\d+)", holder)  # the stack that owns it comes last
        advice = (
            f"An old stack still running? Stop it (kill {pids[-1]}) or pick" if pids else "Pick"
        )
        raise PortTaken(
            f"port {port} ({name}) is in use by {holder}. "
            f"{advice} other ports with PORT / STATIC_PORT / DEMO_PORT."
        )


def _stop_when_orphaned(stop: threading.Event) -> None:
    """`make` does not pass SIGTERM on to us: when our parent goes, we stop (and save)."""
    parent = os.getppid()

    def watch() -> None:
        while not stop.wait(0.5):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, daemon=True, name="orphan-watch").start()


# ---------------------------------------------------------------- console output

_ACCESS = re.compile(r'^\S+ - - \[[^]]*\] "')  # http.server's own line per request
_CHATTER = ("Found credentials in ", "Found endpoint for ")  # botocore, once per client


def short_line(line: str) -> str | None:
    """One short line for a log line of the API or the runner; None drops it.

    The JSON lines are what CloudWatch gets; on a laptop a request reads better as
    ``list_requests 200 12.3 ms demo/web`` (the route's view name), and http.server's own line per
    request only repeats it.
    """
    if _ACCESS.match(line) or line.startswith(_CHATTER):
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    if not isinstance(entry, dict) or "message" not in entry:
        return line
    where = "/".join(str(entry[k]) for k in ("tenant", "app") if entry.get(k))
    if entry["message"] == "request":
        return f"{entry.get('route')} {entry.get('status')} {entry.get('ms')} ms {where}".rstrip()
    if entry["message"] in ("event consumed", "metric") and entry.get("level", "INFO") == "INFO":
        return None  # per event, or for CloudWatch: the outbox and analytics show the result
    detail = " ".join(
        f"{k}={entry[k]}" for k in ("consumer", "eventType", "messageId", "error") if k in entry
    )
    return f"{entry.get('level', '')} {entry['message']} {where} {detail}".strip()[:300]


class ShortHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stack process's own JSON log records, shortened or dropped as ``short_line`` does."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)
        from chalicelib.logs import JsonFormatter

        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = short_line(self.format(record))
        except Exception:
            self.handleError(record)
            return
        if line is not None:
            self.stream.write(line + "\n")
            self.flush()


def _quiet_logs() -> None:
    from chalicelib import logs

    logs.logger().handlers = [ShortHandler()]
    runner_log = logging.getLogger("featureboard.runner")
    if not runner_log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(levelname)s events %(message)s"))
        runner_log.addHandler(handler)
        runner_log.propagate = False


def _relay(stream: Any) -> None:
    """Copy chalice local's output to ours, one short line per request."""
    for raw in iter(stream.readline, b""):
        line = short_line(raw.decode(errors="replace").rstrip("\n"))
        if line is not None:
            print(line, flush=True)


# ---------------------------------------------------------------- the pipeline and its memory


def _start_runner(made: dict[str, str]) -> Any:
    from .event_runner import EventRunner

    runner = EventRunner(
        os.environ["AWS_DEFAULT_REGION"],
        os.environ["TABLE_NAME"],
        made["EVENTS_TOPIC_ARN"],
        made["WEBHOOK_QUEUE_URL"],
        made["JOBS_QUEUE_URL"],
        wait_seconds=1,  # long polling: a message is handled as soon as it lands
        on_consumed=_event_timer(EVENTS_FILE),
    )
    runner.subscribe()
    return runner


def _event_timer(path: Path) -> Callable[[str, dict[str, Any]], None]:
    """Writes one line per consumed event: which consumer, what it was about, and the time
    from the write that caused it (the event's ``createdMs``) to the end of the consumer.
    `make bench` reads it; the file starts empty with each start."""
    path.write_text("")
    lock = threading.Lock()

    def consumed(consumer: str, note: dict[str, Any]) -> None:
        try:
            event = json.loads(note["Message"])
        except (KeyError, ValueError):
            return
        data = event.get("data", {})
        subject = (data.get("request") or data.get("feedback") or {}).get("id")
        line = {
            "consumer": consumer,
            "type": event.get("type"),
            "subject": subject,
            "quiet": bool(event.get("quiet")),
            "ms": round(time.time() * 1000 - event.get("createdMs", 0)),
        }
        with lock, path.open("a") as out:
            out.write(json.dumps(line) + "\n")

    return consumed


@dataclass
class Keeper:
    """Saves the table and the pipeline's unfinished work every few seconds when it changed,
    and once more at the end, so ``kill -9`` loses at most the last interval."""

    table: str
    path: Path
    runner: Any
    every: float = SNAPSHOT_SECONDS
    _last: Any = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _mirror: Any = None

    def __post_init__(self) -> None:
        from .snapshot import Mirror

        self._mirror = Mirror(self.table)

    def save(self, force: bool = False) -> int | None:
        """Write a snapshot if anything changed since the last (or ``force``); item count."""
        from .snapshot import fingerprint, write_snapshot

        with self._lock:
            seen = fingerprint(self.table)
            if seen == self._last and not force:
                return None
            checkpoints, replay = self.runner.position()
            snapshot = self._mirror.capture(checkpoints, replay)
            write_snapshot(self.path, snapshot)
            self._last = seen
            return len(snapshot.item_lines)

    def start(self) -> None:
        def loop() -> None:
            log = logging.getLogger("featureboard.runner")
            while not self._stop.wait(self.every):
                try:
                    self.save()
                except Exception as exc:  # the next interval tries again
                    log.warning("snapshot failed: %s", str(exc)[:200])

        threading.Thread(target=loop, daemon=True, name="snapshots").start()

    def stop(self) -> None:
        self._stop.set()


def restore(table: str, path: Path, runner: Any) -> str:
    """Put a snapshot back into a fresh moto; its unhandled stream records go to the runner.

    The restored items make stream records of their own: the runner starts after them
    (they are not news), then replays the saved records, then follows the stream.
    """
    from .snapshot import read_snapshot, restore_items, restore_messages, stream_end

    saved = read_snapshot(path)
    restored, skipped = restore_items(table, saved.items)
    sent = restore_messages(saved.messages)
    runner.start_at_latest()
    runner.checkpoints.update(stream_end(table))
    runner.replay(saved.records)
    note = f"restored {restored} items, {len(saved.records)} unhandled table changes"
    note += f" and {sent} queued messages from {path}"
    return note + (f" ({skipped} items the table refused were skipped)" if skipped else "")


# ---------------------------------------------------------------- the stack


def _serve_pages(creds: dict[str, Any], site_port: int, demo_port: int) -> dict[str, Any]:
    """The board, console and widget on one origin; a third-party demo site on another."""
    import jwt

    from .static_server import serve_static

    site = f"http://127.0.0.1:{site_port}"
    web = creds["apps"]["web"]
    config = {"api": creds["api"], "key": web["publishableKey"], "app": "web", "siteOrigin": site}
    servers = [serve_static(site_port, config, csp=True), serve_static(demo_port, config)]
    ada = jwt.encode(
        {
            "sub": "user-00",
            "name": "Ada",
            "email": "ada@example.com",
            "exp": int(time.time()) + 7 * 24 * 3600,
        },
        web["userTokenSecret"],
        "HS256",
    )
    return {
        "servers": servers,
        "urls": {
            "board": f"{site}/board/",
            "boardSignedInAsAda": f"{site}/board/?token={ada}",
            "console": f"{site}/admin/",
            "widgetDemo": f"http://127.0.0.1:{demo_port}/widget/demo.html",
            "feedbackFinDemo": f"http://127.0.0.1:{demo_port}/widget/feedbackfin.html",
        },
    }


def run(port: int) -> int:
    """`make run`: everything below stops with this process, whichever way it ends."""
    site_port = int(os.environ.get("STATIC_PORT", port + 1))
    demo_port = int(os.environ.get("DEMO_PORT", port + 2))
    try:
        check_ports({"API": port, "web pages": site_port, "demo site": demo_port})
    except PortTaken as exc:
        print(f"make run: {exc}", file=sys.stderr, flush=True)
        return 1
    done = threading.Event()
    _stop_when_orphaned(done)
    started: list[Part] = []  # how to stop each part, in start order

    def stop(*_: Any) -> None:
        if done.is_set():
            return
        done.set()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the save
        for part in reversed(started):
            part.stop()

    # The handler only unwinds the main thread; ``finally`` stops everything from there (a
    # stop run inside the handler could not reap chalice: the interrupted wait holds its lock).
    signal.signal(signal.SIGTERM, _exit_on_term)
    # `kill -USR1` prints where every thread is: how to see why a stop hangs.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        chalice = _start(port, site_port, demo_port, started)
        return wait_awake(chalice)
    except (KeyboardInterrupt, SystemExit):
        return 0
    except Exception as exc:
        print(f"make run: the stack did not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        stop()
        _leave_no_thread_behind()


def wait_awake(process: subprocess.Popen[bytes]) -> int:
    """``process.wait()`` that still lets SIGTERM and Ctrl-C in.

    A plain wait blocks the main thread in ``waitpid``. The kernel may hand the signal to
    any other thread (the event runner's, moto's), and then nothing wakes the main thread,
    where Python runs signal handlers: the stack ignored the signal until chalice exited,
    which it never did. Short sleeps bring the main thread back to Python every 0.2 s.
    """
    while process.poll() is None:
        time.sleep(0.2)
    return process.returncode


def _exit_on_term(*_: Any) -> None:
    print("stopping: SIGTERM received", file=sys.stderr, flush=True)
    sys.exit(0)


@dataclass
class Part:
    """One running part of the stack and how to stop it, within a bound: a part that hangs
    on a loaded machine is named and left behind instead of holding the whole stop."""

    name: str
    undo: Callable[[], None]
    timeout: float = 30.0

    def stop(self) -> bool:
        """True when the part stopped (or failed) within its bound."""
        began = time.monotonic()
        failed: list[BaseException] = []

        def run() -> None:
            try:
                self.undo()
            except Exception as exc:  # stop the rest regardless
                failed.append(exc)

        worker = threading.Thread(target=run, daemon=True, name=f"stop-{self.name}")
        worker.start()
        worker.join(self.timeout)
        took = time.monotonic() - began
        if worker.is_alive():
            print(f"stopping {self.name}: still busy after {took:.0f} s; going on", file=sys.stderr)
            return False
        if failed:
            exc = failed[0]
            print(f"stopping {self.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        elif took > 2:
            print(f"stopped {self.name} in {took:.1f} s", file=sys.stderr, flush=True)
        return True


def _leave_no_thread_behind() -> None:
    """Python waits for live non-daemon threads at exit: name them and exit without them, so
    a stuck library thread cannot keep a stopped stack's process alive."""
    stuck = [t.name for t in threading.enumerate() if not t.daemon and t.is_alive()]
    stuck = [name for name in stuck if name != threading.main_thread().name]
    if stuck:
        print(f"exiting past threads that did not end: {', '.join(stuck)}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _start(
    port: int, site_port: int, demo_port: int, started: list[Part]
) -> subprocess.Popen[bytes]:
    """Start each part, noting in ``started`` how to stop it; returns ``chalice local``."""
    stack = load_stack()
    own_moto = not os.environ.get("AWS_ENDPOINT_URL")
    if own_moto:
        moto_port = free_port(avoid={port, site_port, demo_port})
        moto = start_moto(moto_port)
        started.append(Part("moto (local AWS)", moto.stop))
        endpoint = f"http://127.0.0.1:{moto_port}"
        print(f"moto server (local AWS) on {endpoint}", flush=True)
    else:
        endpoint = os.environ["AWS_ENDPOINT_URL"]
    env = stack_env(endpoint, stack)
    os.environ.update(env)
    env |= _provision(stack, port)
    _quiet_logs()
    runner = _start_runner(env)
    keeper = None
    if own_moto:  # another emulator keeps its own data
        print(restore(stack["tableName"], STATE_FILE, runner), flush=True)
        keeper = Keeper(stack["tableName"], STATE_FILE, runner)
    else:
        runner.start_at_latest()
    runner.start()

    def stop_pipeline() -> None:
        runner.stop()
        runner.join(timeout=30)  # each worker ends its batch before the last save
        if keeper is not None:
            keeper.stop()
            saved = keeper.save(force=True)
            print(f"saved {saved} items to {STATE_FILE}", flush=True)

    started.append(Part("event pipeline and last save", stop_pipeline, timeout=150))
    if keeper is not None:
        keeper.start()

    from chalicelib.context import get_context

    api = f"http://127.0.0.1:{port}/v1"
    creds = _credentials(get_context(), api, endpoint, stack)
    CREDENTIALS_FILE.write_text(json.dumps(creds, indent=2))
    pages = _serve_pages(creds, site_port, demo_port)
    for server in pages["servers"]:
        started.append(Part(f"web pages on port {server.server_address[1]}", server.shutdown))

    chalice = chalice_local(
        port,
        {**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=die_with_parent(os.getpid()),
    )
    started.append(Part("chalice local", partial(_stop_process, chalice)))
    assert chalice.stdout is not None
    threading.Thread(target=_relay, args=(chalice.stdout,), daemon=True, name="api-log").start()
    wait_for_health(f"{api}/health", process=chalice)
    _settle(runner)
    if keeper is not None:
        keeper.save()  # the seed and the new keys are on disk before anyone is told of them
    print(
        json.dumps(
            {
                "ready": api,
                "credentials": str(CREDENTIALS_FILE),
                **pages["urls"],
                "outbox": f"http://127.0.0.1:{port}/local/outbox",
                "tenant": "demo",
                "adminKey": creds["adminKey"],
                "publishableKey": creds["apps"]["web"]["publishableKey"],
            },
            indent=2,
        ),
        flush=True,
    )
    print(
        "Ctrl-C stops everything; the data is kept in .local/ (saved every few seconds).",
        flush=True,
    )
    return chalice


def _settle(runner: Any, timeout: float = 180.0) -> None:
    """Wait for the seed's (or the restored backlog's) events to be handled, so "ready"
    means a new write is not queued behind them; past ``timeout`` say so and go on."""
    deadline = time.monotonic() + timeout
    calm = 0
    while calm < 2:
        calm = calm + 1 if runner.settled() else 0
        if time.monotonic() > deadline:
            print("the event pipeline is still busy; the stack is ready anyway", flush=True)
            return
        time.sleep(0.25)


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to its process group, SIGKILL if it has not gone within 5 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def serve_aws(port: int) -> int:
    """`manage.py local aws`: the patched moto alone, for a preset AWS_ENDPOINT_URL.

    Nothing else starts (no table, no data, no runner): whatever points at it creates what
    it needs, as `make run` does with AWS_ENDPOINT_URL set to this endpoint.
    """
    try:
        check_ports({"local AWS": port})
    except PortTaken as exc:
        print(f"local aws: {exc}", file=sys.stderr, flush=True)
        return 1
    server = start_moto(port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    _stop_when_orphaned(stopped)
    print(
        f"local AWS (moto, patched) on http://127.0.0.1:{port}\n"
        f"  export AWS_ENDPOINT_URL=http://127.0.0.1:{port}   then `make run` uses it\n"
        "Ctrl-C stops it (it keeps nothing: save with `manage.py export --full` first).",
        flush=True,
    )
    try:
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
