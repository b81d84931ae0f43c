"""A synthetic municipality for the read benchmarks (bench.scale, bench.case_read): children of every sector's services
with their cases, entries and corrections, goals, measures and evaluations, consents, guardians and identifiers.

Written through the ingest pipeline's own writer (hub.ingest.service.ingest_batch) in large canonical batches: every
row is one the hub would have made from a payload, with its source keys, provenance and events.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    Code,
    ConsentRecord,
    EntryRecord,
    EvaluationRecord,
    GoalRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    PostalAddress,
)
from hub.canonical.vocab import FNR_SYSTEM, Category, EntryKind, MeasureStatus, ParentalResponsibility, Sector
from hub.cases.models import Case, Entry
from hub.children.models import ChildIdentifier
from hub.core.settings import Settings
from hub.db.engine import make_engine, session_scope
from hub.ingest.service import ingest_batch

CHILD_SYSTEM = "urn:bench:child"  # a second identifier of every child (the handover pull asks by it)
ORG_SYSTEM = "urn:bench:org"
FORMAT = "bench-canonical"
BIG = "big"  # the suffix of the one large case's identifiers: urn:bench:child|bench-big

# (sector, the service's name, the category its entries are of, the kinds it writes)
SERVICES = [
    (Sector.health, "helsestasjon", Category.health, [EntryKind.note, EntryKind.observation, EntryKind.assessment]),
    (Sector.school, "barneskole", Category.education, [EntryKind.note, EntryKind.attendance, EntryKind.meeting]),
    (Sector.kindergarten, "barnehage", Category.early_childhood, [EntryKind.observation, EntryKind.note, EntryKind.enrolment]),
    (Sector.child_welfare, "barnevernstjeneste", Category.child_welfare, [EntryKind.concern, EntryKind.decision, EntryKind.meeting]),
    (Sector.ppt, "PP-tjeneste", Category.education, [EntryKind.assessment, EntryKind.referral]),
    (Sector.nav, "NAV", Category.social, [EntryKind.note, EntryKind.decision]),
    (Sector.municipality, "barnekoordinator", Category.social, [EntryKind.meeting, EntryKind.note]),
]
GIVEN = ["Nora", "Emma", "Ella", "Maja", "Olivia", "Jakob", "Emil", "Noah", "Oliver", "Filip", "Sara", "Aksel", "Ingrid", "Lukas"]
FAMILY = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen"]
WORDS = ("samtale med foreldre om søvn språk trivsel fravær oppfølging avtalt nytt møte kartlegging viser behov for "
         "tiltak i klassen hjemme barnehagen helsesykepleier lærer kontakt med fastlege henvist til vurdering").split()


_VALID: dict[date, list[str]] = {}


def fnr(born: date, serial: int) -> str:
    """A fødselsnummer with valid mod-11 check digits for someone born on `born` (the day's `serial`-th valid one, its
    individual number in the range of the century: 500-999 from 2000, 000-499 before)."""
    known = _VALID.setdefault(born, [])
    individual = (500 if born.year >= 2000 else 0) + (int(known[-1][6:9]) % 500 + 1 if known else 0)
    while len(known) <= serial:
        if individual % 500 == 0 and known:
            raise ValueError(f"no {serial}th fødselsnummer on {born}")
        digits = [int(c) for c in f"{born:%d%m%y}{individual:03d}"]
        individual += 1
        k1 = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
        k1 = 0 if k1 == 11 else k1
        k2 = 11 - sum(d * w for d, w in zip([*digits, k1], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
        k2 = 0 if k2 == 11 else k2
        if k1 < 10 and k2 < 10:
            known.append("".join(map(str, [*digits, k1, k2])))
    return known[serial]


def child_birth(n: int) -> tuple[date, int]:
    """Child n's birth date (spread over 16 years) and its serial among that day's children."""
    return date(2008, 1, 1) + timedelta(days=n % 5840), n // 5840


def child_fnr(n: int) -> str:
    return fnr(*child_birth(n))


def guardian_fnr(n: int, parent: int) -> str:
    """Guardians born 1965-1994 (child -1's: the big case's)."""
    k = 2 * n + parent + 2
    return fnr(date(1965, 1, 1) + timedelta(days=k % 10950), k // 10950)


@dataclass(frozen=True)
class Municipality:
    kommunenummer: str = "1106"
    name: str = "Haugesund"

    def organisations(self) -> list[OrganizationRecord]:
        return [OrganizationRecord(source_id=f"org-{sector.value}", name=f"{self.name} {name}", sector=sector,
                                   kommunenummer=self.kommunenummer,
                                   identifiers=[Identifier(system=ORG_SYSTEM, value=f"{self.kommunenummer}-{sector.value}")])
                for sector, name, _, _ in SERVICES]


def _text(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words, length = [], 0
    while length < target:
        word = WORDS[int(rng.random() * len(WORDS))]
        words.append(word)
        length += len(word) + 1
    return " ".join(words).capitalize() + "."


class CaseMaker:
    """The records of one child's case: the child, two guardians, the case with every service taking part, entries
    of every sector, goals, measures with evaluations and a consent."""

    def __init__(self, place: Municipality, rng: random.Random):
        self.place, self.rng = place, rng

    def records(self, n: int | str, entries: int, batch: ParsedBatch) -> None:
        rng = self.rng
        number = n if isinstance(n, int) else -1  # the big case's child
        ref = f"child-{n}"
        born, serial = child_birth(number) if number >= 0 else (date(2015, 6, 1), 400)
        family = rng.choice(FAMILY)
        batch.children.append(ChildRecord(
            source_id=ref, identifiers=[Identifier(system=FNR_SYSTEM, value=fnr(born, serial)),
                                        Identifier(system=CHILD_SYSTEM, value=f"bench-{n}")],
            names=[HumanName(given=[rng.choice(GIVEN)], family=family)], birth_date=born, sex=rng.choice(["female", "male"]),
            address=PostalAddress(lines=[f"Storgata {rng.randint(1, 200)}"], postal_code="5525", city=self.place.name,
                                  kommunenummer=self.place.kommunenummer)))
        for parent in (0, 1):
            batch.guardians.append(GuardianRecord(
                source_id=f"guardian-{n}-{parent}", child_ref=ref,
                identifiers=[Identifier(system=FNR_SYSTEM, value=guardian_fnr(number, parent))],
                names=[HumanName(given=[rng.choice(GIVEN)], family=family)], relation=("mother", "father")[parent],
                parental_responsibility=ParentalResponsibility.felles, may_see_log=True))
        batch.case_facts.append(CaseFact(
            source_id=f"case-{n}", child_ref=ref, municipality=self.place.kommunenummer, bti_level=rng.randint(0, 3),
            participants=[Participant(org_ref=f"org-{sector.value}", role=sector.value) for sector, _, _, _ in SERVICES]))
        start = datetime(2023, 1, 1, 8, tzinfo=UTC) + timedelta(days=rng.randint(0, 500))
        for e in range(entries):
            sector, _, category, kinds = SERVICES[rng.randrange(len(SERVICES))]
            batch.entries.append(EntryRecord(
                source_id=f"entry-{n}-{e}", child_ref=ref, kind=rng.choice(kinds), category=category,
                occurred_at=start + timedelta(days=e * 3, minutes=rng.randint(0, 480)), text=_text(rng, 80, 600),
                codes=[Code(system="urn:bench:code", code=f"{sector.value}-{rng.randint(1, 40)}")],
                payload={"sequence": e}, author_org_ref=f"org-{sector.value}", author_name="Saksbehandler"))
        goals = [f"goal-{n}-{g}" for g in range(rng.randint(1, 2))]
        for goal in goals:
            batch.goals.append(GoalRecord(source_id=goal, child_ref=ref, description=_text(rng, 30, 90), category=Category.education))
        for m in range(rng.randint(1, 3)):
            sector, _, category, _ = SERVICES[rng.randrange(len(SERVICES))]
            began = (start + timedelta(days=30 * m)).date()
            batch.measures.append(MeasureRecord(
                source_id=f"measure-{n}-{m}", child_ref=ref, description=_text(rng, 30, 120), category=category,
                responsible_org_ref=f"org-{sector.value}", status=rng.choice([MeasureStatus.active, MeasureStatus.completed]),
                start=began, evaluation_due=began + timedelta(days=90), goal_refs=goals[:1],
                evaluations=[EvaluationRecord(source_id=f"evaluation-{n}-{m}-{v}", outcome=rng.choice(["continue", "adjust", "achieved"]),
                                              evaluated_at=start + timedelta(days=30 * m + 90 * (v + 1)), text=_text(rng, 40, 200),
                                              author_org_ref=f"org-{sector.value}")
                             for v in range(rng.randint(0, 2))]))
        batch.consents.append(ConsentRecord(
            source_id=f"consent-{n}", child_ref=ref, guardian_ref=f"guardian-{n}-0",
            org_refs=[f"org-{sector.value}" for sector, _, _, _ in SERVICES[:4]],
            sectors=[Sector.health, Sector.school, Sector.kindergarten, Sector.child_welfare], purpose="samarbeid",
            valid_from=start))

    def corrections(self, batch: ParsedBatch, every: int) -> ParsedBatch:
        """The same source's later extract of the batch's children: every `every`-th entry corrected (a new version)."""
        changed = [e.model_copy(update={"text": (e.text or "") + " (rettet: feil dato i første versjon)"})
                   for e in batch.entries if int(e.source_id.rsplit("-", 1)[1]) % every == 0]
        return self.place_batch(children=batch.children, organizations=batch.organizations, entries=changed)

    def place_batch(self, **records) -> ParsedBatch:
        return ParsedBatch(format=FORMAT, mapping_version="bench/1", source_system="bench-fagsystem",
                           municipality=self.place.kommunenummer, **records)


def populate(url: str, cases: int, *, entries: int = 25, big_entries: int = 300, every: int = 5, chunk: int = 500,
             seed: int = 1, workers: int = 1, progress: Callable[[int, float], None] | None = None) -> None:
    """`cases` cases of ~`entries` entries (every `every`-th corrected once) plus the one case of `big_entries` entries
    (child identifier urn:bench:child|bench-big), written `chunk` cases a batch through the ingest pipeline's writer;
    after the first batch (which brings the organisations) by `workers` processes at once (PostgreSQL; SQLite has one
    writer at a time). Each batch's records depend on `seed` and the batch alone, so any number of workers writes the
    same municipality."""
    numbers: list[int | str] = [BIG, *range(cases)]
    firsts = list(range(0, len(numbers), chunk))
    shape = dict(entries=entries, big_entries=big_entries, every=every, chunk=chunk, seed=seed, cases=cases)
    started = time.perf_counter()
    done = _write_chunks(url, firsts[:1], shape)
    if progress:
        progress(done, time.perf_counter() - started)
    rest = firsts[1:]
    if workers <= 1 or not rest:
        for first in rest:
            done += _write_chunks(url, [first], shape)
            if progress:
                progress(done, time.perf_counter() - started)
        return
    parts = [rest[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for written in pool.map(_write_chunks, [url] * workers, parts, [shape] * workers):
            done += written
    if progress:
        progress(done, time.perf_counter() - started)


def _written(engine, child_ref: str) -> str:
    """How far an earlier run wrote the batch whose last child is `child_ref`: "no", "first" (not its corrections) or
    "corrected" (so an interrupted load resumes where it stopped, and a larger store grows from a smaller one)."""
    with session_scope(engine, write=False) as session:
        versions = session.scalars(select(Entry.version).join(Case, Case.id == Entry.case_id).join(
            ChildIdentifier, ChildIdentifier.child_id == Case.child_id).where(
            ChildIdentifier.system == CHILD_SYSTEM, ChildIdentifier.value == "bench-" + child_ref.removeprefix("child-"))).all()
    return "no" if not versions else "corrected" if max(versions) > 1 else "first"


def _write_chunks(url: str, firsts: list[int], shape: dict) -> int:
    """Write the batches starting at case index `firsts` (and their corrections) that an earlier run has not; the
    number of cases the batches hold."""
    engine = make_engine(url)
    settings = Settings(database_url=url, municipality=Municipality.kommunenummer)
    numbers: list[int | str] = [BIG, *range(shape["cases"])]
    written = 0
    try:
        for first in firsts:
            rng = random.Random(shape["seed"] * 1_000_003 + first)
            maker = CaseMaker(Municipality(), rng)
            batch = maker.place_batch(organizations=maker.place.organisations())
            for n in numbers[first:first + shape["chunk"]]:
                size = shape["big_entries"] if n == BIG else max(1, shape["entries"] + rng.randint(-5, 5))
                maker.records(n, size, batch)
            state = _written(engine, batch.children[-1].source_id)
            if state == "no":
                with session_scope(engine) as session:
                    ingest_batch(session, settings=settings, batch=batch)
            if state != "corrected":
                with session_scope(engine) as session:
                    ingest_batch(session, settings=settings, batch=maker.corrections(batch, shape["every"]))
            written += len(batch.children)
    finally:
        engine.dispose()
    return written


def big_case(session) -> tuple:
    """(case id, child id) of the store's one large case (its child's identifier urn:bench:child|bench-big)."""
    from sqlalchemy import select

    from hub.cases.models import Case
    from hub.children.models import ChildIdentifier

    big = session.scalar(select(Case).join(ChildIdentifier, ChildIdentifier.child_id == Case.child_id).where(
        ChildIdentifier.system == CHILD_SYSTEM, ChildIdentifier.value == f"bench-{BIG}"))
    return big.id, big.child_id
