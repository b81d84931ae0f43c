"""The probabilistic matcher: a comparable view of a person (`Person`), blocking keys, field comparisons (rapidfuzz,
jellyfish) into levels, and their Fellegi-Sunter score with the weights of hub.identity.weights.
"""

# A comparison is a vector of levels, one per field: None when either side lacks the field (weight 0, as FS has it),
# 0 when they disagree, higher when they agree more. Level meanings are fixed here; their weights are data.

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

import jellyfish
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import token_sort_ratio

FIELDS = ("given", "family", "birth_date", "sex", "street", "postal_code", "city", "kommunenummer", "national_id",
          "guardian")
LEVELS = {  # field -> number of levels (0 .. n-1); the weights file has one m and u per level
    "given": 4, "family": 4, "birth_date": 4, "sex": 2, "street": 3, "postal_code": 3, "city": 3, "kommunenummer": 2,
    "national_id": 4, "guardian": 2,
}
TYPO_GIVEN = 2  # the given-name level of a typo (Jaro-Winkler ≥ 0.92): the lowest that may link automatically
NEAR_ID = 2  # the national-id level of a typing slip (one digit off or two transposed)


def fold(text: str | None) -> str:
    """Lower case, Norwegian letters and accents folded to ASCII, punctuation to spaces, spaces collapsed."""
    if not text:
        return ""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE").replace("å", "aa").replace("Å", "AA")
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in letters).split())


@dataclass(frozen=True)
class Person:
    """What the matcher compares of a child record or a stored child, normalised."""

    given: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: str | None = None
    street: str = ""
    postal_code: str = ""
    city: str = ""
    municipalities: frozenset[str] = field(default_factory=frozenset)  # kommunenummer: where it lives or is known
    national_ids: frozenset[str] = field(default_factory=frozenset)
    guardian_ids: frozenset[str] = field(default_factory=frozenset)
    ids_checked: bool = True  # its national ids carry check digits that passed (two valid ones differ in two digits)

    @staticmethod
    def of(*, given: list[str] | tuple[str, ...] | str | None, family: list[str] | tuple[str, ...] | str | None,
           birth_date: date | None = None, sex: str | None = None, street: str | None = None,
           postal_code: str | None = None, city: str | None = None, municipalities: frozenset[str] = frozenset(),
           national_ids: frozenset[str] = frozenset(), guardian_ids: frozenset[str] = frozenset(),
           ids_checked: bool = True) -> Person:
        def parts(value: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
            joined = value if isinstance(value, str) else " ".join(value or ())
            return tuple(fold(joined.replace("-", " ")).split())

        return Person(
            given=parts(given), family=parts(family), birth_date=birth_date,
            sex=sex if sex in ("female", "male") else None, street=fold(street), postal_code=fold(postal_code).replace(" ", ""),
            city=fold(city), municipalities=frozenset(m.strip() for m in municipalities if m and m.strip()),
            national_ids=national_ids,
            guardian_ids=guardian_ids, ids_checked=ids_checked,
        )


def phonetic(word: str) -> str:
    return jellyfish.metaphone(word)[:5] if word else ""


def swapped(day: date) -> date | None:
    """The birth date with day and month exchanged, when that is a date and another one."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def blocking_keys(person: Person, *, query: bool = False) -> set[str]:
    """The keys a person is filed under (query=False) or looked up by (query=True: also the swapped birth date).

    g, f, b: the birth date with the phonetic first given name, with one family part, or with the postal code (both
    names may be misspelt);
    y: the phonetic first given name and one family part with the birth year (a day or month typo);
    m: the same with month and day (a year typo); p: the postal code with a family part (a birth date typo and a name
    variant both); i, j: each half of a national id (one typed with a slip)."""
    keys: set[str] = set()
    born = person.birth_date
    dates = [born] if born is not None else []
    if born is not None and query and (other := swapped(born)) is not None:
        dates.append(other)
    given = phonetic(person.given[0]) if person.given else ""
    for day in dates:  # the birth date with either name: the other may be anything
        if given:
            keys.add(f"g:{given}:{day.isoformat()}")
        keys.update(f"f:{phonetic(part)}:{day.isoformat()}" for part in person.family)
        if person.postal_code:
            keys.add(f"b:{person.postal_code}:{day.isoformat()}")
    for part in person.family:
        family = phonetic(part)
        if born is not None and given:
            keys.add(f"y:{given}:{family}:{born.year}")
            keys.add(f"m:{given}:{family}:{born.month:02d}{born.day:02d}")
        if person.postal_code:
            keys.add(f"p:{person.postal_code}:{family}")
    for number in person.national_ids:  # a typing slip leaves one half as it was
        half = (len(number) + 1) // 2
        keys.add(f"i:{number[:half]}")
        keys.add(f"j:{number[half - 1:]}")
    return {key[:120] for key in keys}


# --- comparisons --------------------------------------------------------------------------------------------------

def _jw(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b)


def compare_given(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """3 the first given names equal (or one's first is the other's second); 2 a typo (Jaro-Winkler ≥ 0.92, both
    names of four letters or more: Tor and Tore, Ola and Ole are names of their own); 1 similar (≥ 0.80, or the same
    sound); 0 different."""
    if not a or not b:
        return None
    if a[0] == b[0] or a[0] in b or b[0] in a:
        return 3
    best = max(_jw(a[0], b[0]), _jw(" ".join(a), " ".join(b)))
    if best >= 0.92 and min(len(a[0]), len(b[0])) >= 4:
        return 2
    if best >= 0.80 or jellyfish.metaphone(a[0]) == jellyfish.metaphone(b[0]):
        return 1
    return 0


def compare_family(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """3 all parts equal; 2 a part equal (a dropped second surname) or a typo (≥ 0.92); 1 similar (≥ 0.80); 0."""
    if not a or not b:
        return None
    if a == b:
        return 3
    if set(a) & set(b):
        return 2
    best = max(_jw(x, y) for x in a for y in b)
    best = max(best, _jw("".join(a), "".join(b)))
    if best >= 0.92:
        return 2
    return 1 if best >= 0.80 else 0


def compare_birth_date(a: date | None, b: date | None) -> int | None:
    """3 equal; 2 day and month swapped; 1 one digit off (or two digits transposed); 0 otherwise."""
    if a is None or b is None:
        return None
    if a == b:
        return 3
    if swapped(a) == b:
        return 2
    return 1 if DamerauLevenshtein.distance(a.strftime("%Y%m%d"), b.strftime("%Y%m%d")) <= 1 else 0


def compare_exact(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return 1 if a == b else 0


def compare_street(a: str, b: str) -> int | None:
    """2 the same (token order aside, ≥ 95); 1 close (≥ 80); 0."""
    if not a or not b:
        return None
    ratio = token_sort_ratio(a, b)
    return 2 if ratio >= 95 else 1 if ratio >= 80 else 0


def compare_code(a: str, b: str) -> int | None:
    """2 equal; 1 one character off; 0."""
    if not a or not b:
        return None
    return 2 if a == b else 1 if DamerauLevenshtein.distance(a, b) <= 1 else 0


def compare_city(a: str, b: str) -> int | None:
    if not a or not b:
        return None
    return 2 if a == b else 1 if _jw(a, b) >= 0.90 else 0


def compare_national_id(a: frozenset[str], b: frozenset[str]) -> int | None:
    """3 a shared id; 2 one digit off or two transposed (a typing slip); 1 two off; 0 different (ids of one kind)."""
    if a & b:
        return 3
    pairs = [(x, y) for x in a for y in b if _kind(x) == _kind(y)]  # a D-nummer and a fødselsnummer are not compared
    if not pairs:
        return None
    best = min(DamerauLevenshtein.distance(x, y) for x, y in pairs)
    return 2 if best <= 1 else 1 if best == 2 else 0


def _kind(national_id: str) -> str:
    """"d" for a D-nummer (11 digits, first digit 4-7), else "f" (a fødselsnummer, or another scheme's number)."""
    return "d" if len(national_id) == 11 and national_id[:1] in "4567" else "f"


def compare_sets(a: frozenset[str], b: frozenset[str]) -> int | None:
    """1 a value in common; 0 none (both known)."""
    if not a or not b:
        return None
    return 1 if a & b else 0


def compare_guardians(a: frozenset[str], b: frozenset[str]) -> int | None:
    if not a or not b:
        return None
    return 1 if a & b else 0


def compare(a: Person, b: Person) -> tuple[int | None, ...]:
    """The comparison vector of two persons, in FIELDS order. Given and family names written in each other's place
    count as a typo of both (twins never differ so: they share the family name)."""
    given, family = compare_given(a.given, b.given), compare_family(a.family, b.family)
    if given is not None and family is not None and given < 2 and family < 2:
        crossed_given, crossed_family = compare_given(a.given, b.family), compare_family(a.family, b.given)
        if (crossed_given or 0) >= 2 and (crossed_family or 0) >= 2:
            given, family = 2, 2
    return (
        given,
        family,
        compare_birth_date(a.birth_date, b.birth_date),
        compare_exact(a.sex, b.sex),
        compare_street(a.street, b.street),
        compare_code(a.postal_code, b.postal_code),
        compare_city(a.city, b.city),
        compare_sets(a.municipalities, b.municipalities),
        compare_national_id(a.national_ids, b.national_ids),
        compare_guardians(a.guardian_ids, b.guardian_ids),
    )
