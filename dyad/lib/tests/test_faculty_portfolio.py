from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.faculty_portfolio import academic_years, duration_years, meetings_by_year

TODAY = date(2026, 12, 3)


def test_a_relationship_spans_the_academic_years_from_start_to_end():
    assert academic_years(date(2024, 8, 1), date(2025, 6, 30), TODAY) == [2024]
    assert academic_years(date(2024, 8, 1), date(2025, 7, 1), TODAY) == [2024, 2025]


def test_an_open_relationship_runs_to_today():
    assert academic_years(date(2025, 1, 10), None, TODAY) == [2024, 2025, 2026]


def test_the_academic_year_follows_the_programs_start_month():
    assert academic_years(date(2025, 8, 15), None, TODAY, start_month=9) == [2024, 2025, 2026]


def test_an_end_before_the_start_spans_the_start_year_only():
    assert academic_years(date(2025, 9, 1), date(2025, 8, 1), TODAY) == [2025]


@given(
    start=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 4000),
    month=st.integers(1, 12),
)
def test_years_are_consecutive_and_contain_the_start(start, days, month):
    from datetime import timedelta

    years = academic_years(start, start + timedelta(days=days), TODAY, month)
    assert years == list(range(years[0], years[-1] + 1))
    assert years[0] in (start.year - 1, start.year)


def test_duration_in_years():
    assert duration_years(date(2024, 7, 1), date(2026, 7, 1), TODAY) == 2.0
    assert duration_years(date(2026, 6, 3), None, TODAY) == 0.5
    assert duration_years(date(2027, 1, 1), None, TODAY) == 0.0


def test_meetings_are_counted_per_year_and_kind_newest_first():
    held = [(2025, "mentoring"), (2025, "mentoring"), (2025, "coaching"), (2024, "mentoring")]
    rows = meetings_by_year(held, ["mentoring", "coaching"])
    assert [(r.label, r.counts, r.total) for r in rows] == [
        ("2025–26", (2, 1), 3),
        ("2024–25", (1, 0), 1),
    ]


def test_kinds_not_asked_for_are_not_counted():
    assert meetings_by_year([(2025, "advising")], ["mentoring"]) == []
