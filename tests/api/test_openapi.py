"""The OpenAPI document is complete: every error answer declared with its media type (problem+json on /api,
OperationOutcome on /fhir, OAuth errors on the token endpoint), raw bodies' media types, the bearer scheme.
"""

from hub.auth.gate import needs_token


def _operations(app):
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_error_answer_is_declared_with_the_hubs_media_type(app):
    for path, method, operation in _operations(app):
        responses = operation["responses"]
        expected = {"401", "403", "404"} if needs_token(path) else set()
        if method == "post":
            expected |= {"413"} if path == "/oauth/token" else {"413", "422"}
        assert expected <= set(responses), f"{method} {path}: {sorted(responses)}"
        for status, answer in responses.items():
            if not status.startswith(("4", "5")):
                continue
            media = set(answer["content"])
            if path == "/oauth/token" and status != "413":
                assert media == {"application/json"}, (path, status)
            elif path.startswith("/fhir"):
                assert media == {"application/fhir+json"}, (path, status)
            else:
                assert media == {"application/problem+json"}, (path, status)
        if needs_token(path):
            assert operation["security"] == [{"bearer": []}], path


def test_raw_bodies_and_fhir_answers_name_their_media_types(app):
    paths = app.openapi()["paths"]
    ingest = set(paths["/api/v1/ingest/{format_id}"]["post"]["requestBody"]["content"])
    assert {"application/fhir+json", "application/fhir+xml", "application/xml", "application/json", "text/xml"} <= ingest
    assert set(paths["/fhir"]["post"]["requestBody"]["content"]) == {"application/fhir+json", "application/fhir+xml"}
    assert set(paths["/fhir/metadata"]["get"]["responses"]["200"]["content"]) == {"application/fhir+json", "application/fhir+xml"}
    assert "application/x-www-form-urlencoded" in paths["/oauth/token"]["post"]["requestBody"]["content"]
    assert "429" in paths["/oauth/token"]["post"]["responses"]
    assert "Retry-After" in paths["/oauth/token"]["post"]["responses"]["429"]["headers"]
    assert paths["/fhir/Patient"]["get"]["parameters"][0]["name"] == "identifier"
