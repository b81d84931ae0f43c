"""Builds the transfer package of a case at the origin: the whole canonical case (child, guardians, organisations,
all entry versions with provenance, goals, measures, evaluations, consents, coordinator history), the raw source
records its facts came from, a minimal preview and the content checksum.
"""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.policy import transferred
from hub.access.views import CaseView
from hub.archive.models import SourceRecord
from hub.cases.models import Case
from hub.children.models import Child
from hub.export.case_view import child_record
from hub.organizations.models import Organization
from hub.transfer import fingerprint
from hub.transfer.rows import to_row
from hub.transfer.seal import PROTOCOL


def case_rows(view: CaseView) -> dict[str, Any]:
    """Every stored row of the case's history the view holds, as JSON objects (the package's `case` part)."""
    case = view.case
    return {
        "case": to_row(case, exclude=("row_version",)),
        "participants": [to_row(p) for p in view.participants],
        "coordinators": [to_row(c) for c in case.coordinators],
        "entries": [to_row(e) for e in view.entry_versions],
        "goals": [to_row(g) for g in view.goals],
        "measures": [to_row(m) for m in view.measures],
        "evaluations": [to_row(e) for e in view.evaluations],
    }


def organization_ids(rows: dict[str, Any]) -> set[uuid.UUID]:
    ids = {p["organization_id"] for p in rows["participants"]}
    ids |= {c["organization_id"] for c in rows["coordinators"]}
    ids |= {e["author_organization_id"] for e in rows["entries"]}
    ids |= {m["responsible_organization_id"] for m in rows["measures"]}
    ids |= {e["author_organization_id"] for e in rows["evaluations"]}
    return {uuid.UUID(i) for i in ids if i}


def organizations(session: Session, ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    orgs = list(session.scalars(select(Organization).where(Organization.id.in_(ids)))) if ids else []
    return [to_row(o) | {"identifiers": [{"system": i.system, "value": i.value} for i in o.identifiers]} for o in orgs]


def _as_stored(session: Session, case: Case) -> CaseView:
    return CaseView(session, case=case, visibility=transferred("the case as stored", []))


def stored_rows(session: Session, *, case: Case) -> dict[str, Any]:
    """`case_rows` of the whole case as this hub stores it (what the destination compares with what it was sent)."""
    return case_rows(_as_stored(session, case))


def case_checksum(session: Session, *, case: Case) -> str:
    """The content checksum of a case as stored in this hub (used on both sides)."""
    view = _as_stored(session, case)
    rows = case_rows(view)
    return fingerprint.checksum(
        case=rows["case"],
        entries=rows["entries"],
        goals=rows["goals"],
        measures=rows["measures"],
        evaluations=rows["evaluations"],
        coordinators=rows["coordinators"],
        organizations=organizations(session, organization_ids(rows)),
        guardians=[to_row(g) for g in view.child.guardians],
    )


def preview(child: Child, *, origin_url: str, origin_municipality: str) -> dict[str, Any]:
    name = child.names[0] if child.names else {}
    text = name.get("text") or " ".join([*name.get("given", []), name.get("family") or ""]).strip() or None
    return {
        "name": text,
        "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        "origin": origin_url,
        "origin_municipality": origin_municipality,
    }


def build(
    view: CaseView,
    *,
    transfer_id: uuid.UUID,
    origin_url: str,
    destination_url: str,
    destination_municipality: str,
    reason: str | None,
) -> dict[str, Any]:
    """The package of the case `view` holds (the read door's `case_to_transfer`: the whole case)."""
    session, case, child = view.session, view.case, view.child
    rows = case_rows(view)
    orgs = organizations(session, organization_ids(rows))
    guardians = [to_row(g) for g in child.guardians]
    consents = [to_row(c) for c in sorted(view.consents, key=lambda c: c.created_at)]
    checksums = {r.get("raw_checksum") for part in ("entries", "goals", "measures") for r in rows[part]}
    checksums |= {g.get("raw_checksum") for g in guardians} | {c.get("raw_checksum") for c in consents}
    checksums.discard(None)
    records = list(session.scalars(select(SourceRecord).where(SourceRecord.sha256.in_(sorted(checksums))))) if checksums else []
    return {
        "protocol": PROTOCOL,
        "kind": "package",
        "transfer_id": str(transfer_id),
        "iss": origin_url,
        "aud": destination_url,
        "iat": int(time.time()),
        "origin_municipality": case.municipality,
        "destination_municipality": destination_municipality,
        "origin_case": f"{origin_url}/api/v1/cases/{case.id}",
        "reason": reason,
        "preview": preview(child, origin_url=origin_url, origin_municipality=case.municipality),
        "content_sha256": fingerprint.checksum(
            case=rows["case"], entries=rows["entries"], goals=rows["goals"], measures=rows["measures"],
            evaluations=rows["evaluations"], coordinators=rows["coordinators"], organizations=orgs, guardians=guardians,
        ),
        "child": child_record(child).model_dump(mode="json") | {"row": to_row(child)},
        "guardians": guardians,
        "organizations": orgs,
        "consents": consents,
        **rows,
        "source_records": [
            to_row(r, exclude=("payload",)) | {"payload": base64.b64encode(r.payload).decode("ascii")} for r in records
        ],
    }
