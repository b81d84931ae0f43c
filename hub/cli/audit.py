"""`stafett audit verify`: walk the hash chain and name every edited or deleted row.

Exit status 0 when the chain is whole, 1 when it is broken.
"""

from __future__ import annotations

import typer
from sqlalchemy import func, select

from hub.audit.models import AuditEvent
from hub.audit.service import verify_chain
from hub.cli.common import console, database

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Verify the audit trail's hash chain."""
    with database() as session:
        problems = verify_chain(session)
        count = session.scalar(select(func.count()).select_from(AuditEvent))
    if problems:
        for problem in problems:
            console.print(f"[red]BROKEN[/red] row seq {problem.seq} (id {problem.event_id or '-'}): {problem.problem}")
        raise typer.Exit(1)
    console.print(f"[green]audit trail intact[/green]: {count} events")
