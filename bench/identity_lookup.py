"""Benchmark: one lookup (a new record matched against the store, through hub.identity.resolver.resolve_children)
with N children in the database, on SQLite or PostgreSQL: p50/p95 in ms and the ratio to the smallest size.

Run: python -m bench.identity_lookup [--sizes 10000,100000] [--lookups 300] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
How the children are made (seeded, so every run holds the same): given names from 60 Norwegian first names per sex
and family names from the 100 most common Norwegian surnames, both drawn with Zipf-like frequencies (the first name of
the list 1/1, the tenth 1/10), one child in ten with a second family name; birth dates uniform over 2007-2025; 800
postal codes and 300 street names with house numbers 1-150; seven in ten with a fødselsnummer (valid check digits).
Each lookup takes one stored child, makes the record another service would send of it (a typo in the given name: two
letters transposed, a local id of its own, no national id) and resolves it in a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from hub.canonical.records import ChildRecord, HumanName, Identifier, PostalAddress
from hub.canonical.vocab import FNR_SYSTEM
from hub.children.models import Child, ChildIdentifier
from hub.db.engine import make_engine, normalise_url, session_factory
from hub.db.migrate import upgrade
from hub.identity.matching import Person, blocking_keys
from hub.identity.models import ChildMatchKey
from hub.identity.resolver import Claim, resolve_children

GIRLS = ("Nora Emma Olivia Ella Sofie Leah Frida Ingrid Sara Maja Selma Astrid Emilie Vilde Anna Hedda Alma Ada Amalie "
         "Ellinor Thea Tiril Iben Mathilde Jenny Aurora Live Eva Julie Hanna Ingeborg Mia Sigrid Ronja Victoria Oda "
         "Kaja Mille Marie Tuva Linnea Hedvig Agnes Elise Solveig Aisha Amina Mariam Ylva Signe Johanne Tone Karoline "
         "Helene Synne Ida Martine Silje Madeleine Regine").split()
BOYS = ("Jakob Emil Noah Oliver Filip William Lucas Liam Henrik Oskar Aksel Theodor Elias Isak Kasper Magnus Johannes "
        "Ludvig Olav Sander Mathias Adrian Tobias Jonas Benjamin Sebastian Alexander Kristian Markus Håkon Mohammed "
        "Ali Aron Odin Torstein Eirik Sindre Vetle Martin Even Brage Iver Edvard Sverre Peder Nikolai Erik Gustav "
        "Leon Mikkel Trym Ulrik Birk Storm Ask Fredrik Herman Vegard Anders Ola").split()
FAMILIES = ("Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen Eriksen "
            "Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Henriksen Lund Halvorsen Sørensen Jakobsen "
            "Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen "
            "Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien Hauge "
            "Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen Ahmed Haugland Thomassen Sivertsen "
            "Simonsen Danielsen Berntsen Sandvik Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen "
            "Birkeland Isaksen Gulbrandsen Ruud Aasen Strøm Myklebust Tangen Ødegård Eliassen Helland Bøe Jenssen Aune "
            "Mikkelsen Tveit Brekke Abrahamsen").split()
_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _zipf(items: list[str]) -> list[float]:
    return [1 / (rank + 1) for rank in range(len(items))]


def _fnr(born: date, rng: random.Random) -> str | None:
    base = f"{born:%d%m%y}{rng.randint(500, 999):03d}"
    k1 = (11 - sum(int(d) * w for d, w in zip(base, _K1)) % 11) % 11
    k2 = (11 - sum(int(d) * w for d, w in zip(base + str(k1), _K2)) % 11) % 11
    return f"{base}{k1}{k2}" if k1 < 10 and k2 < 10 else None


def generate(size: int, seed: int = 16) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    streets = [f"{rng.choice(FAMILIES)}{rng.choice(['veien', 'gata', 'bakken', 'stien'])}" for _ in range(300)]
    postal = [f"{rng.randint(1, 9999):04d}" for _ in range(800)]
    girl_w, boy_w, fam_w = _zipf(GIRLS), _zipf(BOYS), _zipf(FAMILIES)
    start, days = date(2007, 1, 1), (date(2025, 12, 31) - date(2007, 1, 1)).days
    people, used = [], set()
    for _ in range(size):
        sex = rng.choice(("female", "male"))
        given = rng.choices(GIRLS if sex == "female" else BOYS, girl_w if sex == "female" else boy_w)[0]
        family = rng.choices(FAMILIES, fam_w)[0]
        if rng.random() < 0.1:
            family = f"{family} {rng.choices(FAMILIES, fam_w)[0]}"
        born = start + timedelta(days=rng.randint(0, days))
        number = _fnr(born, rng) if rng.random() < 0.7 else None
        if number in used:
            number = None
        used.add(number)
        people.append({
            "id": uuid.uuid4(), "given": given, "family": family, "birth_date": born, "sex": sex,
            "address": {"lines": [f"{rng.choice(streets)} {rng.randint(1, 150)}"], "postal_code": rng.choice(postal)},
            "fnr": number,
        })
    return people


def seed(url: str, people: list[dict[str, Any]]) -> None:
    engine = make_engine(url)
    children, identifiers, keys = [], [], []
    for p in people:
        children.append({"id": p["id"], "names": [{"given": [p["given"]], "family": p["family"]}], "birth_date": p["birth_date"],
                         "sex": p["sex"], "address": p["address"], "kommunenummer": "1106",
                         "name_key": f"{p['given']} {p['family']}".lower()})
        national = frozenset({p["fnr"]}) if p["fnr"] else frozenset()
        if p["fnr"]:
            identifiers.append({"id": uuid.uuid4(), "child_id": p["id"], "system": FNR_SYSTEM, "value": p["fnr"]})
        person = Person.of(given=p["given"], family=p["family"], birth_date=p["birth_date"],
                           postal_code=p["address"]["postal_code"], national_ids=national)
        keys += [{"id": uuid.uuid4(), "child_id": p["id"], "key": key} for key in sorted(blocking_keys(person))]
    with engine.begin() as conn:
        for table, rows in ((Child, children), (ChildIdentifier, identifiers), (ChildMatchKey, keys)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
    engine.dispose()


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randint(1, len(name) - 3)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def lookups(url: str, people: list[dict[str, Any]], count: int) -> tuple[list[float], dict[str, int]]:
    rng = random.Random(7)
    engine = make_engine(url)
    factory = session_factory(engine)
    timings, outcomes = [], {"linked": 0, "review": 0, "new": 0}
    for p in rng.sample(people, count):
        record = ChildRecord(
            source_id=f"bench/{uuid.uuid4()}", identifiers=[Identifier(system="urn:bench:local", value=uuid.uuid4().hex)],
            names=[HumanName(given=[_typo(p["given"], rng)], family=p["family"])], birth_date=p["birth_date"], sex=p["sex"],
            address=PostalAddress(lines=p["address"]["lines"], postal_code=p["address"]["postal_code"]),
        )
        session = factory()
        try:
            started = time.perf_counter()
            [resolution] = resolve_children(session, [Claim(record)])
            timings.append((time.perf_counter() - started) * 1000)
            outcomes["linked" if not resolution.created else "review" if resolution.reviews else "new"] += 1
        finally:
            session.rollback()
            session.close()
    engine.dispose()
    return timings, outcomes


def database(postgres: str | None, folder: Path, size: int) -> str:
    if not postgres:
        return f"sqlite:///{folder / f'identity-lookup-{size}.db'}"
    admin = create_engine(normalise_url(postgres), isolation_level="AUTOCOMMIT")
    name = f"stafett_bench_identity_{size}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return normalise_url(postgres).rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in [int(s) for s in args.sizes.split(",")]:
            url = database(args.postgres, Path(folder), size)
            upgrade(url)
            people = generate(size)
            started = time.perf_counter()
            seed(url, people)
            upgrade(url)  # (at head already: gathers the planner's statistics of the seeded tables)
            seeded = time.perf_counter() - started
            timings, outcomes = lookups(url, people, args.lookups)
            p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[18]
            rows.append((size, p50, p95, seeded, outcomes))
            if args.postgres:
                admin = create_engine(normalise_url(args.postgres), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "stafett_bench_identity_{size}" WITH (FORCE)'))
                admin.dispose()
    base = rows[0]
    print(f"identity lookup on {backend}, {args.lookups} lookups per size (a typo'd record of a stored child)")
    print(f"{'children':>9} {'p50 ms':>8} {'p95 ms':>8} {'p50 x':>6} {'p95 x':>6} {'seed s':>7}  outcomes")
    for size, p50, p95, seeded, outcomes in rows:
        print(f"{size:9d} {p50:8.2f} {p95:8.2f} {p50 / base[1]:6.2f} {p95 / base[2]:6.2f} {seeded:7.1f}  {outcomes}")


if __name__ == "__main__":
    main()
