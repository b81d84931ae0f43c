"""The read matrix: every GET route under /api/v1 and /fhir, taken from the app itself, is classified as returning child
data (how to fill its parameters from a scenario, who may call it, what it must answer) or as not (and why).

A route in neither list fails with its name ("classify it"). Formats come from the adapter registry, FHIR types from
the facade's CapabilityStatement, so a new renderer or a new readable type is read the day it is added.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, select

from adapters.base import Renderer
from adapters.registry import available_formats, get_adapter
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS
from hub.consent.models import Consent
from hub.db.engine import session_scope
from hub.fhir.ids import ENTRY_RESOURCE_TYPES
from hub.peers import service as peers

ROUTE_PREFIXES = ("/api/v1/", "/fhir/")


class Expect(StrEnum):
    """What a route must answer a viewer it is meant for (any other viewer: 403)."""

    OK = "200"
    RECORD = "200 if the viewer may see the record, else 404 (the tests compare these with the records they expect)"
    NOT_FOUND = "404 for every viewer (no such resource of that type)"
    SHOWN_CONSENT = "200 if the viewer's own consent list shows this consent, else 404"
    IDENTIFIER = "the child is found by an identifier only if the viewer is shown that identifier"


class Audience(StrEnum):
    SYSTEM = "system"  # a system token with the route's scope (the tests' organisations hold every scope but admin)
    ADMIN = "admin"  # a system token with the admin scope: the operator's, who sees every child by design
    PERSON = "person"  # a guardian's or the young person's ID token (/api/v1/me)


@dataclass(frozen=True)
class Read:
    """One concrete GET of a classified route, filled from the scenario."""

    label: str
    route: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    expect: Expect = Expect.OK
    record: str | None = None  # Expect.RECORD: the scenario's name for the record
    consent_id: str | None = None  # Expect.SHOWN_CONSENT
    identifier: tuple[str, str] | None = None  # Expect.IDENTIFIER
    matched: Callable[[object], bool] | None = None  # Expect.IDENTIFIER: whether the answer found the child


@dataclass(kw_only=True)
class Subject:
    """What the routes are filled from: one child's case as the organisations that wrote it know it."""

    case_id: str
    child_id: str
    municipality: str = "1106"
    entries: dict[str, dict] = field(default_factory=dict)  # name -> the entry as its author sees it
    measures: dict[str, str] = field(default_factory=dict)  # name -> measure id
    goals: dict[str, str] = field(default_factory=dict)  # name -> goal id
    guardian_ids: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # the child's, as its authors see them
    fhir_types: dict[str, str] = field(default_factory=dict)  # facade id -> resourceType, as its authors read them
    transfer_ids: list[str] = field(default_factory=list)
    engine: Engine | None = None  # to find every consent of the child when the routes are read

    def consent_ids(self) -> list[str]:
        """Every consent or legal basis recorded for the child now (whoever may see it)."""
        if self.engine is None:
            return []
        with session_scope(self.engine) as session:
            rows = session.scalars(select(Consent.id).where(Consent.child_id == uuid.UUID(self.child_id)).order_by(Consent.created_at))
            return [str(r) for r in rows]

    def learn_from(self, *authors) -> None:
        """The child's identifiers and guardians and the facade's type of every record, as the authors read them."""
        identifiers, guardians = dict.fromkeys(self.identifiers), dict.fromkeys(self.guardian_ids)
        for author in authors:
            child = author.get(f"/api/v1/children/{self.child_id}")
            assert child.status_code == 200, child.text
            identifiers |= dict.fromkeys((i["system"], i["value"]) for i in child.json()["identifiers"])
            guardians |= dict.fromkeys(g["id"] for g in child.json()["guardians"])
            everything = author.get(f"/fhir/Patient/{self.child_id}/$everything")
            assert everything.status_code == 200, everything.text
            self.fhir_types |= {e["resource"]["id"]: e["resource"]["resourceType"] for e in everything.json()["entry"]}
        self.identifiers, self.guardian_ids = list(identifiers), list(guardians)


@dataclass(frozen=True)
class Catalogue:
    """What the hub under test offers: its GET routes, the formats it renders, the FHIR types it reads."""

    routes: frozenset[str]
    formats: tuple[str, ...]
    fhir_types: tuple[str, ...]

    @classmethod
    def of(cls, http) -> Catalogue:
        metadata = http.get("/fhir/metadata")
        assert metadata.status_code == 200, metadata.text
        readable = tuple(
            r["type"] for rest in metadata.json()["rest"] for r in rest["resource"]
            if any(i["code"] == "read" for i in r.get("interaction", []))
        )
        formats = tuple(f for f in available_formats() if isinstance(get_adapter(f), Renderer))
        return cls(routes=frozenset(get_routes(http.app)), formats=formats, fhir_types=readable)


def _walk(routes) -> Iterator[object]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI keeps included routers as one route each
        if included is not None:
            yield from _walk(included.routes)
        else:
            yield route


def get_routes(app) -> set[str]:
    """Every GET route under /api/v1 and /fhir: from the routing table (hidden ones too) and the OpenAPI document."""
    found = {r.path for r in _walk(app.routes) if "GET" in (getattr(r, "methods", None) or ())}
    found |= {p for p, ops in app.openapi()["paths"].items() if "get" in ops}
    return {p for p in found if p.startswith(ROUTE_PREFIXES)}


# --- how each route that returns child data is filled --------------------------------------------------------


def _id_label(system: str) -> str:
    return "" if system in NATIONAL_ID_SYSTEMS else f"@{system}"


def _search_found(response) -> bool:
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    hits = body["total"] if isinstance(body, dict) else len(body)
    assert hits in (0, 1), body
    return hits == 1


def _pulled(response) -> bool:
    assert response.status_code in (200, 404), response.text[:300]
    return response.status_code == 200


def _cases(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("cases", "/api/v1/cases", "/api/v1/cases", {"child_id": s.child_id, "municipality": s.municipality})


def _case(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("case", "/api/v1/cases/{case_id}", f"/api/v1/cases/{s.case_id}")


def _history(s: Subject, c: Catalogue) -> Iterator[Read]:
    route = "/api/v1/cases/{case_id}/entries/{entry_id}/history"
    for name, entry in s.entries.items():
        yield Read(f"history:{name}", route, f"/api/v1/cases/{s.case_id}/entries/{entry['id']}/history", expect=Expect.RECORD, record=name)


def _export(s: Subject, c: Catalogue) -> Iterator[Read]:
    for fmt in c.formats:
        yield Read(f"export:{fmt}", "/api/v1/cases/{case_id}/export", f"/api/v1/cases/{s.case_id}/export", {"format": fmt})


def _handover(s: Subject, c: Catalogue) -> Iterator[Read]:
    for fmt in c.formats:
        for system, value in s.identifiers:
            yield Read(
                f"handover:{fmt}{_id_label(system)}", "/api/v1/handover", "/api/v1/handover",
                {"identifier": f"{system}|{value}", "format": fmt}, Expect.IDENTIFIER, identifier=(system, value), matched=_pulled,
            )


def _find_children(s: Subject, c: Catalogue) -> Iterator[Read]:
    for system, value in s.identifiers:
        yield Read(
            f"children?identifier{_id_label(system)}", "/api/v1/children", "/api/v1/children", {"identifier": f"{system}|{value}"},
            Expect.IDENTIFIER, identifier=(system, value), matched=_search_found,
        )


def _child(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("child", "/api/v1/children/{child_id}", f"/api/v1/children/{s.child_id}")


def _consents(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("consents", "/api/v1/children/{child_id}/consents", f"/api/v1/children/{s.child_id}/consents")


def _audit(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("audit:child", "/api/v1/audit/children/{child_id}", f"/api/v1/audit/children/{s.child_id}")


def _review(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("identity-review", "/api/v1/identity/review", "/api/v1/identity/review")


def _reviews(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("identity-reviews", "/api/v1/identity/reviews", "/api/v1/identity/reviews")


def _transfers(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("transfers", "/api/v1/transfers", "/api/v1/transfers")


def _transfer(s: Subject, c: Catalogue) -> Iterator[Read]:
    for n, transfer_id in enumerate(s.transfer_ids):
        yield Read(f"transfer:{n}", "/api/v1/transfers/{transfer_id}", f"/api/v1/transfers/{transfer_id}")


def _me_children(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("me:children", "/api/v1/me/children", "/api/v1/me/children")


def _me_case(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("me:case", "/api/v1/me/cases/{case_id}", f"/api/v1/me/cases/{s.case_id}")


def _me_consents(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("me:consents", "/api/v1/me/children/{child_id}/consents", f"/api/v1/me/children/{s.child_id}/consents")


def _me_access_log(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("me:access-log", "/api/v1/me/children/{child_id}/access-log", f"/api/v1/me/children/{s.child_id}/access-log")


def _fhir_search(s: Subject, c: Catalogue) -> Iterator[Read]:
    for system, value in s.identifiers:
        yield Read(
            f"fhir:Patient?identifier{_id_label(system)}", "/fhir/Patient", "/fhir/Patient", {"identifier": f"{system}|{value}"},
            Expect.IDENTIFIER, identifier=(system, value), matched=_search_found,
        )


def _everything(s: Subject, c: Catalogue) -> Iterator[Read]:
    yield Read("fhir:$everything", "/fhir/Patient/{patient_id}/$everything", f"/fhir/Patient/{s.child_id}/$everything")


# The facade's readable types, each filled from the scenario. Not child data: Organization (the registry, as
# /api/v1/organizations/{id}: any organisation the hub knows, tied to no child).
FHIR_TYPES_WITHOUT_CHILD_DATA = {"Organization": "the organisation registry, as /api/v1/organizations/{organization_id}"}
READ_ROUTE = "/fhir/{resource_type}/{resource_id}"


def _records_of_type(s: Subject, rtype: str) -> Iterator[tuple[str, str, Expect, dict]]:
    """(label, facade id, expectation, extra) for every record of the scenario the facade serves as `rtype`."""
    if rtype == "Patient":
        yield "fhir:Patient", s.child_id, Expect.OK, {}
    elif rtype == "EpisodeOfCare":
        yield "fhir:EpisodeOfCare", s.case_id, Expect.OK, {}
    elif rtype == "RelatedPerson":
        for n, guardian_id in enumerate(s.guardian_ids):
            yield f"fhir:RelatedPerson:{n}", guardian_id, Expect.OK, {}
    elif rtype == "Consent":
        for consent_id in s.consent_ids():
            yield f"fhir:Consent:{consent_id}", consent_id, Expect.SHOWN_CONSENT, {"consent_id": consent_id}
    elif rtype == "CarePlan":
        for name, measure_id in s.measures.items():
            yield f"fhir-read:{name}", measure_id, Expect.RECORD, {"record": name}
    elif rtype == "Goal":
        for name, goal_id in s.goals.items():
            yield f"fhir-read:{name}", goal_id, Expect.RECORD, {"record": name}
    elif rtype in ENTRY_RESOURCE_TYPES:
        for name, entry in s.entries.items():
            if s.fhir_types.get(entry["lineage_id"]) == rtype:
                yield f"fhir-read:{name}", entry["lineage_id"], Expect.RECORD, {"record": name}
    else:
        raise AssertionError(f"the FHIR facade reads {rtype}: classify it in tests/access/read_matrix.py (fill it or say why it holds no child data)")


def _fhir_read(s: Subject, c: Catalogue) -> Iterator[Read]:
    untyped = sorted(n for n, e in s.entries.items() if e["lineage_id"] not in s.fhir_types)
    assert not untyped, f"entries none of their authors reads on the facade (Subject.learn_from them): {untyped}"
    for rtype in c.fhir_types:
        if rtype in FHIR_TYPES_WITHOUT_CHILD_DATA:
            continue
        records = list(_records_of_type(s, rtype))
        for label, facade_id, expect, extra in records:
            yield Read(label, READ_ROUTE, f"/fhir/{rtype}/{facade_id}", expect=expect, **extra)
        if not records and s.entries:
            # nothing of this type here: an entry's id asked for as this type must not be served under it
            any_entry = next(iter(s.entries.values()))
            yield Read(f"fhir-read-as:{rtype}", READ_ROUTE, f"/fhir/{rtype}/{any_entry['lineage_id']}", expect=Expect.NOT_FOUND)


@dataclass(frozen=True)
class ChildRoute:
    audience: Audience
    fill: Callable[[Subject, Catalogue], Iterator[Read]]


# (a) Every GET route that returns child data, and how to fill it.
CHILD_DATA: dict[str, ChildRoute] = {
    "/api/v1/cases": ChildRoute(Audience.SYSTEM, _cases),
    "/api/v1/cases/{case_id}": ChildRoute(Audience.SYSTEM, _case),
    "/api/v1/cases/{case_id}/entries/{entry_id}/history": ChildRoute(Audience.SYSTEM, _history),
    "/api/v1/cases/{case_id}/export": ChildRoute(Audience.SYSTEM, _export),
    "/api/v1/handover": ChildRoute(Audience.SYSTEM, _handover),
    "/api/v1/children": ChildRoute(Audience.SYSTEM, _find_children),
    "/api/v1/children/{child_id}": ChildRoute(Audience.SYSTEM, _child),
    "/api/v1/children/{child_id}/consents": ChildRoute(Audience.SYSTEM, _consents),
    "/api/v1/audit/children/{child_id}": ChildRoute(Audience.ADMIN, _audit),
    "/api/v1/identity/review": ChildRoute(Audience.ADMIN, _review),  # pairs of children that may be one person
    "/api/v1/identity/reviews": ChildRoute(Audience.ADMIN, _reviews),  # the same pairs, both children side by side
    "/api/v1/transfers": ChildRoute(Audience.SYSTEM, _transfers),  # a transfer's preview names the child
    "/api/v1/transfers/{transfer_id}": ChildRoute(Audience.SYSTEM, _transfer),
    "/api/v1/me/children": ChildRoute(Audience.PERSON, _me_children),
    "/api/v1/me/cases/{case_id}": ChildRoute(Audience.PERSON, _me_case),
    "/api/v1/me/children/{child_id}/consents": ChildRoute(Audience.PERSON, _me_consents),
    "/api/v1/me/children/{child_id}/access-log": ChildRoute(Audience.PERSON, _me_access_log),
    "/fhir/Patient": ChildRoute(Audience.SYSTEM, _fhir_search),
    "/fhir/Patient/{patient_id}/$everything": ChildRoute(Audience.SYSTEM, _everything),
    READ_ROUTE: ChildRoute(Audience.SYSTEM, _fhir_read),
}

# (b) Every GET route that returns no child data, and why.
NOT_CHILD_DATA: dict[str, str] = {
    "/api/v1/organizations": "the organisation registry: every organisation the hub knows, tied to no child or case",
    "/api/v1/organizations/{organization_id}": "one organisation of the registry",
    "/fhir/metadata": "the public CapabilityStatement: what the facade serves, no data",
}


def unclassified(routes: set[str] | frozenset[str]) -> list[str]:
    return sorted(set(routes) - CHILD_DATA.keys() - NOT_CHILD_DATA.keys())


def reads(catalogue: Catalogue, subject: Subject, *, complete: bool = True) -> list[Read]:
    """Every read of the subject over the hub's GET routes that return child data. `complete`: each such route must
    be read at least once (the scenario holds something for it to return)."""
    missing = unclassified(catalogue.routes)
    assert not missing, f"GET routes neither returning child data nor said not to (classify it in tests/access/read_matrix.py): {missing}"
    result: list[Read] = []
    for route in sorted(catalogue.routes & CHILD_DATA.keys()):
        filled = list(CHILD_DATA[route].fill(subject, catalogue))
        assert filled or not complete, f"{route}: the scenario fills no read of it"
        result += filled
    labels = [r.label for r in result]
    assert len(labels) == len(set(labels)), f"labels read twice: {sorted({n for n in labels if labels.count(n) > 1})}"
    return result


# --- who may call what ---------------------------------------------------------------------------------------


def audiences_of(caller) -> set[Audience]:
    """The audiences a caller belongs to, from its token (a person's ID token, or a system's scopes)."""
    if caller.organization_id is None:
        return {Audience.PERSON}
    claims = json.loads(base64.urlsafe_b64decode(caller.token.split(".")[1] + "=="))
    scopes = set(claims.get("scope", "").split())
    return {Audience.SYSTEM} | ({Audience.ADMIN} if "admin" in scopes else set())


# --- a destination hub for transfers --------------------------------------------------------------------------


def register_destination(engine: Engine, http, *, municipality: str, base_url: str) -> None:
    """Registers a peer hub for `municipality` whose keys are this hub's own: a package can be sealed to it (nothing
    is delivered: no worker runs in these tests)."""
    jwks = http.get("/.well-known/jwks.json").json()
    with session_scope(engine) as session:
        peer = peers.add_peer(session, municipalities=[municipality], base_url=base_url, fetch=False)
        peer.jwks, peer.jwks_fetched_at = jwks, datetime.now(UTC)
