"""The fhir-test-cases validator cases whose expected outcome has an error, through the API: rejected with a 4xx
naming the fault and nothing persisted, or accepted on purpose for the reason the adapter tests' allow-list gives.
"""

from __future__ import annotations

import pytest

from tests.adapters.fhir_r4.test_rejects import ACCEPTED, _validator_cases
from tests.fhir.helpers import health_system
from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared


@pytest.mark.parametrize("case", _validator_cases(), ids=lambda c: c["name"])
def test_error_cases_are_rejected_through_the_api_or_accepted_for_a_stated_reason(callers, engine, case):
    sender = health_system(callers)
    path = require_shared("fhir-test-cases", "validator", case["input"])
    content_type = "application/fhir+xml" if path.suffix == ".xml" else "application/fhir+json"
    before = row_counts(engine)
    response = sender.post("/api/v1/ingest/fhir-r4", content=path.read_bytes(), headers={"content-type": content_type})
    if case["name"] in ACCEPTED:
        assert ACCEPTED[case["name"]]  # the reason we accept it
        assert response.status_code == 200, response.text
        return
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]
    assert row_counts(engine) == before
