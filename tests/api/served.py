"""One `stafett serve` process on a fresh database for the edge tests of this package, with a system client that
holds every scope, and the process's resident memory read from /proc.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.auth_helpers import Caller, Callers
from tests.processes import Database, HubProcess


@dataclass
class Served:
    hub: HubProcess
    http: httpx.Client
    system: Caller
    folder: Path

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.hub.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc status")


def start_served(folder: Path, oidc_key, **env: str) -> Served:
    db = Database.fresh(folder, "edges")
    hub = HubProcess("edges", db, "1106", folder / "edges.log", env_extra=env)
    hub.start()
    http = httpx.Client(base_url=hub.url, timeout=30.0)
    callers = Callers(http, hub.engine(), oidc_key)
    return Served(hub, http, callers.system(), folder)


def stop_served(served: Served) -> None:
    served.http.close()
    served.hub.stop()
    served.hub.db.drop()
