"""Benchmark: end-to-end FHIR ingest (TestClient, fresh SQLite file per run, real token) versus fhir.resources.R4B
Bundle validation alone, on the same generated transaction bundles of 100 … 5,000 entries; prints both and ratios.
"""

# End-to-end is POST /api/v1/ingest/fhir-r4 (the pipeline; the targets apply to it) as the hub runs by default, with
# validation in a worker process beside the pipeline (HUB_VALIDATION_WORKERS=1: two cores busy); "in-thread" is the
# same with HUB_VALIDATION_WORKERS=0 (one core); POST /fhir is the facade (it also reads the Bundle to plan
# conditional creates and answers per entry). Each fresh hub first takes a small bundle of other children, as a
# running hub has; the process is tuned as `stafett serve` tunes it (hub.core.runtime), baseline included.
# Best of a few runs each. Run: python -m bench.ingest_fhir  (BENCH_SIZES=100,500 to choose).
# Targets: ratio >= 0.5, t(5000)/t(500) <= 11.

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from bench.common import BenchHub, migrated_template

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "100,500,1000,5000").split(","))
SEED = 20261123
PIPELINE = "/api/v1/ingest/fhir-r4"
FACADE = "/fhir"
PER_PATIENT = 50
WARM_UP = 20  # entries of the bundle that warms each fresh hub before the timed request
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
_OBSERVATIONS = [("29463-7", "Body weight", "kg", 10, 40), ("8302-2", "Body height", "cm", 80, 160),
                 ("39156-5", "BMI", "kg/m2", 13, 22), ("8867-4", "Heart rate", "/min", 60, 120)]
_CONDITIONS = [("65363002", "Otitis media"), ("195662009", "Acute viral pharyngitis"), ("444814009", "Viral sinusitis"),
               ("10509002", "Acute bronchitis"), ("40055000", "Chronic sinusitis")]
_VACCINES = [("20", "DTaP"), ("10", "IPV"), ("03", "MMR"), ("49", "Hib")]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _day(rng: random.Random) -> str:
    return f"20{rng.randint(16, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 15):02d}:{rng.randint(0, 59):02d}:00+01:00"


def _fnr(rng: random.Random) -> str:
    """An 11-digit fødselsnummer with valid mod-11 check digits."""
    while True:
        digits = [int(c) for c in f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(10, 20):02d}{rng.randint(100, 499)}"]
        k1 = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
        k1 = 0 if k1 == 11 else k1
        k2 = 11 - sum(d * w for d, w in zip([*digits, k1], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
        k2 = 0 if k2 == 11 else k2
        if k1 < 10 and k2 < 10:
            return "".join(map(str, [*digits, k1, k2]))


def _patient_resources(rng: random.Random, count: int) -> list[tuple[str, dict]]:
    patient_url = f"urn:uuid:{_uuid(rng)}"
    subject = {"reference": patient_url}
    items = [(patient_url, {
        "resourceType": "Patient", "id": _uuid(rng), "identifier": [{"system": FNR_SYSTEM, "value": _fnr(rng)}],
        "name": [{"family": rng.choice(["Hansen", "Johansen", "Olsen", "Larsen"]), "given": [rng.choice(["Kari", "Ola", "Nora", "Emil"])]}],
        "gender": rng.choice(["female", "male"]), "birthDate": f"201{rng.randint(2, 9)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "address": [{"line": ["Storgata 1"], "city": "Haugesund", "postalCode": "5525"}],
    })]
    encounters: list[str] = []
    while len(items) < count:
        kind = rng.random()
        url = f"urn:uuid:{_uuid(rng)}"
        rid = _uuid(rng)
        if kind < 0.15 or not encounters:
            resource = {"resourceType": "Encounter", "id": rid, "status": "finished",
                        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                        "type": [{"coding": [{"system": SNOMED, "code": "410620009", "display": "Well child visit"}]}],
                        "subject": subject, "period": {"start": _day(rng)}}
            encounters.append(url)
        elif kind < 0.65:
            code, display, unit, low, high = rng.choice(_OBSERVATIONS)
            resource = {"resourceType": "Observation", "id": rid, "status": "final",
                        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
                        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
                        "subject": subject, "encounter": {"reference": rng.choice(encounters)}, "effectiveDateTime": _day(rng),
                        "valueQuantity": {"value": round(rng.uniform(low, high), 1), "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}
        elif kind < 0.8:
            code, display = rng.choice(_CONDITIONS)
            resource = {"resourceType": "Condition", "id": rid,
                        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved"}]},
                        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display},
                        "subject": subject, "encounter": {"reference": rng.choice(encounters)}, "onsetDateTime": _day(rng)}
        elif kind < 0.92:
            code, display = rng.choice(_VACCINES)
            resource = {"resourceType": "Immunization", "id": rid, "status": "completed",
                        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": code, "display": display}], "text": display},
                        "patient": subject, "encounter": {"reference": rng.choice(encounters)}, "occurrenceDateTime": _day(rng), "primarySource": True}
        else:
            code, display = rng.choice(_CONDITIONS)
            resource = {"resourceType": "CarePlan", "id": rid, "status": "active", "intent": "plan",
                        "title": f"Oppfølging: {display}", "subject": subject, "period": {"start": _day(rng)[:10]},
                        "category": [{"coding": [{"system": SNOMED, "code": "734163000", "display": "Care plan"}]}],
                        "activity": [{"detail": {"status": "in-progress", "description": "Kontroll hos helsesykepleier",
                                                 "code": {"coding": [{"system": SNOMED, "code": "185389009", "display": "Follow-up visit"}]}}}]}
        items.append((url, resource))
    return items


def make_bundle(size: int, seed: int = SEED, per_patient: int = PER_PATIENT) -> bytes:
    rng = random.Random(seed + size)
    entries = []
    while len(entries) < size:
        for url, resource in _patient_resources(rng, min(per_patient, size - len(entries))):
            entries.append({"fullUrl": url, "resource": resource,
                            "request": {"method": "POST", "url": resource["resourceType"]}})
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}).encode()


def validate_only(payload: bytes) -> float:
    start = time.perf_counter()
    Bundle.model_validate_json(payload)
    return time.perf_counter() - start


def ingest(template: Path, folder: Path, payload: bytes, url: str, workers: int) -> float:
    """Seconds for one end-to-end POST into a fresh hub (every resource is new)."""
    hub = BenchHub(template, folder, organisation="Bench helsestasjon", sector="health", scopes=["ingest", "case.read"],
                   validation_workers=workers)
    try:
        # A running hub has served requests before: one small bundle of two other children warms its statement cache
        # (statements for one row and for several differ: both shapes are compiled before the timed request).
        hub.post(url, make_bundle(WARM_UP, seed=SEED + 1, per_patient=WARM_UP // 2), "application/fhir+json")
        status, seconds, text = hub.post(url, payload, "application/fhir+json")
    finally:
        hub.close()
    if status != 200:
        raise SystemExit(f"{url} answered {status}: {text}")
    return seconds


MODES = {"ingest": (PIPELINE, 1), "in-thread": (PIPELINE, 0), "/fhir": (FACADE, 1)}


def main() -> None:
    from hub.core.runtime import tune_gc_for_serving

    folder = Path(tempfile.mkdtemp(prefix="stafett-bench-"))
    try:
        template = migrated_template(folder)
        tune_gc_for_serving()
        results: dict[int, dict[str, float]] = {}
        for size in SIZES:
            payload = make_bundle(size)
            runs = 9 if size < 500 else 5  # the smallest requests vary most; 500 and 5000 alike, as t(5000)/t(500) compares them
            best = {"validate": min(validate_only(payload) for _ in range(runs))}
            for _ in range(runs):
                for mode, (url, workers) in MODES.items():
                    seconds = ingest(template, folder, payload, url, workers)
                    best[mode] = min(best.get(mode, seconds), seconds)
            results[size] = best
        print(f"{'entries':>7} | " + " | ".join(f"{m + ' s':>12} {'res/s':>6}" for m in [*MODES, "validate"])
              + " | " + " ".join(f"{'ratio ' + m:>15}" for m in MODES))
        for size, best in results.items():
            print(f"{size:>7} | " + " | ".join(f"{best[m]:>12.3f} {size / best[m]:>6.0f}" for m in [*MODES, "validate"])
                  + " | " + " ".join(f"{best['validate'] / best[m]:>15.2f}" for m in MODES))
        print("ratio = end-to-end resources/s ÷ validation-only resources/s (target >= 0.5)")
        if 500 in results and 5000 in results:
            print("t(5000)/t(500): " + ", ".join(f"{m} {results[5000][m] / results[500][m]:.2f}" for m in MODES)
                  + " (target <= 11)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
