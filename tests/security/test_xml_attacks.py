"""The defusedxml attack corpus and our own XXE payloads pushed through the real ingest API of every XML format:
each is refused with a 4xx, nothing is stored, no connection leaves the hub, no file is read. How fast a refusal is
gets measured by bench/xml_attacks.py, not asserted here.
"""

from __future__ import annotations

import threading
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.db.models import metadata
from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared, shared_files

FORMATS = ("sif-au", "kindergarten-v1", "ssb-barnevern", "uk-cin")
CORPUS = [p for p in shared_files("attacks", "xml-defusedxml") if p.name not in ("LICENSE", "SOURCE.txt")]
ROOTS = {  # a root element each format would otherwise accept, so the attack sits where real content goes
    "sif-au": '<StudentPersonal xmlns="http://www.sifassociation.org/datamodel/au/3.4" RefId="0E8C1E4A-6C1B-4B0B-9E57-3F2A51C0B001">',
    "kindergarten-v1": '<TransitionReport xmlns="urn:stafett:kindergarten:v1" reportId="x" version="1.0">',
    "ssb-barnevern": '<Barnevern Id="1b1907ef-2080-42c8-b704-3b33bf0b0982" DatoUttrekk="2021-01-01T13:22:00+01:00">',
    "uk-cin": "<Message>",
}


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with a DTD/entity body and remembers the path, so any fetch is visible."""

    seen: list[str] = []

    def do_GET(self) -> None:  # http.server naming
        self.seen.append(self.path)
        body = b'<!ENTITY leak "FETCHED-FROM-LOOPBACK">'
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sender(callers):
    return callers.system("Angriper AS", "other", scopes=("ingest",))


def push(sender, format_id: str, payload: bytes):
    return sender.post(f"/api/v1/ingest/{format_id}", content=payload, headers={"content-type": "application/xml"})


def database_text(engine) -> str:
    """Every row of every table as text (raw payloads included), to search for leaked content."""
    with engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for t in metadata.sorted_tables for row in conn.execute(select(t)))


def test_the_corpus_is_there():
    require_shared("attacks", "xml-defusedxml")
    assert {p.name for p in CORPUS} >= {"xmlbomb.xml", "quadratic.xml", "external.xml", "cyclic.xml"}


@pytest.mark.parametrize("format_id", FORMATS)
def test_every_corpus_file_is_refused_and_stores_nothing(sender, engine, format_id):
    before = row_counts(engine)
    for path in CORPUS:
        response = push(sender, format_id, path.read_bytes())
        assert 400 <= response.status_code < 500, (path.name, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"], path.name
    assert row_counts(engine) == before


def _xxe_payloads(root: str, base: str, secret_file: Path) -> dict[str, bytes]:
    """Entity attacks inside a root the format accepts: network (loopback) and local file, incl. an exfiltrating
    external DTD written next to the secret."""
    closing = "</" + root[1:].split()[0].rstrip(">") + ">"
    file_url = secret_file.as_uri()
    evil_dtd = secret_file.with_name("evil.dtd")
    evil_dtd.write_text(f'<!ENTITY % file SYSTEM "{file_url}">\n<!ENTITY % wrap "<!ENTITY all \'%file;\'>">\n%wrap;\n')
    bodies = {
        "external-entity-http": (f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{base}/entity.xml">]>', "&ee;"),
        "external-entity-file": (f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{file_url}">]>', "&ee;"),
        "parameter-entity-http": (f'<!DOCTYPE r [<!ENTITY % pe SYSTEM "{base}/param.dtd"> %pe;]>', "&leak;"),
        "external-dtd-http": (f'<!DOCTYPE r SYSTEM "{base}/external.dtd">', ""),
        "external-dtd-public": (f'<!DOCTYPE r PUBLIC "-//X//Y//EN" "{base}/public.dtd">', ""),
        "external-dtd-file-exfiltration": (f'<!DOCTYPE r SYSTEM "{evil_dtd.as_uri()}">', "&all;"),
    }
    return {name: f'<?xml version="1.0"?>\n{doctype}\n{root}{use}{closing}'.encode() for name, (doctype, use) in bodies.items()}


def test_the_file_payloads_are_live_attacks_against_an_unhardened_parser(tmp_path):
    """The control for the fixtures: lxml with entity resolution on does read the secret file."""
    from lxml import etree

    secret_file = tmp_path / "secret.xml"
    secret_file.write_text("<s>SECRET-CONTROL</s>")
    payloads = _xxe_payloads(ROOTS["sif-au"], "http://127.0.0.1:9", secret_file)
    for name in ("external-entity-file", "external-dtd-file-exfiltration"):
        unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
        root = etree.fromstring(payloads[name], unsafe)
        assert "SECRET-CONTROL" in etree.tostring(root, encoding="unicode"), name


@pytest.mark.parametrize("format_id", FORMATS)
def test_xxe_reaches_neither_the_network_nor_the_disk(sender, engine, loopback, tmp_path, format_id):
    base, seen = loopback
    secret = f"SECRET-{uuid.uuid4().hex}"
    secret_file = tmp_path / "secret.xml"
    secret_file.write_text(f"<s>{secret}</s>")
    before = row_counts(engine)
    for name, payload in _xxe_payloads(ROOTS[format_id], base, secret_file).items():
        response = push(sender, format_id, payload)
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        assert secret not in response.text and "FETCHED-FROM-LOOPBACK" not in response.text, name
    assert row_counts(engine) == before
    assert seen == [], f"the hub fetched {seen}"
    assert secret not in database_text(engine)
    # The control: the recorder does see a request when one is made.
    urllib.request.urlopen(f"{base}/control", timeout=5).read()
    assert seen == ["/control"]


@pytest.mark.parametrize("format_id", ["sif-au", "kindergarten-v1"])
def test_xinclude_and_schema_location_are_never_followed(sender, engine, loopback, format_id):
    """No DOCTYPE here: the document may be refused or stored as raw bytes, but nothing is fetched or expanded."""
    base, seen = loopback
    root = ROOTS[format_id].replace(">", f' xmlns:xi="http://www.w3.org/2001/XInclude" '
                                          f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                                          f'xsi:schemaLocation="urn:x {base}/schema.xsd">', 1)
    closing = "</" + ROOTS[format_id][1:].split()[0] + ">"
    payload = f'<?xml version="1.0"?>\n{root}<xi:include href="{base}/include.xml" parse="text"/>{closing}'.encode()
    response = push(sender, format_id, payload)
    assert response.status_code < 500
    assert seen == [] and "FETCHED-FROM-LOOPBACK" not in database_text(engine)
