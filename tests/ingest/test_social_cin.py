"""The UK Children in Need census sample through POST /api/v1/ingest/uk-cin?municipality=1106: stored as confidential
social-care records with every business-rule warning in the report; a re-send changes nothing.
"""

from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared

INGEST = "/api/v1/ingest/uk-cin"
WARNINGS = [
    ("upn-check-letter", "/Message/Children/Child/ChildIdentifiers/UPN"),
    ("upn-check-letter", "/Message/Children/Child/ChildIdentifiers/FormerUPN"),
    ("assessment-after-closure", "/Message/Children/Child/CINdetails/Assessments/AssessmentAuthorisationDate"),
    ("assessment-before-referral", "/Message/Children/Child/CINdetails/Assessments/AssessmentActualStartDate"),
    ("s47-before-referral", "/Message/Children/Child/CINdetails/Section47/S47ActualStartDate"),
    ("plan-before-referral", "/Message/Children/Child/CINdetails/ChildProtectionPlans/CPPstartDate"),
]


def test_cin_sample_is_stored_with_its_business_rule_warnings(callers, engine):
    service = callers.system("Sosialtjenesten", "social", kommune="1146", scopes=("ingest", "case.read"))
    payload = require_shared("uk-childrens-social-care", "cin_census", "samples", "cin-2022.xml").read_bytes()
    response = service.post(INGEST, content=payload, params={"municipality": "1106"}, headers={"content-type": "application/xml"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["format_version"] == "2022"
    assert [(w["code"], w["path"]) for w in report["warnings"]] == WARNINGS
    assert "the DfE algorithm gives 'P'" in report["warnings"][0]["message"]

    (case_id,) = report["cases"]
    case = service.get(f"/api/v1/cases/{case_id}").json()
    assert case["municipality"] == "1106"  # the query parameter wins over the sender's 1146
    assert all((e["category"], e["sensitivity"]) == ("social", "confidential") for e in case["entries"])
    entries = sorted((e["kind"], e["text"], [c["code"] for c in e["codes"]]) for e in case["entries"])
    assert entries == [
        ("assessment", "Child and family assessment", ["2A", "2B"]),
        ("assessment", "Section 47 enquiry", []),
        ("decision", "Initial child protection conference held", []),
        ("decision", "Initial child protection conference held", []),
        ("observation", "Disabilities recorded in the CIN census", ["HAND", "HEAR"]),
        ("referral", "Referral to children's social care (child in need)", ["1A", "N4", "RC1"]),
    ]
    measures = sorted(
        (m["description"], m["status"], m["start_date"], m["end_date"], [c["code"] for c in m["codes"]], m["category"], m["sensitivity"])
        for m in case["measures"]
    )
    assert measures == [
        ("Child in need plan", "completed", "1971-01-24", "1971-01-26", [], "social", "confidential"),
        ("Child protection plan", "completed", "1970-02-17", "1971-03-14", ["PHY"], "social", "confidential"),
    ]

    before = row_counts(engine)
    again = service.post(INGEST, content=payload, params={"municipality": "1106"}, headers={"content-type": "application/xml"})
    assert again.status_code == 200 and again.json()["created"] == again.json()["updated"] == 0
    assert row_counts(engine) == before
