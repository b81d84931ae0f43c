"""`stafett schemas install|status`: put the official schemas of external formats (pinned by sha256 in
schemas/external-schemas.json) into the hub's data folder, and show per format what is installed and where it is read.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from hub.cli.common import console, errors, fail, print_record, settings
from hub.core.external_schemas import installed_root, schema_roots
from hub.core.schema_install import install as install_files
from hub.core.schema_install import status as schema_status

app = typer.Typer(help="Official schemas of the external formats (SSB, KS, UK CIN).", no_args_is_help=True)


@app.command("install")
def install(folder: Path = typer.Argument(..., help="folder with the schema files (searched recursively by name)")) -> None:
    """Check each schema file found in FOLDER against its pinned sha256 and copy it into HUB_DATA_DIR; a format with
    a file whose checksum differs is refused, naming the file."""
    if not folder.is_dir():
        fail(f"{folder} is not a folder")
    chosen = settings()
    try:
        results = install_files(folder, chosen)
    except OSError as exc:
        fail(f"cannot install the schemas: {exc}")
    for result in results:
        fmt, names = result.format, ", ".join(f.file.name for f in result.found if f.state == "missing")
        if result.outcome == "installed":
            console.print(f"[green]installed[/green] {fmt.id}: {len(result.found)} files", highlight=False)
        elif result.outcome == "absent":
            console.print(f"[yellow]skipped[/yellow] {fmt.id}: none of its files is in {escape(str(folder))} ({names})",
                          highlight=False, soft_wrap=True)
        elif result.outcome == "incomplete":
            errors.print(f"[red]incomplete[/red] {fmt.id}: not installed, missing {names}", highlight=False, soft_wrap=True)
        for found in (f for f in result.found if f.state == "differs"):
            for path, digest in found.others:
                errors.print(f"[red]refused[/red] {fmt.id}: {escape(str(path))} has sha256 {digest}, the pinned {found.file.name} "
                             f"has {found.file.sha256} (published at {found.file.published})",
                             highlight=False, soft_wrap=True)
    console.print(f"installed folder: {escape(str(installed_root(chosen).resolve()))}", highlight=False, soft_wrap=True)
    if chosen.external_schemas:
        console.print("[yellow]note:[/yellow] HUB_EXTERNAL_SCHEMAS is set, so the hub reads the schemas from "
                      f"{escape(str(chosen.external_schemas))}, not from the installed folder", highlight=False, soft_wrap=True)
    outcomes = {r.outcome for r in results}
    if outcomes & {"refused", "incomplete"} or "installed" not in outcomes:
        fail("not every schema found was installed" if "installed" in outcomes else f"no schema installed from {folder}", 1)


@app.command("status")
def status() -> None:
    """Per format: which files are installed, missing or differ, and where the hub reads them from."""
    chosen = settings()
    for name, root in schema_roots(chosen):
        console.print(f"{name}: {escape(str(root.resolve()))}", highlight=False, soft_wrap=True)
    console.print("(files are read from the first of these that holds them; relative paths in "
                  "schemas/external-schemas.json)", highlight=False)
    for fmt, rows in schema_status(chosen):
        readable = all(r.read_from for r in rows)
        where = {r.read_from[0] for r in rows if r.read_from}
        summary = f"read from the {', '.join(sorted(where))}" if readable else "not available: answers 503"
        fields = []
        for row in rows:
            if row.read_from is None:
                read = "not found anywhere"
            else:
                read = f"read from the {row.read_from[0]}" + ("" if row.read_ok else ", which differs from the pinned sha256")
            fields.append((row.file.name, f"{row.installed}; {read}"))
        console.print()
        print_record(f"{fmt.id}: {summary}", fields)
