"""`stafett transfer list|retry|bulk`: look at transfers, put parked deliveries back in the queue, and move many
cases at once (municipality mergers, border changes) with a progress bar; `bulk` is resumable after interruption.
"""

from __future__ import annotations

import uuid

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy import select

from hub.canonical.vocab import CaseStatus, ConsentBasis, ConsentGiver
from hub.cases.models import Case
from hub.cli.common import console, database, errors, fail, migrated_settings, print_record
from hub.consent.models import Consent
from hub.core.errors import HubError
from hub.db.engine import make_engine, session_scope
from hub.transfer import repository, service
from hub.transfer.basis import TRANSFER_PURPOSE
from hub.transfer.models import Direction, Transfer, TransferStatus

app = typer.Typer(help="Case transfers between hubs.", no_args_is_help=True)


@app.command("list")
def list_(
    status: str = typer.Option(None, "--status", help="pending, accepted, rejected, revoked or failed"),
    direction: str = typer.Option(None, "--direction", help="outgoing or incoming"),
) -> None:
    """List transfers with their delivery state: ids and failure reasons in full."""
    with database() as session:
        transfers = repository.all_transfers(session, status=status, direction=direction)
        for t in transfers:
            delivery = ", ".join(f"{d['kind']}:{d['status']}({d['attempts']})" for d in service.delivery_state(session, transfer=t))
            fields = [("case", str(t.case_id or "-")), ("delivery", delivery or "-")]
            if t.failure:
                fields.append(("failure", t.failure))
            print_record(f"{t.id}  {t.direction} {t.status}  {t.origin_municipality} -> {t.destination_municipality}", fields)
    if not transfers:
        typer.echo("no transfers")


@app.command("retry")
def retry(transfer_id: uuid.UUID = typer.Argument(..., help="the transfer whose parked delivery to retry")) -> None:
    """Put a parked (failed) delivery back in the outbox."""
    try:
        with database() as session:
            transfer = repository.get(session, transfer_id, for_update=True)
            if transfer is None:
                raise HubError(f"transfer {transfer_id} not found")
            service.retry(session, principal=None, transfer=transfer)
    except HubError as exc:
        fail(exc.detail)
    typer.echo(f"queued again: {transfer_id}")


def _candidates(engine, source: str, cases: list[uuid.UUID], limit: int | None) -> list[uuid.UUID]:
    moving = select(Transfer.case_id).where(Transfer.direction == Direction.outgoing, Transfer.status.in_((TransferStatus.pending, TransferStatus.accepted)))
    query = select(Case.id).where(Case.status == CaseStatus.open, Case.municipality == source, Case.id.not_in(moving)).order_by(Case.opened_at, Case.id)
    if cases:
        query = query.where(Case.id.in_(cases))
    if limit:
        query = query.limit(limit)
    with session_scope(engine, write=False) as session:
        return list(session.scalars(query))


@app.command("bulk")
def bulk(
    to: str = typer.Option(..., "--to", help="kommunenummer of the destination"),
    source: str = typer.Option(None, "--from", help="kommunenummer whose open cases move (default: HUB_MUNICIPALITY)"),
    case: list[uuid.UUID] = typer.Option([], "--case", help="only these cases (repeat); default: every open case"),
    limit: int = typer.Option(None, "--limit", help="at most this many cases in this run"),
    reason: str = typer.Option("municipality merger / border change", "--reason"),
    legal_reference: str = typer.Option(
        None, "--legal-reference", help="record this legal basis (purpose transfer) for each child before moving its case"
    ),
    chunk: int = typer.Option(20, "--chunk", help="cases per transaction"),
) -> None:
    """Transfer every selected open case; cases already pending or accepted are skipped, so a rerun resumes."""
    settings = migrated_settings()
    municipality = source or settings.municipality
    if not municipality:
        fail("give --from or set HUB_MUNICIPALITY")
    engine = make_engine(settings.database_url)
    todo = _candidates(engine, municipality, case, limit)
    created, refused = 0, []
    columns = (TextColumn("[bold]transfer {task.fields[to]}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("bulk", total=len(todo), to=to)
            for start in range(0, len(todo), chunk):
                with session_scope(engine) as session:
                    for case_id in todo[start : start + chunk]:
                        try:
                            with session.begin_nested():
                                row = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
                                if row is None or row.status != CaseStatus.open or repository.active_for_case(session, case_id):
                                    continue
                                if legal_reference:
                                    session.add(Consent(child_id=row.child_id, given_by=ConsentGiver.guardian, basis=ConsentBasis.legal, purpose=TRANSFER_PURPOSE,
                                                        legal_reference=legal_reference, status="active"))
                                    session.flush()
                                service.create_transfer(session, settings=settings, principal=None, case=row, destination_municipality=to, reason=reason)
                                created += 1
                        except HubError as exc:
                            refused.append((case_id, exc.detail))
                        progress.advance(task)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/yellow] after {created} transfers; run the same command again to continue")
        raise typer.Exit(130) from None
    finally:
        engine.dispose()
    if not todo:
        typer.echo(f"no open cases of {municipality} to transfer (cases already pending or accepted are skipped)")
        return
    console.print(f"transfers created: {created}; refused: {len(refused)}; the worker delivers them", highlight=False)
    for case_id, detail in refused:
        errors.print(f"[red]refused[/red] {case_id}: {escape(detail)}", soft_wrap=True, highlight=False)
    if refused:
        # Work not done is a failure for scripts, whether some cases moved or none did; a rerun retries the refused.
        errors.print(f"[red]error:[/red] {len(refused)} of {len(todo)} cases refused; fix the reasons above and run "
                     "the same command again", soft_wrap=True, highlight=False)
        raise typer.Exit(1)
