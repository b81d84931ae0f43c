"""An admin client reads the audit trail only of a child its organisation may read: another organisation's admin gets
the answer of an unknown child, and a participant's admin does not see what services hidden from it did.
"""

import uuid

from tests.cases.helpers import make_case


def test_an_admin_of_an_organisation_outside_the_childs_cases_reads_nothing(callers):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, child_id = make_case(clinic)
    clinic.get(f"/api/v1/cases/{case_id}")
    outsider = callers.system("Tysvær kommune", "municipality", kommune="1146", scopes=("admin",))
    known = outsider.get(f"/api/v1/audit/children/{child_id}")
    unknown = outsider.get(f"/api/v1/audit/children/{uuid.uuid4()}")
    assert known.status_code == unknown.status_code == 404, known.text
    assert known.json()["title"] == unknown.json()["title"]
    assert "case.read" not in known.text


def test_a_participants_admin_does_not_see_what_child_welfare_did(callers):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, child_id = make_case(clinic)
    welfare = callers.system("Barneverntjenesten i Haugesund", "child_welfare")
    school = callers.system("Skåredalen skole", "school", scopes=("admin",))
    for org, role in ((welfare, "child_welfare"), (school, "school")):
        assert clinic.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": org.org, "role": role}).status_code == 201
    assert welfare.get(f"/api/v1/cases/{case_id}").status_code == 200
    bundle = school.get(f"/api/v1/audit/children/{child_id}")
    assert bundle.status_code == 200, bundle.text
    assert welfare.org not in bundle.text and clinic.org in bundle.text
    welfare_admin = callers.system(scopes=("admin",), organization_id=welfare.organization_id)
    assert welfare.org in welfare_admin.get(f"/api/v1/audit/children/{child_id}").text  # its own doings it sees
