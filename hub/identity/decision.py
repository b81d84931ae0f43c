"""The matcher's verdict on one record against its candidates: link, review or new, by the score thresholds in
settings, with the safety rules that keep twins and namesakes from ever being linked automatically.
"""

# A false merge (one child's health and child-welfare data shown to another's parents) is the worst outcome the hub
# can have, so a score alone never links. Never: sex or kommunenummer disagreeing (a namesake born the same day in
# another municipality), national ids of one kind more than a typing slip apart (twins' numbers differ in two digits
# or more), or a second candidate within reach (two children the record could be). Without a national id a typing slip
# from the child's, a link also needs given names equal or one typo apart (twins have another given name), family
# names and birth date agreeing (a digit off or day and month swapped at worst), and a place agreeing: a narrow one
# (address, postal code, place, a guardian) or the municipality (where the child lives or is known, and where the
# record comes from) with the sex agreeing too.

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from hub.identity.matching import FIELDS, LEVELS, NEAR_ID, TYPO_GIVEN, Person, compare
from hub.identity.weights import Weights

T = TypeVar("T")

_LABELS = {"given": "given name", "family": "family name", "birth_date": "birth date", "sex": "sex", "street": "address",
           "postal_code": "postal code", "city": "place", "kommunenummer": "kommunenummer", "national_id": "national id",
           "guardian": "guardian"}
_PARTLY = {("given", 2): "typo", ("given", 1): "similar", ("family", 2): "a part or a typo", ("family", 1): "similar",
           ("birth_date", 2): "day and month swapped", ("birth_date", 1): "one digit off", ("street", 1): "close",
           ("postal_code", 1): "one digit off", ("city", 1): "close", ("national_id", 2): "a typing slip",
           ("national_id", 1): "two digits off"}
_CORROBORATING = {"street": 1, "postal_code": 2, "city": 2, "guardian": 1}  # narrow places: each is enough


REVIEWED = 3  # candidates put on the review list with one record at most (the best first)


class Outcome(StrEnum):
    link = "link"
    review = "review"
    new = "new"


@dataclass(frozen=True)
class Thresholds:
    link: float
    review: float


@dataclass(frozen=True)
class Scored(Generic[T]):
    candidate: T
    score: float
    vector: tuple[int | None, ...]

    def agreed(self) -> list[str]:
        """The fields that agreed, by label: fully ("birth date"), or in part with how ("given name (typo)")."""
        said = []
        for f, level in zip(FIELDS, self.vector):
            if level:
                top = LEVELS[f] - 1 if f != "national_id" else NEAR_ID + 1
                said.append(_LABELS[f] if level >= top else f"{_LABELS[f]} ({_PARTLY.get((f, level), 'in part')})")
        return said

    def disagreed(self) -> list[str]:
        return [_LABELS[f] for f, level in zip(FIELDS, self.vector) if level == 0]


@dataclass(frozen=True)
class Verdict(Generic[T]):
    outcome: Outcome
    best: Scored[T] | None  # the candidate linked to, or the first to review
    others: list[Scored[T]]  # further candidates within the review threshold
    held_back: str | None = None  # why a score above the link threshold did not link

    def reviewed(self) -> list[Scored[T]]:
        return ([self.best] if self.best is not None else []) + self.others


def safety_veto(vector: tuple[int | None, ...], *, ids_checked: bool = True) -> str | None:
    """Why this comparison may never link automatically, or None. `ids_checked`: both sides' national ids pass their
    check digits (a number without any, as FEBRL's, may be mistyped beyond a slip: it is only weighed)."""
    level = dict(zip(FIELDS, vector))
    if level["sex"] == 0:
        return "sex differs"
    if level["kommunenummer"] == 0:
        return "another municipality"
    national = level["national_id"]
    if national is not None and national >= NEAR_ID:
        return None  # one national id a typing slip from the other (two valid numbers always differ in two digits)
    if national is not None and ids_checked:
        return "national ids of the same kind differ"
    given, family, born = level["given"], level["family"], level["birth_date"]
    if given is None or given < TYPO_GIVEN:
        return "given names differ more than a typo or one is missing (twins have another given name)"
    if family is None or family == 0:
        return "family names differ or one is missing"
    if born is None or born == 0:
        return "birth dates differ or one is missing"
    narrow = any(level[f] is not None and level[f] >= least for f, least in _CORROBORATING.items())  # type: ignore[operator]
    if not narrow and not (level["kommunenummer"] == 1 and level["sex"] == 1):
        return "no place agrees (an address, postal code, place or guardian; or the municipality with the sex)"
    return None


def decide(
    person: Person, candidates: list[tuple[T, Person]], *, weights: Weights, thresholds: Thresholds, safety: bool = True
) -> Verdict[T]:
    """The verdict for `person` among `candidates` (each a value the caller knows it by and its Person). `safety`
    False leaves the safety rules out (the benchmark shows what the scores alone do; the hub never does)."""
    scored = []
    persons: dict[int, Person] = {}
    for value, other in candidates:
        vector = compare(person, other)
        scored.append(item := Scored(candidate=value, score=weights.score(vector), vector=vector))
        persons[id(item)] = other
    within = sorted((s for s in scored if s.score >= thresholds.review), key=lambda s: s.score, reverse=True)
    if not within:
        return Verdict(outcome=Outcome.new, best=None, others=[])
    best, others = within[0], within[1:REVIEWED]
    if best.score < thresholds.link:
        return Verdict(outcome=Outcome.review, best=best, others=others)
    best_person = persons[id(best)]
    veto = safety_veto(best.vector, ids_checked=person.ids_checked and best_person.ids_checked) if safety else None
    if veto is None and others and others[0].score >= thresholds.link:
        veto = "another candidate is within reach"  # two children the record could be linked to (twins the hub holds)
    if veto is not None:
        return Verdict(outcome=Outcome.review, best=best, others=others, held_back=veto)
    return Verdict(outcome=Outcome.link, best=best, others=[])
