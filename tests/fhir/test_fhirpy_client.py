"""A real FHIR client (fhirpy's SyncFHIRClient) against the facade served by uvicorn on 127.0.0.1 (a free port, in a
thread), with a real access token from the same server: search a Patient by identifier, read $everything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fhirpy import SyncFHIRClient

from tests.auth_helpers import Callers
from tests.fhir.helpers import FNR, health_system, patient_with_observation, post_bundle


@pytest.fixture
def server_url(app) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.01)  # polling for readiness with a deadline, not a sleep used as synchronisation
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    app.state.settings = app.state.settings.model_copy(update={"public_url": url})  # the port is known only now
    yield url
    server.should_exit = True
    thread.join(timeout=20)


def test_fhirpy_searches_by_identifier_and_reads_everything(app, server_url, oidc_key):
    with httpx.Client(base_url=server_url, timeout=30) as http:
        callers = Callers(http, app.state.engine, oidc_key)
        sender = health_system(callers)
        pushed = post_bundle(sender, patient_with_observation(fnr="15061512345", value=19.5))
        assert pushed.status_code == 200, pushed.text
        patient_location = pushed.json()["entry"][0]["response"]["location"]

        client = SyncFHIRClient(f"{server_url}/fhir", authorization=f"Bearer {sender.token}")
        found = client.resources("Patient").search(identifier=f"{FNR}|15061512345").fetch()
        assert [f"Patient/{p['id']}" for p in found] == [patient_location]
        assert found[0]["name"][0]["family"] == "Nordmann"
        assert client.resources("Patient").search(identifier=f"{FNR}|01010112345").fetch() == []

        everything = client.execute(f"{patient_location}/$everything", method="get")
        assert everything["resourceType"] == "Bundle" and everything["type"] == "searchset"
        observations = [e["resource"] for e in everything["entry"] if e["resource"]["resourceType"] == "Observation"]
        assert [o["valueQuantity"]["value"] for o in observations] == [19.5]
        assert observations[0]["subject"]["reference"] == patient_location
        assert everything["entry"][0]["fullUrl"] == f"{server_url}/fhir/{patient_location}"
