"""Validation of a FHIR JSON payload with fhir.resources R4B and the hub's structural checks: in the caller's thread,
or in a worker process while the pipeline maps and writes the same payload (its verdict is awaited before anything
commits).

Workers are plain child processes (python -m adapters.fhir_r4.validation_worker) fed over their stdin/stdout by
the request's own thread, so no helper thread has to win the GIL before a payload reaches them; a request that finds
no idle worker, or whose worker died, validates in its own thread.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from adapters.fhir_r4.checks import check_payload
from adapters.fhir_r4.codes import CodeNotInValueSet, check_codes
from hub.core.errors import PayloadRejected

log = logging.getLogger("hub.fhir.validation")
WARM_UP = b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient"}}]}'


def model_for(resource_type: Any) -> type[Any]:
    if not isinstance(resource_type, str) or not resource_type:
        raise PayloadRejected("resourceType is missing or not a string")
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        raise PayloadRejected(f"resourceType {resource_type!r} is not an R4 resource type") from None


def _describe(error: ValidationError, resource_type: str) -> str:
    problems = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item.get("loc", ())) or resource_type
        problems.append(f"{resource_type}.{where}: {item.get('msg')}")
    more = error.error_count() - len(problems)
    return "invalid FHIR resource: " + "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def problem_of(data: dict[str, Any]) -> PayloadRejected | None:
    """Why fhir.resources R4B refuses the payload, or else why the structural checks or the required bindings do;
    None when it is valid."""
    resource_type = data.get("resourceType")
    try:
        model_for(resource_type).model_validate(data)
        check_payload(data)
        check_codes(data)
    except PayloadRejected as exc:
        return exc
    except ValidationError as exc:
        return PayloadRejected(_describe(exc, str(resource_type)))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return PayloadRejected(f"invalid FHIR {resource_type}: {exc}")
    return None


def encode_problem(problem: PayloadRejected) -> tuple[int, bytes]:
    """A refusal as the worker answers it: (status, message)."""
    if isinstance(problem, CodeNotInValueSet):
        return CODE_INVALID, json.dumps([problem.detail, problem.location]).encode()
    return INVALID, problem.detail.encode()


def decode_problem(status: int, message: str) -> PayloadRejected:
    if status == CODE_INVALID:
        detail, location = json.loads(message)
        return CodeNotInValueSet(detail, location=location)
    return PayloadRejected(message)


def problem_of_json(text: bytes) -> PayloadRejected | None:
    """problem_of() for JSON text (runs in the worker process, while the hub's own loader reads the same text: where
    that loader refuses it, this answer is dropped)."""
    return problem_of(json.loads(text))


def validate(data: dict[str, Any]) -> None:
    """Validate in this thread; a fault becomes PayloadRejected naming it."""
    problem = problem_of(data)
    if problem is not None:
        raise problem


REQUEST = struct.Struct(">Q")  # payload length, then the JSON text
ANSWER = struct.Struct(">BI")  # status, message length, then the message (UTF-8)
VALID, INVALID, FAILED, CODE_INVALID = 0, 1, 2, 3


class _Worker:
    """One worker process and its pipes; used by one request at a time."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the folder holding the adapters package
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.fhir_r4.validation_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path},
        )
        assert self.process.stdin is not None and self.process.stdout is not None  # both are PIPEs
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout

    def send(self, text: bytes) -> None:
        self.stdin.write(REQUEST.pack(len(text)) + text)
        self.stdin.flush()

    def receive(self) -> PayloadRejected | None:
        header = self.stdout.read(ANSWER.size)
        if len(header) < ANSWER.size:
            raise EOFError("validation worker stopped")
        status, size = ANSWER.unpack(header)
        message = self.stdout.read(size).decode()
        if status == FAILED:
            raise RuntimeError(f"the FHIR validator failed ({message})")
        return None if status == VALID else decode_problem(status, message)

    def stop(self) -> None:
        self.process.kill()
        self.close()

    def close(self) -> None:
        """Close the pipes (an idle worker then stops on its own) and wait for the process."""
        self.stdin.close()
        self.process.wait(timeout=5)
        self.stdout.close()


class _Workers:
    """Up to `size` workers; a request finding none idle validates in its own thread rather than queue."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.started = 0
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()

    def checkout(self) -> _Worker | None:
        with self.lock:
            if self.idle:
                return self.idle.pop()
            if self.started >= self.size:
                return None
            self.started += 1
        try:
            return _Worker()
        except OSError:
            log.warning("could not start a validation worker; validating in the request's thread")
            self.discard(None)
            return None

    def checkin(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def discard(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.stop()
        with self.lock:
            self.started -= 1

    def warm_up(self) -> None:
        workers = [w for w in (self.checkout() for _ in range(self.size)) if w is not None]
        for worker in workers:
            self.checkin(worker)


class Verdict:
    """The outcome of one payload's validation; wait() raises PayloadRejected when the payload is not valid."""

    def __init__(self, data: dict[str, Any] | None, worker: _Worker | None = None, workers: _Workers | None = None):
        self._data = data
        self._worker, self._workers = worker, workers
        self._problem: PayloadRejected | None = problem_of(data) if worker is None and data is not None else None

    def for_data(self, data: dict[str, Any]) -> Verdict:
        """Give a verdict started on JSON text (start_on_text) the data the caller's loader read from it; without a
        worker, validation happens now, in this thread."""
        self._data = data
        if self._worker is None:
            self._problem = problem_of(data)
        return self

    def abandon(self) -> None:
        """The caller's loader refused the text: its worker's answer is read and dropped, and the worker is free."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        pool = self._pool()
        try:
            worker.receive()
        except (OSError, EOFError):
            pool.discard(worker)
            return
        except RuntimeError:
            pass  # the worker's own loader refused it too
        pool.checkin(worker)

    def _pool(self) -> _Workers:
        assert self._workers is not None, "a verdict with a worker has its pool"
        return self._workers

    @contextmanager
    def overrules_faults(self) -> Iterator[None]:
        """A fault inside first waits for the verdict: an invalid payload is reported as such, not by whatever its
        bad shape broke further on."""
        try:
            yield
        except BaseException:
            self.wait()
            raise

    def wait(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            pool = self._pool()
            try:
                self._problem = worker.receive()
            except (OSError, EOFError):
                log.warning("validation worker died; validating in the request's thread")
                pool.discard(worker)
                if self._data is None:  # started on text, and the loader's data never handed over
                    raise RuntimeError("the FHIR validator has no data to validate") from None
                self._problem = problem_of(self._data)
            except RuntimeError:
                pool.checkin(worker)
                raise
            else:
                pool.checkin(worker)
        if self._problem is not None:
            raise self._problem


_pools: dict[int, _Workers] = {}
_pools_lock = threading.Lock()


@atexit.register
def _stop_idle_workers() -> None:
    """Close the idle workers' pipes at exit (they would stop on their own when the pipes close with the process)."""
    for pool in list(_pools.values()):
        for worker in pool.idle:
            worker.close()


def _workers(size: int) -> _Workers:
    with _pools_lock:
        return _pools.setdefault(size, _Workers(size))


def pool_state(workers: int) -> tuple[int, int]:
    """(started, busy) of the pool of `workers` processes: (0, 0) while none was started."""
    with _pools_lock:
        pool = _pools.get(workers)
    if pool is None:
        return 0, 0
    with pool.lock:
        return pool.started, max(0, pool.started - len(pool.idle))


def warm_up(workers: int) -> None:
    """Start the worker processes now rather than on the first payload (no-op for workers <= 0)."""
    if workers > 0:
        _workers(workers).warm_up()


def _sent(json_text: bytes, workers: int) -> tuple[_Worker, _Workers] | None:
    """An idle worker that has been handed `json_text`, with its pool; None when there is none (or it died)."""
    if workers <= 0:
        return None
    pool = _workers(workers)
    worker = pool.checkout()
    if worker is None:
        return None
    try:
        worker.send(json_text)
    except OSError:
        log.warning("validation worker died; validating in the request's thread")
        pool.discard(worker)
        return None
    return worker, pool


def start(data: dict[str, Any], *, workers: int) -> Verdict:
    """Begin validating decoded `data` (an XML payload read into FHIR JSON): in a worker process when workers > 0
    and one is idle, else now, in this thread."""
    sent = _sent(json.dumps(data, ensure_ascii=False).encode(), workers) if workers > 0 else None
    return Verdict(data) if sent is None else Verdict(data, *sent)


def start_on_text(json_text: bytes, *, workers: int) -> Verdict:
    """Begin validating JSON text before the caller's own loader has read it, so that both run at once. The caller
    then hands over what its loader read (Verdict.for_data), or abandon()s the verdict when its loader refused the
    text: the hub's loader is the judge of the JSON itself (NaN, duplicate keys, depth), the worker only of FHIR."""
    sent = _sent(json_text, workers)
    return Verdict(None) if sent is None else Verdict(None, *sent)
