"""`stafett orgs add|list` on a real database: an operator registers the first organisation of an empty hub (then its
client), the organisations service checks organisasjonsnummer, kommunenummer and identifiers, and the add is audited.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from hub.audit.models import AuditEvent
from hub.db.engine import session_scope
from hub.organizations.models import Organization
from tests.auth_helpers import client_key
from tests.cli.helpers import one_line_error, stafett

RESH = "urn:oid:2.16.578.1.12.4.1.4.102"


def test_an_empty_hub_gets_an_organisation_then_a_client(db_url, engine, tmp_path):
    added = stafett("orgs", "add", "--name", "Barneverntjenesten i Haugesund", "--sector", "child_welfare",
                    "--orgnr", "944117784", "--kommunenummer", "1106", "--identifier", f"{RESH}|4001031",
                    HUB_DATABASE_URL=db_url)
    assert added.returncode == 0, added.stderr
    organization_id = uuid.UUID(added.stdout.removeprefix("organisation_id: ").strip())
    with session_scope(engine, write=False) as session:
        org = session.get(Organization, organization_id)
        assert (org.name, org.sector, org.orgnr, org.kommunenummer) == ("Barneverntjenesten i Haugesund", "child_welfare", "944117784", "1106")
        assert [(i.system, i.value) for i in org.identifiers] == [(RESH, "4001031")]
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "organization.create")).all()
        assert [(e.actor_kind, e.reason) for e in events] == [("system", str(organization_id))]
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [client_key("k1").as_dict(private=False)]}))
    client = stafett("clients", "add", "--org", "944117784", "--scopes", "ingest", "--jwks", str(jwks), HUB_DATABASE_URL=db_url)
    assert client.returncode == 0 and client.stdout.startswith("client_id: stafett-"), client.stderr
    listed = stafett("orgs", "list", HUB_DATABASE_URL=db_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0] == "Barneverntjenesten i Haugesund"
    for shown in (str(organization_id), "child_welfare", "944117784", "1106", f"{RESH}|4001031"):
        assert shown in listed.stdout  # in full, at 80 columns
    assert "no organisations in 1146" in stafett("orgs", "list", "--kommunenummer", "1146", HUB_DATABASE_URL=db_url).stdout


@pytest.mark.parametrize(
    "args,needles",
    [
        (("--orgnr", "944117785"), ("--orgnr", "invalid organisasjonsnummer '944117785'")),
        (("--orgnr", "94411778"), ("--orgnr", "invalid organisasjonsnummer")),
        (("--kommunenummer", "11O6"), ("--kommunenummer", "invalid kommunenummer")),
        (("--sector", "hospital"), ("--sector 'hospital'", "health, school, kindergarten, child_welfare")),
        (("--identifier", "4001031"), ("--identifier", "<system>|<value>")),
        (("--identifier", "urn:oid:2.16.578.1.12.4.1.4.101|944117785"), ("--identifier", "invalid organisasjonsnummer")),
    ],
    ids=["check-digit", "length", "kommunenummer", "sector", "identifier-form", "identifier-orgnr"],
)
def test_orgs_add_refuses_bad_input_in_one_line(db_url, engine, args, needles):
    base = {"--name": "Haugesund helsestasjon", "--sector": "health", "--kommunenummer": "1106"}
    base.update(dict(zip(args[::2], args[1::2])))
    result = stafett("orgs", "add", *[part for pair in base.items() for part in pair], HUB_DATABASE_URL=db_url)
    assert result.returncode == 2
    one_line_error(result, *needles)
    with session_scope(engine, write=False) as session:
        assert session.scalars(select(Organization)).all() == []


def test_a_second_organisation_with_the_same_number_is_refused(db_url):
    args = ("orgs", "add", "--name", "Haugesund helsestasjon", "--sector", "health", "--orgnr", "944117784")
    assert stafett(*args, HUB_DATABASE_URL=db_url).returncode == 0
    again = stafett(*args, HUB_DATABASE_URL=db_url)
    one_line_error(again, "already exists", "944117784")
