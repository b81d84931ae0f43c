"""Entry point of the `stafett` console script: serve the API, migrate the database, run the demo.

Database from HUB_DATABASE_URL (default: the embedded SQLite file ./stafett.db).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from hub.cli import audit as audit_cli
from hub.cli import clients as clients_cli
from hub.cli import token as token_cli
from hub.cli import peers as peers_cli
from hub.cli import transfer as transfer_cli
from hub.cli import worker as worker_cli
from hub.core.settings import Settings, get_settings
from hub.db.migrate import upgrade as migrate_upgrade

app = typer.Typer(help="Stafett hub: the shared relay log that follows the child.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(clients_cli.app, name="clients")
app.add_typer(audit_cli.app, name="audit")
app.command("token")(token_cli.token)
app.add_typer(peers_cli.app, name="peers")
app.add_typer(transfer_cli.app, name="transfer")
app.command("worker")(worker_cli.worker)
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Run the migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    migrate_upgrade(settings.database_url, revision)
    console.print(f"[green]database migrated to {revision}[/green]")


@app.command()
def serve(
    host: str = typer.Option(None, help="Interface to listen on (default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
    migrate: bool = typer.Option(True, help="Run migrations before serving."),
) -> None:
    """Serve the hub's API (OpenAPI at /docs)."""
    settings = get_settings()
    if migrate:
        migrate_upgrade(settings.database_url)
    _serve(settings, host or settings.host, port or settings.port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from hub.api.app import create_app
    from hub.core.logging import configure
    from hub.core.runtime import tune_gc_for_serving

    configure(settings.log_level)
    app = create_app(settings)
    tune_gc_for_serving()
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


@app.command()
def demo(
    database: Path = typer.Option(Path("stafett-demo.db"), help="SQLite file for the demo (recreated)."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo hub after loading it."),
) -> None:
    """Create a fresh demo database (Haugesund 1106 and Tysvær 1146), load a child's case, and serve it."""
    from hub.canonical.vocab import FNR_SYSTEM
    from hub.demo.load import DEMO_CHILD_FNR, load_demo

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite:///{database.resolve()}")
    migrate_upgrade(settings.database_url)
    summary = load_demo(settings)
    key_file = database.with_name(database.stem + "-key.json")
    key_file.write_text(json.dumps({"client_id": summary.client_id, "private_jwk": summary.private_jwk}, indent=2))
    school_key_file = database.with_name(database.stem + "-school-key.json")
    school_key_file.write_text(json.dumps({"client_id": summary.school_client_id, "private_jwk": summary.school_private_jwk}, indent=2))
    base = f"http://{host}:{port}"
    console.print(f"[bold green]Demo hub loaded[/bold green] into {database}")
    for line in summary.lines:
        console.print(f"  {line}")
    console.print(f"\n  API docs:  {base}/docs")
    console.print(f"  Client:    {summary.client_id} (Haugesund helsestasjon); its private key is in {key_file}")
    console.print("  Try it (in another shell, same venv):\n")
    typer.echo(
        f'  curl -s -H "Authorization: Bearer $(stafett token --key {key_file} --hub {base})" {base}/api/v1/cases/{summary.case_id}\n'
    )
    console.print(f"  School:    {summary.school_client_id} (Skåredalen skole, handover.read); its private key is in {school_key_file}")
    console.print("  The kindergarten-to-school handover as the school receives it (SIF AU; or format=kindergarten-v1, fhir-r4):\n")
    handover = f"{base}/api/v1/handover?identifier={FNR_SYSTEM}%7C{DEMO_CHILD_FNR}&format=sif-au"
    typer.echo(f'  curl -s -H "Authorization: Bearer $(stafett token --key {school_key_file} --hub {base})" "{handover}"\n')
    if serve_after:
        _serve(settings, host, port)


if __name__ == "__main__":
    app()
