"""The ingest door's format ids come from the `stafett.adapters` entry points: an unknown one is a 404 that lists the
known ones and stores nothing; the entry points are read once per process, not once per request."""

from adapters import registry
from tests.fhir.helpers import health_system
from tests.ingest.helpers import row_counts


def test_an_unknown_format_is_a_404_naming_the_known_ones(callers, engine):
    sender = health_system(callers)
    before = row_counts(engine)
    for _ in range(3):
        response = sender.post("/api/v1/ingest/nope", content=b"{}", headers={"content-type": "application/json"})
        assert response.status_code == 404, response.text
        assert "unknown format 'nope'" in response.json()["detail"] and "fhir-r4" in response.json()["detail"]
    assert row_counts(engine) == before
    assert registry._entry_points.cache_info().currsize == 1  # read once, kept
    assert set(registry.available_formats()) >= {"fhir-r4", "sif-au", "kindergarten-v1", "ssb-barnevern",
                                                 "ks-bekymringsmelding", "uk-cin"}
