"""What a domain's tasks.py declares for the worker: its JOBS (Job: id, function, interval from the settings, when
it runs), this process's worker id, and the stop event that long jobs watch to end early.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine

from hub.core.settings import Settings

# Set when the worker is asked to stop: a job in a loop finishes the piece in hand and takes no new one.
stopping = threading.Event()


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Job:
    """A scheduled job: `run(engine, settings)` every `every(settings)` seconds, at most one instance at a time."""

    id: str
    run: Callable[[Engine, Settings], object]
    every: Callable[[Settings], float]
    at_start: bool = False  # due when a worker starts (so `stafett worker --once` runs it)
    at_stop: bool = False  # run once more when a worker stops cleanly
    enabled: Callable[[Settings], bool] = _always  # scheduled only when this holds for the settings


@lru_cache(maxsize=1)
def worker_id() -> str:
    """This worker process's name in the claims it makes: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
