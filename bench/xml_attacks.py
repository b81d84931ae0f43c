"""Benchmark: how fast the ingest API refuses every file of the defusedxml attack corpus, per XML format, against a
baseline measured in the same run (the same API accepting a real, valid document of that format); prints figures.
"""

# Run: python -m bench.xml_attacks   (needs ../shared/data or HUB_SHARED_DATA). Target: every refusal well under 1 s.
# Each figure is the best of RUNS pushes; every attack must be answered 4xx, every baseline 200.

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import BenchHub, migrated_template
from tests.shared_data import shared_data_dir

RUNS = 3
ROOT = Path(__file__).resolve().parents[1]


def baselines(shared: Path) -> dict[str, Path]:
    """A valid document per XML format, as its real senders produce it."""
    return {
        "sif-au": ROOT / "tests/school_pull/fixtures/sif-student-amina.xml",
        "kindergarten-v1": ROOT / "schemas/examples/kindergarten-v1-example.xml",
        "ssb-barnevern": shared / "ssb-barnevern/examples/test01_file01_total.xml",
        "uk-cin": shared / "uk-childrens-social-care/cin_census/samples/cin-2022.xml",
    }


def sender_hub(template: Path, folder: Path) -> BenchHub:
    return BenchHub(template, folder, organisation="Bench sender", sector="child_welfare", scopes=["ingest"])


def push(hub: BenchHub, format_id: str, payload: bytes) -> tuple[int, float]:
    status, seconds, _ = hub.post(f"/api/v1/ingest/{format_id}", payload, "application/xml")
    return status, seconds


def best_refusal(hub: BenchHub, format_id: str, payload: bytes, name: str) -> float:
    times = []
    for _ in range(RUNS):
        status, seconds = push(hub, format_id, payload)
        if not 400 <= status < 500:
            raise SystemExit(f"{format_id}: {name} answered {status}, not a 4xx")
        times.append(seconds)
    return min(times)


def best_acceptance(template: Path, folder: Path, format_id: str, payload: bytes) -> float:
    times = []
    for _ in range(RUNS):
        hub = sender_hub(template, folder)  # a fresh database each run: the document is new every time
        status, seconds = push(hub, format_id, payload)
        hub.close()
        if status != 200:
            raise SystemExit(f"{format_id}: the baseline document answered {status}")
        times.append(seconds)
    return min(times)


def main() -> None:
    shared = shared_data_dir()
    if shared is None:
        raise SystemExit("../shared/data (or HUB_SHARED_DATA) is needed for the attack corpus")
    corpus = sorted(p for p in (shared / "attacks/xml-defusedxml").iterdir() if p.name not in ("LICENSE", "SOURCE.txt"))
    folder = Path(tempfile.mkdtemp(prefix="stafett-bench-xml-"))
    try:
        template = migrated_template(folder)
        worst_overall = 0.0
        print(f"{'format':<16} {'baseline s':>10} | {'worst attack':<20} {'s':>7} {'ratio':>6} | {'median s':>8}")
        for format_id, valid in baselines(shared).items():
            baseline = best_acceptance(template, folder, format_id, valid.read_bytes())
            hub = sender_hub(template, folder)
            refusals = {p.name: best_refusal(hub, format_id, p.read_bytes(), p.name) for p in corpus}
            hub.close()
            worst = max(refusals, key=refusals.get)
            median = sorted(refusals.values())[len(refusals) // 2]
            worst_overall = max(worst_overall, refusals[worst])
            print(f"{format_id:<16} {baseline:>10.4f} | {worst:<20} {refusals[worst]:>7.4f} "
                  f"{refusals[worst] / baseline:>6.2f} | {median:>8.4f}")
        print(f"{len(corpus)} attack files x {len(baselines(shared))} formats refused; slowest refusal "
              f"{worst_overall:.4f} s (target: well under 1 s); ratio = slowest refusal / accepting the valid document")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
