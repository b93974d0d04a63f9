import pytest

from dyad import personal_data
from dyad.expectations import services
from dyad.expectations.factories import acknowledge, send_year
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role

pytestmark = pytest.mark.django_db


def sections_of(user) -> dict:
    return {s.key: records for s, records in personal_data.collect(user)}


def test_ones_acknowledgements_and_nobody_elses(program, director, resident, year):
    other = MembershipFactory(program=program, role=Role.RESIDENT).user
    send_year(program, year, director)
    acknowledge(program, year, "learners", resident)
    (record,) = sections_of(resident)["expectations"]
    assert record["Acknowledged version"] == 1 and record["Document"] == "Learners"
    assert [r["Acknowledged version"] for r in sections_of(other)["expectations"]] == [None]


def test_a_leaders_agreements_to_the_consent_terms(program, director, year):
    services.leadership_agree(program=program, year=year, acting_user=director)
    (record,) = sections_of(director)["leadership_agreements"]
    assert record["Academic year"] == f"{year}–{year + 1}"
    assert "audit log" in record["Terms"]
