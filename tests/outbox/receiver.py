"""A real HTTP receiver on loopback for outbox tests: answers each POST to a path with the next status of that path's
script (200 once the script is used up) and keeps what it received."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedReceiver:
    def __init__(self, scripts: dict[str, list[int]] | None = None):
        self.scripts = {path: list(statuses) for path, statuses in (scripts or {}).items()}
        self.received: dict[str, list[tuple[bytes, dict[str, str]]]] = defaultdict(list)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.received[self.path].append((body, dict(self.headers)))
                    script = receiver.scripts.get(self.path) or []
                    status = script.pop(0) if script else 200
                answer = json.dumps({"status": status, "detail": f"answered {status}"}).encode()
                self.send_response(status)
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
