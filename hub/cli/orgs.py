"""`stafett orgs add|list`: register the organisations (services) of a hub's municipality, through the organisations
service and its checks (organisasjonsnummer mod-11, kommunenummer, identifiers as system|value); audited as the API.
"""

from __future__ import annotations

import typer
from pydantic import ValidationError

from hub.audit import service as audit
from hub.canonical.vocab import Sector
from hub.cli.common import database, fail, print_record
from hub.core.errors import HubError
from hub.organizations import service
from hub.organizations.schemas import OrganizationCreate

app = typer.Typer(help="Organisations (services) whose systems use the hub.", no_args_is_help=True)

SECTORS = ", ".join(s.value for s in Sector)


def _identifier(text: str) -> dict[str, str]:
    system, bar, value = text.partition("|")
    if not bar or not system.strip() or not value.strip():
        fail(f"--identifier {text!r}: give it as <system>|<value> (a URI, a bar, the value)")
    return {"system": system, "value": value}


def _validation_message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    if field == "sector":
        return f"--sector {error['input']!r}: give one of {SECTORS}"
    option = {"orgnr": "--orgnr", "kommunenummer": "--kommunenummer", "name": "--name"}.get(field, "--identifier")
    return f"{option}: {error['msg'].removeprefix('Value error, ')}"


@app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="the organisation's name"),
    sector: str = typer.Option(..., "--sector", help=f"one of: {SECTORS}"),
    orgnr: str = typer.Option(None, "--orgnr", help="organisasjonsnummer (9 digits, mod-11 check digit)"),
    kommunenummer: str = typer.Option(None, "--kommunenummer", help="the municipality it belongs to (4 digits)"),
    identifier: list[str] = typer.Option([], "--identifier", help="another identifier as <system>|<value> (repeat)"),
) -> None:
    """Register an organisation and print its id."""
    try:
        data = OrganizationCreate(
            name=name, sector=sector, orgnr=orgnr, kommunenummer=kommunenummer,
            identifiers=[_identifier(text) for text in identifier],
        )
    except ValidationError as exc:
        fail(_validation_message(exc))
    try:
        with database() as session:
            organization = service.create_organization(session, data=data)
            audit.record(session, principal=None, action="organization.create", reason=str(organization.id))
            organization_id = organization.id
    except HubError as exc:
        fail(exc.detail)
    typer.echo(f"organisation_id: {organization_id}")


@app.command("list")
def list_(kommunenummer: str = typer.Option(None, "--kommunenummer", help="only this municipality's")) -> None:
    """List organisations: id, organisasjonsnummer, kommunenummer, sector and other identifiers, each in full."""
    with database() as session:
        organizations = service.list_organizations(session, kommunenummer=kommunenummer)
        for organization in organizations:
            fields = [
                ("id", str(organization.id)),
                ("sector", organization.sector.value),
                ("orgnr", organization.orgnr or "-"),
                ("kommunenummer", organization.kommunenummer or "-"),
            ]
            fields += [("identifier", f"{i.system}|{i.value}") for i in organization.identifiers]
            print_record(organization.name, fields)
    if not organizations:
        typer.echo("no organisations" + (f" in {kommunenummer}" if kommunenummer else ""))
