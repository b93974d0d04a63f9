"""`fit_summary(programs, year)`: counts per kind for the metrics pages, in one query."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from dyad.checkins.factories import CheckInFactory
from dyad.checkins.selectors import fit_by_program, fit_summary
from dyad.programs.factories import ProgramFactory
from dyad.relationships.factories import make_active_relationship

pytestmark = pytest.mark.django_db


def answered(rel, day: date, rating: int):
    checkin = CheckInFactory(relationship=rel, rating=rating, due_on=day)
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
    type(checkin).objects.filter(pk=checkin.pk).update(created_at=moment)
    return checkin


def test_counts_and_share_low_per_kind_within_the_academic_year(program):
    mentoring = make_active_relationship(program=program)
    coaching = make_active_relationship(program=program, kind="coaching")
    answered(mentoring, date(2026, 7, 1), 1)
    answered(mentoring, date(2027, 6, 30), 4)
    answered(coaching, date(2026, 9, 1), 5)
    answered(mentoring, date(2026, 6, 30), 1)  # the year before
    answered(mentoring, date(2027, 7, 1), 1)  # the year after
    summary = fit_summary([program], 2026)
    kinds = {row["kind"]: row for row in summary["kinds"]}
    assert (kinds["mentoring"]["count"], kinds["mentoring"]["low"]) == (2, 1)
    assert kinds["mentoring"]["share_low"] == 0.5
    assert (kinds["coaching"]["count"], kinds["coaching"]["share_low"]) == (1, 0.0)
    assert kinds["advising"]["share_low"] is None
    assert (summary["count"], summary["low"]) == (3, 1)


def test_each_program_counts_its_own_academic_year(program):
    january = ProgramFactory(slug="jan", academic_year_start_month=1)
    answered(make_active_relationship(program=january), date(2026, 2, 1), 2)
    answered(make_active_relationship(program=program), date(2026, 2, 1), 2)  # year 2025
    assert fit_summary([program, january], 2026)["count"] == 1
    assert fit_summary([program, january], 2025)["count"] == 1
    assert fit_summary([], 2026)["count"] == 0


@pytest.mark.parametrize("size", [1, 5])
def test_one_query_whatever_the_data(program, size, django_assert_num_queries):
    others = [ProgramFactory(slug=f"p{n}") for n in range(size)]
    for p in [program, *others]:
        for _ in range(size):
            answered(make_active_relationship(program=p), date(2026, 8, 1), 1)
    with django_assert_num_queries(1):
        assert fit_summary([program, *others], 2026)["count"] == size * (size + 1)


def test_per_program_each_program_has_its_own_counts_in_one_query(
    program, django_assert_num_queries
):
    other = ProgramFactory(slug="other")
    quiet = ProgramFactory(slug="quiet")
    answered(make_active_relationship(program=program), date(2026, 8, 1), 1)
    answered(make_active_relationship(program=program), date(2026, 9, 1), 5)
    answered(make_active_relationship(program=other), date(2026, 8, 1), 4)
    with django_assert_num_queries(1):
        by_program = fit_by_program([program, other, quiet], 2026)
    assert (by_program[program.pk]["count"], by_program[program.pk]["low"]) == (2, 1)
    assert (by_program[other.pk]["count"], by_program[other.pk]["low"]) == (1, 0)
    assert by_program[quiet.pk]["count"] == 0 and by_program[quiet.pk]["share_low"] is None
