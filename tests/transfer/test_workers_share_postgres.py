"""Two `stafett worker` processes on one PostgreSQL database deliver 1,000 outbox items exactly once: the receiver
counts every POST it gets. (SKIP LOCKED claims; runs only when the suite runs on PostgreSQL.)"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from hub.db.engine import make_engine, session_scope
from hub.outbox import service as outbox
from hub.outbox.models import OutboxItem
from tests.processes import Database, WorkerProcess, wait_until

ITEMS = 1000


class CountingReceiver:
    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.counts[body.decode()] += 1
                answer = b'{"status":"stored"}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.postgres_only
def test_two_workers_deliver_a_thousand_items_exactly_once(tmp_path):
    db = Database.fresh(tmp_path, "workers")
    engine = make_engine(db.url)
    receiver = CountingReceiver()
    fast = {"HUB_OUTBOX_BATCH_SIZE": "10", "HUB_OUTBOX_LEASE_SECONDS": "120", "HUB_WORKER_POLL_SECONDS": "0.1"}
    workers = [WorkerProcess(f"w{n}", db, tmp_path / f"w{n}.log", "http://127.0.0.1:1", "1106", env_extra=fast, fast_retries=True) for n in (1, 2)]
    try:
        with session_scope(engine) as session:
            for n in range(ITEMS):
                outbox.enqueue(session, kind="transfer.package", url=receiver.url + "/federation/v1/transfers", body=f"item-{n:04d}".encode())
        for worker in workers:
            worker.start()

        def delivered() -> bool:
            with session_scope(engine, write=False) as session:
                return session.scalar(select(func.count()).where(OutboxItem.status == "delivered")) == ITEMS

        wait_until(delivered, timeout=120, interval=0.2, what=f"{ITEMS} items delivered")
        assert len(receiver.counts) == ITEMS and set(receiver.counts.values()) == {1}  # each item arrived exactly once
        with session_scope(engine, write=False) as session:
            by_worker = dict(session.execute(select(OutboxItem.claimed_by, func.count()).group_by(OutboxItem.claimed_by)).all())
            assert session.scalar(select(func.max(OutboxItem.attempts))) == 1
        assert len(by_worker) == 2 and min(by_worker.values()) > 50, by_worker  # both workers took a real share
    finally:
        for worker in workers:
            worker.stop()
        receiver.close()
        engine.dispose()
        db.drop()
