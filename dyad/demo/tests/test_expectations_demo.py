from datetime import UTC, date, datetime

import pytest
import time_machine

from dyad.demo import personas
from dyad.demo.generator import build_demo_program
from dyad.expectations.models import ExpectationsDocument, ExpectationsRequest
from dyad.expectations.selectors import status


@pytest.fixture(autouse=True)
def _clock_on_today():
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.mark.django_db
def test_demo_sent_this_years_expectations_and_most_acknowledged():
    program = build_demo_program(today=date(2026, 12, 3))
    years = set(ExpectationsDocument.objects.filter(program=program).values_list("year", flat=True))
    assert years == {2025, 2026}
    counts = status(program, 2026)["counts"]
    for group in ("learners", "guides"):
        assert 0 < counts[group]["done"] < counts[group]["total"]
        assert counts[group]["done"] > counts[group]["total"] * 0.7
    assert 0 < counts["leadership"]["done"] <= counts["leadership"]["total"]
    intern = ExpectationsRequest.objects.get(
        program=program, year=2026, person__email=personas.INTERN.email
    )
    assert intern.acknowledged_version is None and intern.reminders_sent == 3
    last_year = ExpectationsRequest.objects.filter(program=program, year=2025)
    assert not last_year.filter(acknowledged_version__isnull=True).exists()
