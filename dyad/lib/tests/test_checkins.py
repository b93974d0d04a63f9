from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib import checkins as rules


def test_nothing_is_due_before_the_first_meeting():
    assert rules.due_on(first_meeting=None, last_answered=None, interval_months=4) is None


def test_the_first_check_in_is_due_on_the_day_of_the_first_meeting():
    first = date(2026, 8, 12)
    assert rules.due_on(first_meeting=first, last_answered=None, interval_months=4) == first


def test_the_next_is_due_the_interval_after_the_last_answer():
    due = rules.due_on(
        first_meeting=date(2026, 8, 12), last_answered=date(2026, 8, 20), interval_months=4
    )
    assert due == date(2026, 12, 20)


def test_a_month_end_answer_is_due_again_at_the_shorter_months_end():
    due = rules.due_on(
        first_meeting=date(2026, 9, 1), last_answered=date(2026, 10, 31), interval_months=4
    )
    assert due == date(2027, 2, 28)


def test_due_on_the_day_and_after_not_before():
    due = date(2026, 12, 20)
    assert not rules.is_due(due, due - timedelta(days=1))
    assert rules.is_due(due, due)
    assert rules.is_due(due, due + timedelta(days=40))
    assert not rules.is_due(None, due)


def test_overdue_only_once_the_reminder_wait_has_passed():
    due = date(2026, 12, 20)
    assert not rules.is_overdue(due, due + timedelta(days=rules.REMIND_AFTER_DAYS))
    assert rules.is_overdue(due, due + timedelta(days=rules.REMIND_AFTER_DAYS + 1))
    assert not rules.is_overdue(None, due)


def test_low_is_at_or_below_the_threshold():
    assert [r for r in rules.SCALE if rules.is_low(r, 2)] == [1, 2]
    assert [r for r in rules.SCALE if rules.is_low(r, 1)] == [1]


def test_every_point_of_the_scale_has_words():
    assert set(rules.WORDS) == set(rules.SCALE)


def test_the_rematch_offer_names_the_other_role_in_the_kinds_own_words():
    assert rules.other_party_word("mentoring", rater_is_learner=True) == "mentor"
    assert rules.other_party_word("coaching", rater_is_learner=False) == "coachee"
    assert rules.other_party_word("advising", rater_is_learner=True) == "advisor"
    assert rules.other_party_word("peer_mentoring", rater_is_learner=False) == "peer mentee"


def test_share_of_nothing_is_none():
    assert rules.share(0, 0) is None
    assert rules.share(1, 4) == 0.25


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(first=days, gap=st.integers(0, 2000), interval=st.integers(1, 12))
def test_a_party_who_just_answered_is_not_due_again_within_the_interval(first, gap, interval):
    answered = first + timedelta(days=gap)
    due = rules.due_on(first_meeting=first, last_answered=answered, interval_months=interval)
    assert due is not None
    assert due >= first
    assert not rules.is_due(due, answered)
    # …and is due again at most a little over `interval` months later (31 days a month).
    assert rules.is_due(due, answered + timedelta(days=31 * interval))


@given(first=days, interval=st.integers(1, 12))
def test_the_first_check_in_is_never_before_the_first_meeting(first, interval):
    due = rules.due_on(first_meeting=first, last_answered=None, interval_months=interval)
    assert not rules.is_due(due, first - timedelta(days=1))
    assert rules.is_due(due, first)
