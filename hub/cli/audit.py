"""`stafett audit verify | anchor | witnesses`: check the hash chain (against signed heads kept outside it), sign the
chain's head into an anchor file, and write out the heads this hub keeps of its peers' chains.

verify exits 0 when the chain is whole and reaches every anchor, 1 when it is broken, 2 for a usage mistake.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hub.audit import anchors as anchoring
from hub.audit.service import check_chain
from hub.cli.common import console, database
from hub.cli.common import settings as cli_settings
from hub.core.errors import HubError

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def _usage(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def _anchor_files(given: list[Path]) -> tuple[list[Path], str | None]:
    files, note = list(given), None
    for path in files:
        if not path.is_file():
            raise _usage(f"no anchor file {path}")
    configured = cli_settings().audit_anchor_file
    if configured is not None and configured not in files:
        if configured.is_file():
            files.append(configured)
        else:
            note = f"the configured anchor file {configured} (HUB_AUDIT_ANCHOR_FILE) does not exist yet"
    return files, note


@app.command("verify")
def verify(
    anchor_files: list[Path] = typer.Option([], "--anchors", help="anchor file to hold the chain to (repeatable; "
                                            "HUB_AUDIT_ANCHOR_FILE is read too); witnesses from peers are anchor files"),
    jwks: Path | None = typer.Option(None, "--jwks", help="verify anchors with these public keys (a copy of the hub's "
                                     "/.well-known/jwks.json kept apart) instead of the keys in the database"),
) -> None:
    """Verify the audit trail's hash chain, and that it still reaches every signed head it is given."""
    files, note = _anchor_files(anchor_files)
    pinned = None
    if jwks is not None:
        try:
            pinned = json.loads(jwks.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise _usage(f"--jwks {jwks} is not a readable JSON key set ({type(exc).__name__})") from None
    with database(write=False) as session:
        try:
            loaded, bad_anchors = anchoring.load(session, files=files, jwks=pinned)
        except (ValueError, KeyError, TypeError) as exc:
            raise _usage(f"--jwks {jwks} holds no usable keys ({type(exc).__name__})") from None
        report = check_chain(session, anchors=loaded)
    for problem in report.problems:
        where = f"row seq {problem.seq} (id {problem.event_id}): " if problem.event_id else ""
        if not where and problem.problem.startswith("rows "):
            where = f"row seq {problem.seq}: "
        console.print(f"[red]BROKEN[/red] {where}{problem.problem}", soft_wrap=True)
    for bad in bad_anchors:
        console.print(f"[red]BAD ANCHOR[/red] {bad}", soft_wrap=True)
    if note:
        console.print(f"[yellow]note[/yellow]: {note}")
    if report.legacy_events:
        console.print(f"note: {report.legacy_events} events from before the keyed scheme carry an unkeyed person reference (scheme 1)")
    if report.problems or bad_anchors:
        raise typer.Exit(1)
    summary = f"[green]audit trail intact[/green]: {report.events} event{'' if report.events == 1 else 's'}"
    if not loaded:
        console.print(summary + "; [yellow]no anchors given[/yellow]: a lost tail, a wiped trail or a re-hashed chain "
                      "cannot be seen without signed heads kept elsewhere (--anchors, HUB_AUDIT_ANCHOR_FILE)", soft_wrap=True)
        return
    reached = report.reached
    assert reached is not None  # anchors given and no problem: the chain reaches one
    after = report.last_seq - reached.seq if reached else report.last_seq
    console.print(f"{summary}; reaches all {len(loaded)} anchors, the newest of seq {reached.seq} signed {reached.when}; "
                  f"{after} events after it are vouched for by no anchor yet", soft_wrap=True)


@app.command("anchor")
def anchor(
    out: Path | None = typer.Option(None, "--out", help="anchor file to append the signed head to (default: HUB_AUDIT_ANCHOR_FILE)"),
) -> None:
    """Sign the chain's head now with the hub's key and append it to the anchor file."""
    settings = cli_settings()
    path = out or settings.audit_anchor_file
    if path is None:
        raise _usage("no anchor file: give --out or set HUB_AUDIT_ANCHOR_FILE")
    try:
        with database(write=False) as session:
            signed = anchoring.sign_head(session, settings=settings)
    except anchoring.AnchorRefused as exc:
        console.print(f"[red]not anchored[/red]: {exc.detail}", soft_wrap=True)
        raise typer.Exit(1) from None
    except HubError as exc:
        raise _usage(exc.detail) from None
    if signed is None:
        console.print("nothing to anchor: the audit trail is empty")
        return
    try:
        anchoring.append(path, signed)
    except OSError as exc:
        raise _usage(f"cannot write {path} ({type(exc).__name__})") from None
    console.print(f"anchored seq {signed.seq} head {signed.head[:16]}… signed {signed.when} (key {signed.kid}) in {path}", soft_wrap=True)


@app.command("witnesses")
def witnesses(
    hub: str | None = typer.Option(None, "--hub", help="only the heads of this peer (its base URL)"),
    out: Path | None = typer.Option(None, "--out", help="write them to this file (default: print them)"),
) -> None:
    """The signed heads of peers' chains this hub keeps (from transfer messages), as an anchor file for their operator."""
    try:
        with database(write=False) as session:
            kept = anchoring.witnesses(session, hub=hub)
            text = "".join(
                anchoring.line_of(anchoring.witness_anchor(w), kept_by=anchoring.identity(cli_settings()), via=w.via,
                                  received_at=w.received_at.isoformat()) + "\n"
                for w in kept
            )
    except HubError as exc:
        raise _usage(exc.detail) from None
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"{len(kept)} witnessed heads written to {out}")
