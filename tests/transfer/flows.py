"""Steps of a transfer as the tests drive them through the two hubs' real APIs, with polling (never sleeping)."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.canonical.vocab import FNR_SYSTEM
from hub.cases.models import Case
from hub.children.models import ChildIdentifier
from hub.db.engine import session_scope
from hub.outbox.models import OutboxItem
from hub.transfer.models import Transfer
from hub.transfer.package import case_checksum
from tests.processes import wait_until
from tests.transfer.scenario import ALL_SCOPES, ok


def origin_caller(fed, name="Haugesund helsestasjon", sector="health"):
    return fed.a.callers.system(name, sector, kommune="1106", scopes=ALL_SCOPES)


def destination_caller(fed, name="Tysvær kommune, barnekoordinator", sector="municipality"):
    return fed.b.callers.system(name, sector, kommune="1146", scopes=ALL_SCOPES)


def start_transfer(caller, case_id: str, to: str = "1146") -> dict:
    return ok(caller.post("/api/v1/transfers", json={"case_id": case_id, "destination_municipality": to, "reason": "familien flytter"}), 201)


def incoming(caller, transfer_id: str, *, status: str = "pending", timeout: float = 30.0) -> dict:
    """Wait until the destination lists the transfer with `status`; returns its incoming row."""

    def found():
        rows = ok(caller.get("/api/v1/transfers", params={"direction": "incoming", "status": status}))
        return next((r for r in rows if r["transfer_id"] == transfer_id), None)

    return wait_until(found, timeout=timeout, interval=0.1, what=f"incoming transfer {transfer_id} {status}")


def outgoing_status(caller, transfer_id: str, statuses: tuple[str, ...], *, timeout: float = 30.0) -> dict:
    def settled():
        row = ok(caller.get(f"/api/v1/transfers/{transfer_id}"))
        return row if row["status"] in statuses else None

    return wait_until(settled, timeout=timeout, interval=0.1, what=f"transfer {transfer_id} to become one of {statuses}")


def transfer_rows(engine, direction: str) -> list[Transfer]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(Transfer).where(Transfer.direction == direction)))
        for row in rows:
            session.expunge(row)
        return rows


def outbox_rows(engine, transfer_id) -> list[OutboxItem]:
    """The outbox items about the transfer with this (local) id."""
    with session_scope(engine, write=False) as session:
        query = select(OutboxItem).where(OutboxItem.subject_kind == "transfer", OutboxItem.subject_id == transfer_id)
        rows = list(session.scalars(query))
        for row in rows:
            session.expunge(row)
        return rows


def children_with(engine, national_id: str) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(
            select(func.count()).select_from(ChildIdentifier).where(ChildIdentifier.system == FNR_SYSTEM, ChildIdentifier.value == national_id)
        )


def cases_of_child(engine, national_id: str) -> list[tuple[str, str]]:
    with session_scope(engine, write=False) as session:
        rows = session.execute(
            select(Case.id, Case.status).join(ChildIdentifier, ChildIdentifier.child_id == Case.child_id)
            .where(ChildIdentifier.system == FNR_SYSTEM, ChildIdentifier.value == national_id)
        ).all()
        return [(str(i), str(s)) for i, s in rows]


def checksum_of(engine, case_id) -> str:
    import uuid

    with session_scope(engine, write=False) as session:
        return case_checksum(session, case=session.get(Case, uuid.UUID(str(case_id))))
