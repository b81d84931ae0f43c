"""Entry point of the `stafett` console script: serve the API, migrate the database, run the demo, and the command
groups; every command that opens a database takes `--database` (else HUB_DATABASE_URL, else ./stafett.db).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import typer
import uvicorn
from alembic.util import CommandError
from rich.console import Console
from sqlalchemy.exc import DBAPIError

from hub.cli import audit as audit_cli
from hub.cli import clients as clients_cli
from hub.cli import orgs as orgs_cli
from hub.cli import peers as peers_cli
from hub.cli import schemas as schemas_cli
from hub.cli import token as token_cli
from hub.cli import transfer as transfer_cli
from hub.cli import worker as worker_cli
from hub.cli.common import add_database_option, check_secrets, fail, migrated_settings, open_keys
from hub.cli.common import settings as cli_settings
from hub.cli.keyfile import write_key_file
from hub.core.settings import Settings
from hub.db.migrate import open_problem, url_problem
from hub.db.migrate import upgrade as migrate_upgrade

# Commands that never open the hub's database: the client-side token helper, key generation, schema files.
NO_DATABASE = ("token", "clients keygen", "schemas install", "schemas status")

app = typer.Typer(help="Stafett hub: the shared relay log that follows the child.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(orgs_cli.app, name="orgs")
app.add_typer(clients_cli.app, name="clients")
app.add_typer(schemas_cli.app, name="schemas")
app.add_typer(audit_cli.app, name="audit")
app.command("token")(token_cli.token)
app.add_typer(peers_cli.app, name="peers")
app.add_typer(transfer_cli.app, name="transfer")
app.command("worker")(worker_cli.worker)
console = Console()


def _migrate(url: str, revision: str = "head") -> None:
    """Run the migrations (this may create the database file); a database that cannot be opened is one line."""
    if problem := url_problem(url):
        fail(problem)
    try:
        migrate_upgrade(url, revision)
    except DBAPIError as exc:
        fail(open_problem(exc, url))
    except CommandError as exc:
        fail(f"cannot migrate to {revision}: {exc}")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Run the migrations up to REVISION (default: the newest); creates a SQLite file that does not exist yet."""
    _migrate(cli_settings().database_url, revision)
    console.print(f"[green]database migrated to {revision}[/green]")


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., help="Revision to go back to: an id (0013), `previous` (one back), or base."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: a downgrade drops the tables and columns of the later migrations, and their data."),
) -> None:
    """Undo the migrations after REVISION. Destroys the data of what they added: back up first (README, "Backup and
    restore"). Refused without --yes; never creates a database."""
    from hub.db.migrate import downgrade as migrate_downgrade
    from hub.db.migrate import missing_sqlite_file, shown_url

    url = cli_settings().database_url
    target = "-1" if revision == "previous" else revision
    if problem := url_problem(url):
        fail(problem)
    if (missing := missing_sqlite_file(url)) is not None:
        fail(f"no database at {missing}: nothing to downgrade (`stafett db upgrade` creates one)")
    if not yes:
        fail(f"a downgrade of {shown_url(url)} to {revision} drops what the later migrations added, with its data; "
             "back it up, then run again with --yes")
    try:
        migrate_downgrade(url, target)
    except DBAPIError as exc:
        fail(open_problem(exc, url))
    except CommandError as exc:
        fail(f"cannot downgrade to {revision}: {exc}")
    console.print(f"[yellow]database downgraded to {revision}[/yellow]; `stafett db upgrade` brings it back to the newest")


@db_app.command("analyze")
def db_analyze() -> None:
    """Gather the query planner's statistics now (after a bulk load; on PostgreSQL whose autovacuum is off)."""
    from hub.db.checkpoint import refresh_statistics
    from hub.db.engine import make_engine

    engine = make_engine(migrated_settings().database_url)
    try:
        refresh_statistics(engine)
    finally:
        engine.dispose()
    console.print("[green]planner statistics gathered[/green]")


@app.command()
def serve(
    host: str = typer.Option(None, help="Interface to listen on (default HUB_HOST, else 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default HUB_PORT, else 8000)."),
    migrate: bool = typer.Option(True, help="Run migrations before serving."),
) -> None:
    """Serve the hub's API (OpenAPI at /docs)."""
    check_secrets(cli_settings())
    if migrate:
        settings = cli_settings()
        _migrate(settings.database_url)
    else:
        settings = migrated_settings()
    open_keys(settings)  # refuses to start without usable secrets (hub.keys.secrets)
    _serve(settings, host or settings.host, port or settings.port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from hub.api.app import create_app
    from hub.core.logging import configure
    from hub.core.runtime import tune_gc_for_serving

    configure(settings.log_level)
    # The address served is the hub's base URL when HUB_PUBLIC_URL is unset (tokens never take it from a Host header).
    settings = settings.model_copy(update={"host": host, "port": port})
    app = create_app(settings)
    tune_gc_for_serving()
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


@app.command()
def demo(
    database: Path = typer.Option(
        None, help="SQLite file for the demo (recreated; default: demo/stafett-demo.db in HUB_DATA_DIR, ./var)."
    ),
    host: str = typer.Option(None, help="Interface to listen on (default HUB_HOST, else 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default HUB_PORT, else 8000)."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo hub after loading it."),
) -> None:
    """Create a fresh demo database (Haugesund 1106 and Tysvær 1146), load a child's case, and serve it.

    The clients' private keys are written beside the database (<name>-key.json, <name>-school-key.json)."""
    from hub.canonical.vocab import FNR_SYSTEM
    from hub.demo.load import DEMO_CHILD_FNR, DEMO_VISIT, load_demo

    database = (database or cli_settings().data_dir / "demo" / "stafett-demo.db").resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = cli_settings().model_copy(update={"database_url": f"sqlite:///{database}"})
    host, port = host or settings.host, port or settings.port
    _migrate(settings.database_url)
    summary = load_demo(settings)
    key_file = database.with_name(database.stem + "-key.json")
    write_key_file(key_file, client_id=summary.client_id, private_jwk=summary.private_jwk)
    school_key_file = database.with_name(database.stem + "-school-key.json")
    write_key_file(school_key_file, client_id=summary.school_client_id, private_jwk=summary.school_private_jwk)
    base = f"http://{host}:{port}"
    key_arg, school_key_arg = shlex.quote(str(key_file)), shlex.quote(str(school_key_file))
    console.print(f"[bold green]Demo hub loaded[/bold green] into {database}")
    for line in summary.lines:
        console.print(f"  {line}")
    console.print(f"\n  API docs:  {base}/docs")
    console.print(f"  Client:    {summary.client_id} (Haugesund helsestasjon); its private key is in {key_file}")
    console.print("  Try it (in another shell, same venv):\n")
    typer.echo(
        f'  curl -s -H "Authorization: Bearer $(stafett token --key {key_arg} --hub {base})" {base}/api/v1/cases/{summary.case_id}\n'
    )
    console.print("  Push a clinic visit (a FHIR transaction Bundle: two measurements of the child) as the clinic's system does;")
    console.print("  it answers the ingest report, and the case above then shows the two new entries:\n")
    typer.echo(
        f'  curl -s -X POST -H "Authorization: Bearer $(stafett token --key {key_arg} --hub {base})" '
        f'-H "Content-Type: application/fhir+json" --data-binary @{shlex.quote(str(DEMO_VISIT))} {base}/api/v1/ingest/fhir-r4\n'
    )
    console.print(f"  School:    {summary.school_client_id} (Skåredalen skole, handover.read); its private key is in {school_key_file}")
    console.print("  The kindergarten-to-school handover as the school receives it (SIF AU; or format=kindergarten-v1, fhir-r4):\n")
    handover = f"{base}/api/v1/handover?identifier={FNR_SYSTEM}%7C{DEMO_CHILD_FNR}&format=sif-au"
    typer.echo(f'  curl -s -H "Authorization: Bearer $(stafett token --key {school_key_arg} --hub {base})" "{handover}"\n')
    if serve_after:
        _serve(settings, host, port)


add_database_option(app, skip=NO_DATABASE)

if __name__ == "__main__":
    app()
