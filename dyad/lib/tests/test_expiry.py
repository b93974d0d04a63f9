from datetime import date

import pytest

from dyad.lib.expiry import add_months, expires_on, is_current


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 7, 1), 24, date(2028, 7, 1)),
        (date(2026, 12, 3), 0, date(2026, 12, 3)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_training_without_a_validity_never_lapses():
    assert expires_on(date(2010, 1, 1), None) is None
    assert is_current(date(2010, 1, 1), None, on=date(2026, 12, 3))


def test_training_counts_until_the_day_before_it_expires():
    done = date(2024, 12, 3)
    assert is_current(done, 24, on=date(2026, 12, 2))
    assert not is_current(done, 24, on=date(2026, 12, 3))


def test_training_completed_after_the_day_asked_about_does_not_count_yet():
    assert not is_current(date(2026, 12, 10), 12, on=date(2026, 12, 3))
