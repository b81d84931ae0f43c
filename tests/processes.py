"""Real processes, started as users start them: the `stafett` console script (`serve`, `worker`, any command), a database
made by `stafett db upgrade`, production settings (INFO logging, validation workers on); and a loopback fault proxy
in front of a hub that can refuse, fail (5xx) or stall federation calls.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from hub.db.engine import make_engine
from hub.db.migrate import upgrade
from tests.conftest import BACKEND, TEST_SECRETS, create_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]

# The console script of this environment: what `pip install -e .` puts on the PATH.
STAFETT = str(Path(sys.executable).with_name("stafett"))

# Fast retries for transfer fault tests (fast_retries=True): the production defaults are minutes, not fractions of a
# second. Everything else runs on the production defaults.
WORKER_ENV = {
    "HUB_WORKER_POLL_SECONDS": "0.2",
    "HUB_OUTBOX_BACKOFF_SECONDS": "0.2",
    "HUB_OUTBOX_BACKOFF_MAX_SECONDS": "1.0",
    "HUB_OUTBOX_HTTP_TIMEOUT_SECONDS": "2.0",
    "HUB_TRANSFER_HTTP_TIMEOUT_SECONDS": "2.0",
    "HUB_OUTBOX_LEASE_SECONDS": "4",
    "HUB_OUTBOX_MAX_ATTEMPTS": "60",
    "HUB_OUTBOX_BATCH_SIZE": "5",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Database:
    url: str
    pg_name: str | None = None

    @classmethod
    def fresh(cls, folder: Path, label: str, *, by_cli: bool = False) -> Database:
        """A new, migrated database: by the migrations in-process, or (by_cli) by `stafett db upgrade` as an operator
        runs it."""
        if BACKEND == "sqlite":
            db = cls(f"sqlite:///{folder / f'{label}-{uuid.uuid4().hex[:6]}.db'}")
        else:
            name = f"stafett_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            db = cls(create_postgres_database(name), name)
        if by_cli:
            stafett("db", "upgrade", env=env_for(db))
        else:
            upgrade(db.url)
        return db

    def drop(self) -> None:
        if self.pg_name:
            drop_postgres_database(self.pg_name)


def env_for(db: Database, *, fast_retries: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a hub process: this one's without any HUB_ setting, then the database, the suite's secrets
    and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": db.url, "PYTHONUNBUFFERED": "1", **TEST_SECRETS, **(WORKER_ENV if fast_retries else {}), **extra})
    return env


def stafett(*args: str, env: dict[str, str], check: bool = True, timeout: float = 120, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run one `stafett` command as an operator would; with check, fail the test with its output unless it exits 0."""
    done = subprocess.run([STAFETT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"stafett {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


class _Stoppable:
    """SIGKILL (`kill`) or SIGTERM with a 10 s grace (`stop`) for a process started into `self.proc`."""

    proc: subprocess.Popen | None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class HubProcess(_Stoppable):
    """`stafett serve` on a loopback port, reachable at `url`, known to the world as `public_url`."""

    name: str
    db: Database
    municipality: str
    log: Path
    port: int = field(default_factory=free_port)
    public_url: str | None = None
    env_extra: dict[str, str] = field(default_factory=dict)
    fast_retries: bool = False
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = env_for(self.db, fast_retries=self.fast_retries, HUB_MUNICIPALITY=self.municipality,
                      HUB_PUBLIC_URL=self.public_url or self.url, HUB_HUB_NAME=self.name, **self.env_extra)
        out = open(self.log, "ab")  # noqa: SIM115 - kept open for the process's life
        self.proc = subprocess.Popen([STAFETT, "serve", "--port", str(self.port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_until(self._healthy, timeout=timeout, interval=0.1, what=f"hub {self.name} /healthz")

    def _healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"hub {self.name} exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
        try:
            return httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def engine(self):
        return make_engine(self.db.url)


@dataclass
class WorkerProcess(_Stoppable):
    name: str
    db: Database
    log: Path
    public_url: str
    municipality: str
    env_extra: dict[str, str] = field(default_factory=dict)
    fast_retries: bool = False
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = env_for(self.db, fast_retries=self.fast_retries, HUB_PUBLIC_URL=self.public_url, HUB_MUNICIPALITY=self.municipality, **self.env_extra)
        out = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen([STAFETT, "worker"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


class FaultProxy:
    """A loopback HTTP proxy. Federation calls (/federation/...) follow `script`, one step per call, then `mode`:
    pass, refuse (close without answer), error (503), stall (forward, then answer too late), hold (wait until
    released, then forward). Everything else always passes."""

    def __init__(self, target: str):
        self.target = target
        self.mode = "pass"
        self.script: list[str] = []
        self.stall_seconds = 3.0
        self.seen: list[tuple[str, str]] = []  # (path, step) of each federation call
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.http = httpx.Client(timeout=30.0)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                step = proxy.next_step(self.path) if self.path.startswith("/federation/") else "pass"
                if step == "refuse":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if step == "error":
                    self._answer(503, b'{"title":"Service Unavailable"}', "application/json")
                    return
                if step == "hold":
                    proxy.released.wait(timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                try:
                    response = proxy.http.request(self.command, proxy.target + self.path, content=body, headers=headers)
                except httpx.HTTPError:
                    self._answer(502, b'{"title":"Bad Gateway"}', "application/json")
                    return
                if step == "stall":
                    time.sleep(proxy.stall_seconds)  # the answer comes after the sender has given up
                self._answer(response.status_code, response.content, response.headers.get("content-type", "application/json"))

            def _answer(self, status: int, body: bytes, media_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", media_type)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            do_GET = do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def next_step(self, path: str) -> str:
        with self.lock:
            step = self.script.pop(0) if self.script else self.mode
            self.seen.append((path, step))
            return step

    def reset(self) -> None:
        with self.lock:
            self.mode, self.script = "pass", []
            self.released.set()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.http.close()
