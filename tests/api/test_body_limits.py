"""Body caps and the token gate on a served hub: a body is refused with 413 as soon as it passes its route's cap
(declared or streamed), a request without a valid token gets 401 before any of its body is read; memory stays flat.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.api.served import Served, start_served, stop_served

MB = 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, oidc_key) -> Iterator[Served]:
    served = start_served(tmp_path_factory.mktemp("edges"), oidc_key)
    yield served
    stop_served(served)


def _answer_to_headers_only(served: Served, path: str, *, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, dict]:
    """Send a POST's head with a Content-Length but not one byte of its body; the answer must come all the same
    (a server waiting for the body makes this time out)."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{served.hub.port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", served.hub.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pytest.fail(f"no answer to {path} within {timeout}s: the server waits for the body")
    status_line, rest = data.split(b"\r\n", 1)
    return int(status_line.split()[1]), json.loads(rest.split(b"\r\n\r\n", 1)[1])


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 62


def _stream(total: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """A chunked body of `total` bytes: an opening JSON brace and then blanks (valid JSON as far as it gets)."""
    yield b'{"x": "'
    block = b" " * chunk
    sent = 0
    while sent < total:
        yield block
        sent += chunk


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwdw=="])
def test_without_a_valid_token_the_answer_is_401_before_any_body_is_read(served: Served, authorization) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": "1000"}
    if authorization:
        headers["Authorization"] = authorization
    status, body = _answer_to_headers_only(served, "/api/v1/cases", headers=headers)
    assert status == 401, body
    assert body["status"] == 401 and body["type"].endswith("/unauthorized")


def test_a_declared_length_over_the_cap_is_refused_before_the_body(served: Served) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(300 * MB), "Authorization": f"Bearer {served.system.token}"}
    status, body = _answer_to_headers_only(served, "/api/v1/cases", headers=headers)
    assert status == 413 and body["type"].endswith("/payload-too-large"), body
    assert str(1 * MB) in body["detail"]
    # Without a token the size is refused first: nothing about the caller is looked at for a body this large.
    status, body = _answer_to_headers_only(served, "/api/v1/cases", headers={"Content-Length": str(300 * MB)})
    assert status == 413, body


@pytest.mark.parametrize(
    "path,content_type,cap,fhir",
    [
        ("/api/v1/cases", "application/json", 1 * MB, False),
        ("/api/v1/ingest/fhir-r4", "application/fhir+json", 20 * MB, False),
        ("/fhir", "application/fhir+json", 20 * MB, True),
    ],
)
def test_a_streamed_body_is_refused_once_over_its_cap_fast_and_memory_stays_flat(served: Served, path, content_type, cap, fhir) -> None:
    before = served.rss_kib()
    started = time.monotonic()
    response = served.http.post(
        path, content=_stream(300 * MB), headers={"Content-Type": content_type, "Authorization": f"Bearer {served.system.token}"}
    )
    took = time.monotonic() - started
    assert response.status_code == 413, response.text
    if fhir:
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "too-costly"
    else:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert str(cap) in response.json()["detail"]
    grown_mib = (served.rss_kib() - before) / 1024
    print(f"{path}: 413 after {took:.2f} s, the served hub grew by {grown_mib:.1f} MiB")
    # 300 MB read whole took 12.8 s and grew the process by 741-1,071 MB; the cap reads at most `cap` bytes.
    assert took < 10, f"refused after {took:.1f}s"
    assert grown_mib < 2 * cap / MB + 60, f"the served hub grew by {grown_mib:.0f} MiB"


def test_without_a_token_a_streamed_body_is_not_read(served: Served) -> None:
    before = served.rss_kib()
    response = served.http.post("/api/v1/cases", content=_stream(300 * MB), headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert (served.rss_kib() - before) / 1024 < 30


def test_a_body_under_the_cap_is_read_and_answered(served: Served) -> None:
    response = served.system.post("/api/v1/cases", json={"child_id": "not-a-uuid"})
    assert response.status_code == 422, response.text
