"""Benchmark: the hub's matcher on FEBRL4 (5,000 + 5,000 records, 5,000 true pairs, shipped by `recordlinkage`),
side by side in the same run with recordlinkage's ECM and with Splink: precision, recall, F1 and time for the set.

Run: pip install -e ".[bench]" && python -m bench.identity [--skip-splink] [--skip-ecm]
     python -m bench.identity --write-weights   (re-estimate mappings/identity/weights.json on FEBRL3, see its README)
The record ids (rec-N-org / rec-N-dup-k) are used only to score; no method sees them. The hub's matcher sees the
fields the hub compares: given name, surname, birth date, street (number and address_1), postcode, suburb as the place,
and soc_sec_id as a national id (compared for a typing slip only, as the hub does); sex, kommunenummer and guardians
are absent from FEBRL.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hub.core.settings import PROJECT_ROOT, Settings
from hub.identity.decision import Outcome, Thresholds, decide
from hub.identity.estimate import estimate
from hub.identity.matching import FIELDS, LEVELS, Person, blocking_keys, phonetic
from hub.identity.weights import WEIGHTS_FILE, Weights, current_weights, parse

# Fields FEBRL has no column for: their m and u are stated, not estimated, with the reason (the weights file says so).
ASSUMED = {
    "sex": {"m": [0.02, 0.98], "u": [0.5, 0.5],
            "basis": "not in FEBRL: u from two sexes in equal shares; m from a 2 % rate of wrong or missing-coded sex"},
    "kommunenummer": {"m": [0.10, 0.90], "u": [0.97, 0.03],
                      "basis": "not in FEBRL: u is the sum of squared population shares of Norway's municipalities "
                               "(SSB 2024, dominated by Oslo at 13 %); m allows 10 % of families to have moved"},
    "guardian": {"m": [0.05, 0.95], "u": [0.9995, 0.0005],
                 "basis": "not in FEBRL: a shared guardian national id is near proof (u: siblings among children of the "
                          "same birth cohort); m allows 5 % of records to name another guardian"},
}


def _date(value: Any) -> date | None:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def person_of(row: Any) -> Person:
    street = " ".join(p for p in (_text(row.street_number), _text(row.address_1)) if p)
    ssn = _text(row.soc_sec_id)
    return Person.of(
        given=_text(row.given_name), family=_text(row.surname), birth_date=_date(row.date_of_birth), street=street,
        postal_code=_text(row.postcode), city=_text(row.suburb),
        national_ids=frozenset({ssn.replace(" ", "")}) if ssn else frozenset(), ids_checked=False,
    )


def people_of(frame: Any) -> dict[str, Person]:
    return {str(rec_id): person_of(row) for rec_id, row in zip(frame.index, frame.itertuples())}


def entity(rec_id: str) -> str:
    return rec_id.split("-")[1]


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"links": len(found), "true": tp, "false": len(found) - tp, "precision": precision, "recall": recall, "f1": f1}


# --- the hub's matcher ----------------------------------------------------------------------------------------------

def hub_matcher(
    a: dict[str, Person], b: dict[str, Person], weights: Weights, thresholds: Thresholds, *, safety: bool = True
) -> tuple[set[tuple[str, str]], int, int]:
    """Each record of B looked up against A as the resolver does (blocking keys, then decide): links, reviews, pairs."""
    index: dict[str, list[str]] = defaultdict(list)
    for rec_id, person in a.items():
        for key in blocking_keys(person):
            index[key].append(rec_id)
    links: set[tuple[str, str]] = set()
    reviews = compared = 0
    for rec_id, person in b.items():
        ids = {other for key in blocking_keys(person, query=True) for other in index.get(key, ())}
        compared += len(ids)
        verdict = decide(person, [(other, a[other]) for other in ids], weights=weights, thresholds=thresholds, safety=safety)
        if verdict.outcome == Outcome.link and verdict.best is not None:
            links.add((verdict.best.candidate, rec_id))
        elif verdict.outcome == Outcome.review:
            reviews += 1
    return links, reviews, compared


# --- recordlinkage's ECM --------------------------------------------------------------------------------------------

def ecm(frame_a: Any, frame_b: Any) -> set[tuple[str, str]]:
    import recordlinkage

    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(column)
    pairs = indexer.index(frame_a, frame_b)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", method="levenshtein", threshold=0.85, label="address_1")
    compare.exact("postcode", "postcode", label="postcode")
    compare.string("soc_sec_id", "soc_sec_id", method="levenshtein", threshold=0.85, label="soc_sec_id")
    features = compare.compute(pairs, frame_a, frame_b)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    return {(str(x), str(y)) for x, y in matches}


# --- Splink -----------------------------------------------------------------------------------------------------------

def splink(frame_a: Any, frame_b: Any) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def prepared(frame: Any) -> Any:
        out = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        return out.fillna("").astype(str).replace({"": None})

    api = DuckDBAPI()
    left, right = api.register(prepared(frame_a)), api.register(prepared(frame_b))
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"), block_on("postcode"),
            block_on("soc_sec_id"),
        ],
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"), cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]), cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "surname")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1_000_000)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.99).as_pandas_dataframe()
    return {(str(x), str(y)) for x, y in zip(predictions["unique_id_l"], predictions["unique_id_r"])}


# --- weights ------------------------------------------------------------------------------------------------------

def _pairs_on(people: list[Person], key: Any) -> Iterator[tuple[Person, Person]]:
    blocks: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if (value := key(person)) is not None:
            blocks[value].append(person)
    for members in blocks.values():
        if len(members) > 60:  # a value too common to block on (a missing field's default)
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                yield first, second


def write_weights(target: Path) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3

    people = list(people_of(load_febrl3()).values())
    passes: list[tuple[str, Any, set[str]]] = [
        ("same birth date", lambda p: p.birth_date.isoformat() if p.birth_date else None, {"birth_date"}),
        ("same first given name and family name sound",
         lambda p: f"{phonetic(p.given[0])}:{phonetic(p.family[0])}" if p.given and p.family else None, {"given", "family"}),
        ("same postal code", lambda p: p.postal_code or None, {"postal_code"}),
    ]
    result = estimate(people, passes, pairs_for=lambda key: _pairs_on(people, key))
    fields: dict[str, Any] = dict(result["fields"])  # type: ignore[call-overload]
    for name, assumed in ASSUMED.items():
        fields[name] = {
            "levels": [{"level": i, "m": assumed["m"][i], "u": assumed["u"][i],
                        "weight": math.log2(assumed["m"][i] / assumed["u"][i])} for i in range(LEVELS[name])],
            "estimated": False, "basis": assumed["basis"],
        }
    document = {
        "version": f"febrl3-em-{datetime.now(UTC):%Y%m%d}",
        "method": "Fellegi-Sunter; u from random record pairs, m and the match share by EM (u held fixed) on blocked "
                  "pairs, one pass per blocking rule, each field's m the mean over the passes that did not block on it "
                  "(hub/identity/estimate.py); weight = log2(m/u) per comparison level (hub/identity/matching.py)",
        "data": "FEBRL3 (recordlinkage.datasets.load_febrl3: 5,000 synthetic records, 2,000 of them corrupted "
                "duplicates), record ids not used; FEBRL4, the benchmark's data, was not used",
        "made": datetime.now(UTC).isoformat(timespec="seconds"),
        "made_by": "python -m bench.identity --write-weights",
        "estimation": result["estimation"],
        "fields": {name: fields[name] for name in FIELDS},
    }
    parse(document)  # the file the hub will read must load
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return document


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-weights", action="store_true")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-ecm", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.write_weights:
        document = write_weights(PROJECT_ROOT / "mappings" / WEIGHTS_FILE)
        for name, spec in document["fields"].items():
            print(f"{name:14} " + "  ".join(f"{lv['weight']:+6.2f}" for lv in spec["levels"]))
        return
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b = load_febrl4()
    truth: set[tuple[str, str]] = set()
    by_entity = {entity(str(x)): str(x) for x in frame_a.index}
    for y in map(str, frame_b.index):
        if (x := by_entity.get(entity(y))) is not None:
            truth.add((x, y))
    settings = Settings()
    thresholds = Thresholds(link=settings.identity_link_threshold, review=settings.identity_review_threshold)
    rows: list[tuple[str, dict[str, float], float, str]] = []
    started = time.perf_counter()
    a, b = people_of(frame_a), people_of(frame_b)
    links, reviews, compared = hub_matcher(a, b, current_weights(), thresholds)
    rows.append(("hub matcher", scores(links, truth), time.perf_counter() - started,
                 f"{reviews} to review, {compared} pairs compared, link ≥ {thresholds.link}, review ≥ {thresholds.review}"))
    started = time.perf_counter()
    links, reviews, compared = hub_matcher(a, b, current_weights(), thresholds, safety=False)
    rows.append(("  scores alone", scores(links, truth), time.perf_counter() - started,
                 "the same without the safety rules (twins, namesakes): what the weights alone do; the hub never runs so"))
    if not args.skip_ecm:
        started = time.perf_counter()
        rows.append(("recordlinkage ECM", scores(ecm(frame_a, frame_b), truth), time.perf_counter() - started, ""))
    if not args.skip_splink:
        started = time.perf_counter()
        rows.append(("Splink (DuckDB)", scores(splink(frame_a, frame_b), truth), time.perf_counter() - started, "p ≥ 0.99"))
    print(f"FEBRL4: {len(frame_a)} + {len(frame_b)} records, {len(truth)} true pairs")
    print(f"{'method':20} {'links':>6} {'false':>6} {'precision':>10} {'recall':>8} {'F1':>8} {'seconds':>8}")
    for name, s, seconds, note in rows:
        print(f"{name:20} {s['links']:6.0f} {s['false']:6.0f} {s['precision']:10.4f} {s['recall']:8.4f} {s['f1']:8.4f} "
              f"{seconds:8.2f}  {note}")


if __name__ == "__main__":
    main()
