"""What the listing commands print in an 80-column shell (ids never cut, failure reasons whole), and `stafett transfer
bulk` failing (non-zero, with every reason) when cases are refused.
"""

from __future__ import annotations

import re
import uuid

from hub.db.engine import session_scope
from hub.transfer.models import Transfer
from tests.cli.helpers import stafett
from tests.transfer.scenario import ALL_SCOPES, simple_case

LONG_NAME = "Pedagogisk-psykologisk tjeneste for Haugesund, Bokn, Tysvær, Utsira og Vindafjord interkommunale"
FAILURE = ("the destination hub answered HTTP 400 after ten attempts: the package was sealed to a key the destination "
           "no longer holds; fetch its keys again with stafett peers refresh and retry the delivery")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_clients_list_shows_every_client_id_in_full_at_80_columns(callers, db_url):
    ids = [callers.system(LONG_NAME, "ppt", scopes=(*ALL_SCOPES, "handover.read", "admin")).client_id for _ in range(2)]
    listed = stafett("clients", "list", HUB_DATABASE_URL=db_url, COLUMNS="80")
    assert listed.returncode == 0, listed.stderr
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    for client_id in ids:
        assert client_id in listed.stdout


def test_transfer_list_shows_ids_and_failure_reasons_whole_at_80_columns(db_url, engine):
    rows = [Transfer(transfer_id=uuid.uuid4(), direction="outgoing", origin_hub="http://a", peer_url="http://b",
                     origin_municipality="1106", destination_municipality="1146", status=status, failure=failure)
            for status, failure in (("failed", FAILURE), ("pending", None))]
    with session_scope(engine) as session:
        session.add_all(rows)
    listed = stafett("transfer", "list", HUB_DATABASE_URL=db_url, COLUMNS="80")
    assert listed.returncode == 0, listed.stderr
    for row in rows:
        assert str(row.id) in listed.stdout
    assert FAILURE in words(listed.stdout)
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80


def test_bulk_fails_and_names_every_refused_case(callers, db_url):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=ALL_SCOPES)
    built = [simple_case(clinic, entries=1, consent=False) for _ in range(3)]
    result = stafett("transfer", "bulk", "--to", "1146", "--from", "1106", HUB_DATABASE_URL=db_url,
                     HUB_PUBLIC_URL="http://127.0.0.1:8000", COLUMNS="200")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "transfers created: 0; refused: 3" in result.stdout
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused ")]
    assert sorted(line.split()[1].rstrip(":") for line in refused) == sorted(b.case_id for b in built)
    assert all("may not be transferred" in line for line in refused)
    assert "error: 3 of 3 cases refused" in result.stderr and "Traceback" not in result.stderr


def test_bulk_with_nothing_to_move_succeeds(db_url):
    result = stafett("transfer", "bulk", "--to", "1146", "--from", "1106", HUB_DATABASE_URL=db_url)
    assert result.returncode == 0, result.stderr
    assert "no open cases of 1106 to transfer" in result.stdout
