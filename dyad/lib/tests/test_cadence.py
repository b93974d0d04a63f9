"""The cadence rules, case by case. Every date is explicit; the academic year 2025–26 starts
on 1 July 2025 unless a test says otherwise."""

from datetime import date

import pytest

from dyad.lib.cadence import (
    CadencePolicy,
    Meeting,
    Status,
    academic_year_start,
    evaluate,
    evaluate_many,
    with_agreement,
)

POLICY = CadencePolicy()
# A relationship that already existed before the academic year 2025–26.
CONTINUING = date(2024, 9, 1)


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def met(iso: str, *, in_person: bool = False, held: bool = True) -> Meeting:
    return Meeting(date=day(iso), in_person=in_person, held=held)


def check(meetings, today, *, start=CONTINUING, end=None, policy=POLICY):
    start = day(start) if isinstance(start, str) else start
    return evaluate(policy, start, meetings, day(today), day(end) if end else None)


# A continuing relationship that kept every rule in 2024–25.
LAST_YEAR = [
    met("2024-09-05", in_person=True),
    met("2024-10-03"),
    met("2024-11-07", in_person=True),
    met("2025-01-30"),
    met("2025-03-20", in_person=True),
    met("2025-06-12"),
]
# ... and in the first quarter of 2025–26.
FIRST_QUARTER = [
    met("2025-07-08", in_person=True),
    met("2025-08-12"),
    met("2025-09-16"),
]


def test_defaults_follow_the_spec():
    assert (
        CadencePolicy(
            year_start_month=7,
            first_meeting_in_person=True,
            first_meeting_days_midyear=30,
            monthly_months=3,
            max_gap_days=92,
            min_in_person_per_year=3,
            due_soon_days=14,
        )
        == POLICY
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("year_start_month", 0),
        ("year_start_month", 13),
        ("monthly_months", 13),
        ("max_gap_days", 0),
        ("first_meeting_days_midyear", -1),
        ("min_in_person_per_year", -1),
        ("due_soon_days", -1),
    ],
)
def test_policy_rejects_impossible_numbers(field, value):
    with pytest.raises(ValueError, match=field):
        CadencePolicy(**{field: value})


def test_academic_year_starts_on_the_first_of_the_start_month():
    assert academic_year_start(day("2025-06-30")) == day("2024-07-01")
    assert academic_year_start(day("2025-07-01")) == day("2025-07-01")
    assert academic_year_start(day("2025-12-31"), start_month=1) == day("2025-01-01")


def test_statuses_are_ordered_by_severity_with_labels():
    assert [s.severity for s in Status] == [0, 1, 2, 3, 4]
    assert Status.FIRST_MEETING_MISSING.severity > Status.OVERDUE.severity
    assert Status.OVERDUE.severity > Status.IN_PERSON_SHORTFALL.severity
    assert Status.IN_PERSON_SHORTFALL.severity > Status.DUE_SOON.severity
    assert Status.DUE_SOON.severity > Status.ON_TRACK.severity
    assert Status.IN_PERSON_SHORTFALL.label == "In-person shortfall"
    assert Status("due_soon") is Status.DUE_SOON


# Rule 1: the first meeting of the year.


def test_first_meeting_not_missing_yet_early_in_july():
    result = check(LAST_YEAR, "2025-07-05")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-07-31")
    assert result.in_person_due == day("2025-07-31")
    assert result.reasons == ("Next meeting due by 31 Jul 2025, in person.",)


def test_first_meeting_due_soon_in_the_last_fortnight_of_july():
    assert check(LAST_YEAR, "2025-07-16").status is Status.ON_TRACK
    assert check(LAST_YEAR, "2025-07-17").status is Status.DUE_SOON
    assert check(LAST_YEAR, "2025-07-31").status is Status.DUE_SOON


def test_first_meeting_missing_once_july_passes_without_one():
    result = check(LAST_YEAR, "2025-08-01")
    assert result.status is Status.FIRST_MEETING_MISSING
    assert result.next_due == day("2025-07-31")
    assert (
        result.reasons[0] == "No meeting yet this academic year; the first was due by 31 Jul 2025."
    )


def test_meeting_on_the_deadline_day_counts():
    result = check([*LAST_YEAR, met("2025-07-31", in_person=True)], "2025-08-01")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-08-31")


def test_late_first_meeting_clears_first_meeting_missing():
    result = check([*LAST_YEAR, met("2025-08-04", in_person=True)], "2025-08-05")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-09-30")


def test_remote_first_meeting_still_needs_an_in_person_one_in_july():
    result = check([*LAST_YEAR, met("2025-07-10")], "2025-07-12")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-08-31")
    assert result.in_person_due == day("2025-07-31")
    assert "Next in-person meeting due by 31 Jul 2025." in result.reasons


def test_remote_first_meeting_is_an_in_person_shortfall_after_july():
    result = check([*LAST_YEAR, met("2025-07-10")], "2025-08-01")
    assert result.status is Status.IN_PERSON_SHORTFALL
    assert result.reasons[0] == (
        "0 of 3 in-person meetings held this academic year; the first was due by 31 Jul 2025."
    )


def test_remote_first_meeting_is_fine_when_the_policy_allows_it():
    policy = CadencePolicy(first_meeting_in_person=False)
    result = check([*LAST_YEAR, met("2025-07-10")], "2025-08-01", policy=policy)
    assert result.status is Status.ON_TRACK


def test_relationship_never_met_since_an_earlier_year_is_missing_its_first_meeting():
    result = check([], "2025-07-05", start="2025-01-10")
    assert result.status is Status.FIRST_MEETING_MISSING
    assert result.next_due == day("2025-02-09")
    assert result.reasons[0] == (
        "No meeting since the relationship started on 10 Jan 2025; the first was due by 9 Feb 2025."
    )


# Mid-year starts.


def test_midyear_start_gives_thirty_days():
    start = "2025-10-10"
    assert check([], "2025-10-10", start=start).next_due == day("2025-11-09")
    assert check([], "2025-10-25", start=start).status is Status.ON_TRACK
    assert check([], "2025-10-26", start=start).status is Status.DUE_SOON
    assert check([], "2025-11-09", start=start).status is Status.DUE_SOON
    missing = check([], "2025-11-10", start=start)
    assert missing.status is Status.FIRST_MEETING_MISSING
    assert missing.reasons[0] == (
        "No meeting since the relationship started on 10 Oct 2025; the first was due by 9 Nov 2025."
    )


def test_midyear_days_are_configurable():
    policy = CadencePolicy(first_meeting_days_midyear=45)
    assert check([], "2025-10-10", start="2025-10-10", policy=policy).next_due == day("2025-11-24")


def test_start_on_the_first_day_of_the_year_keeps_july():
    assert check([], "2025-07-01", start="2025-07-01").next_due == day("2025-07-31")


def test_start_in_july_never_shortens_the_first_month():
    assert check([], "2025-07-02", start="2025-07-02").next_due == day("2025-08-01")
    policy = CadencePolicy(first_meeting_days_midyear=7)
    assert check([], "2025-07-02", start="2025-07-02", policy=policy).next_due == day("2025-07-31")


def test_midyear_start_in_the_first_quarter_still_meets_monthly():
    result = check([met("2025-08-20", in_person=True)], "2025-08-21", start="2025-08-15")
    assert result.next_due == day("2025-09-30")


def test_early_first_meeting_never_brings_the_next_deadline_before_the_grace_period():
    policy = CadencePolicy(first_meeting_days_midyear=90)
    result = check([met("2025-07-03")], "2025-07-04", start="2025-07-02", policy=policy)
    assert result.next_due == day("2025-09-30")


# Rule 2: monthly, then at most three months apart.


def test_overdue_when_no_meeting_in_august():
    result = check([*LAST_YEAR, met("2025-07-08", in_person=True)], "2025-09-01")
    assert result.status is Status.OVERDUE
    assert result.next_due == day("2025-08-31")
    assert result.reasons[0] == "No meeting since 8 Jul 2025; one was due by 31 Aug 2025."


def test_late_meeting_clears_overdue():
    meetings = [*LAST_YEAR, met("2025-07-08", in_person=True), met("2025-09-03")]
    result = check(meetings, "2025-09-04")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-12-04")


def test_after_the_first_quarter_the_gap_is_ninety_two_days():
    result = check([*LAST_YEAR, *FIRST_QUARTER], "2025-10-01")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-12-17")


def test_overdue_when_no_meeting_in_quarter():
    meetings = [*LAST_YEAR, *FIRST_QUARTER]
    assert check(meetings, "2025-12-17").status is Status.DUE_SOON
    result = check(meetings, "2025-12-18")
    assert result.status is Status.OVERDUE
    assert result.last_meeting == day("2025-09-16")
    assert result.reasons[0] == "No meeting since 16 Sep 2025; one was due by 17 Dec 2025."


def test_due_soon_within_window():
    meetings = [*LAST_YEAR, *FIRST_QUARTER]
    assert check(meetings, "2025-12-02").status is Status.ON_TRACK
    due_soon = check(meetings, "2025-12-03")
    assert due_soon.status is Status.DUE_SOON
    assert due_soon.reasons == ("Next meeting due by 17 Dec 2025.",)


def test_due_soon_window_is_configurable():
    policy = CadencePolicy(due_soon_days=30)
    assert check([*LAST_YEAR, *FIRST_QUARTER], "2025-11-17", policy=policy).status is (
        Status.DUE_SOON
    )


def test_monthly_months_configurable():
    policy = CadencePolicy(monthly_months=0)
    result = check([*LAST_YEAR, met("2025-07-08", in_person=True)], "2025-09-01", policy=policy)
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-10-08")


# Rule 3: in person.


def test_in_person_meetings_are_spread_over_thirds_of_the_year():
    result = check([*LAST_YEAR, *FIRST_QUARTER], "2025-10-01")
    assert result.in_person_this_year == 1
    assert result.in_person_target == 3
    assert result.in_person_due == day("2026-03-01")


def test_in_person_shortfall_when_second_third_ends_with_one():
    meetings = [*LAST_YEAR, *FIRST_QUARTER, met("2025-12-01"), met("2026-02-20")]
    assert check(meetings, "2026-03-01").status is Status.DUE_SOON
    result = check(meetings, "2026-03-02")
    assert result.status is Status.IN_PERSON_SHORTFALL
    assert result.reasons[0] == (
        "1 of 3 in-person meetings held this academic year; 2 were due by 1 Mar 2026."
    )


def test_in_person_shortfall_clears_when_caught_up():
    meetings = [*LAST_YEAR, *FIRST_QUARTER, met("2025-12-01"), met("2026-03-10", in_person=True)]
    result = check(meetings, "2026-03-11")
    assert result.status is Status.ON_TRACK
    assert result.in_person_due == day("2026-06-30")


def test_in_person_shortfall_without_first_meeting_rule_waits_for_the_first_third():
    policy = CadencePolicy(first_meeting_in_person=False)
    remote = [*LAST_YEAR, met("2025-07-08"), met("2025-08-12"), met("2025-09-16")]
    assert check(remote, "2025-10-30", policy=policy).status is Status.DUE_SOON
    assert check(remote, "2025-10-31", policy=policy).status is Status.IN_PERSON_SHORTFALL


@pytest.mark.parametrize(
    "start, target",
    [
        ("2025-07-01", 3),
        ("2025-10-01", 2),
        ("2025-12-01", 2),
        ("2026-01-01", 1),
        ("2026-05-01", 1),
        ("2026-06-01", 1),  # no share of the minimum, but the first meeting is in person
    ],
)
def test_in_person_target_is_pro_rated_for_midyear_starts(start, target):
    assert check([], start, start=start).in_person_target == target


def test_overdue_takes_precedence_over_in_person_shortfall():
    remote = [*LAST_YEAR, met("2025-07-08"), met("2025-08-12"), met("2025-09-16")]
    result = check(remote, "2025-12-18")
    assert result.status is Status.OVERDUE
    assert result.reasons[1].startswith("0 of 3 in-person meetings")


def test_first_meeting_missing_takes_precedence_over_overdue():
    result = check([met("2025-03-01", in_person=True)], "2025-08-01")
    assert result.status is Status.FIRST_MEETING_MISSING
    assert [r.split(";")[0] for r in result.reasons] == [
        "No meeting yet this academic year",
        "No meeting since 1 Mar 2025",
        "0 of 3 in-person meetings held this academic year",
    ]


# Year boundaries.


def test_new_year_restarts_the_first_meeting_and_in_person_count():
    result = check([*LAST_YEAR, met("2025-06-20", in_person=True)], "2025-07-10")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-07-31")
    assert result.in_person_this_year == 0
    assert result.meetings_this_year == 0
    assert result.academic_year_start == day("2025-07-01")


def test_gap_runs_across_the_year_boundary():
    result = check([met("2025-04-01", in_person=True)], "2025-07-03")
    assert result.status is Status.OVERDUE
    assert result.next_due == day("2025-07-02")


def test_june_next_due_is_capped_by_the_first_meeting_of_the_next_year():
    result = check([met("2025-06-01", in_person=True)], "2025-06-20")
    assert result.next_due == day("2025-07-31")


def test_year_start_month_is_configurable():
    policy = CadencePolicy(year_start_month=1)
    result = check([met("2025-11-20", in_person=True)], "2026-01-05", policy=policy)
    assert result.academic_year_start == day("2026-01-01")
    assert result.next_due == day("2026-01-31")
    assert result.reasons == ("Next meeting due by 31 Jan 2026, in person.",)


# Ended relationships, future, unheld and out-of-range meetings.


def test_ended_relationship_is_judged_as_it_stood_when_it_ended():
    meetings = [*LAST_YEAR, met("2025-07-08", in_person=True), met("2025-08-12")]
    result = check(meetings, "2026-01-15", end="2025-09-10")
    assert result.ended
    assert result.status is Status.ON_TRACK
    assert result.next_due is None
    assert result.in_person_due is None
    assert result.reasons == ("Ended on 10 Sep 2025.",)


def test_ended_relationship_that_lapsed_stays_overdue():
    meetings = [*LAST_YEAR, met("2025-07-08", in_person=True)]
    result = check(meetings, "2026-01-15", end="2025-09-10")
    assert result.status is Status.OVERDUE
    assert result.reasons[1] == "No meeting since 8 Jul 2025; one was due by 31 Aug 2025."


def test_ended_relationship_owes_what_fell_due_up_to_its_last_day():
    meetings = [*LAST_YEAR, met("2025-07-08", in_person=True)]
    assert check(meetings, "2026-01-15", end="2025-08-30").status is Status.ON_TRACK
    assert check(meetings, "2026-01-15", end="2025-08-31").status is Status.OVERDUE


def test_no_meeting_is_due_after_the_end_date():
    result = check([*LAST_YEAR, met("2025-07-08", in_person=True)], "2025-08-05", end="2025-08-20")
    assert result.status is Status.ON_TRACK
    assert result.next_due is None
    assert result.reasons == ("No further meeting is due before it ends on 20 Aug 2025.",)


def test_meetings_after_today_are_ignored():
    meetings = [*LAST_YEAR, met("2025-07-20", in_person=True)]
    result = check(meetings, "2025-07-19")
    assert result.last_meeting == day("2025-06-12")
    assert result.in_person_this_year == 0
    assert result.next_planned == day("2025-07-20")


def test_meetings_not_held_are_ignored():
    result = check([*LAST_YEAR, met("2025-07-08", in_person=True, held=False)], "2025-08-01")
    assert result.status is Status.FIRST_MEETING_MISSING
    assert result.next_planned is None


def test_meetings_before_the_start_are_ignored():
    result = check([met("2025-09-20", in_person=True)], "2025-10-20", start="2025-10-01")
    assert result.last_meeting is None
    assert result.status is Status.DUE_SOON


def test_scheduled_meeting_is_reported_as_planned():
    meetings = [*LAST_YEAR, met("2025-07-25", in_person=True, held=False)]
    result = check(meetings, "2025-07-20")
    assert result.status is Status.DUE_SOON
    assert result.next_planned == day("2025-07-25")
    assert result.reasons[-1] == "Next meeting planned for 25 Jul 2025."


def test_meeting_today_not_yet_logged_is_planned_not_counted():
    result = check([*LAST_YEAR, met("2025-07-20", held=False)], "2025-07-20")
    assert result.meetings_this_year == 0
    assert result.next_planned == day("2025-07-20")


def test_relationship_that_has_not_started_has_its_first_meeting_ahead():
    result = check([met("2025-10-20", held=False)], "2025-09-20", start="2025-10-01")
    assert result.status is Status.ON_TRACK
    assert result.next_due == day("2025-10-31")
    assert result.next_planned == day("2025-10-20")
    assert result.reasons == (
        "Starts on 1 Oct 2025.",
        "First meeting due by 31 Oct 2025, in person.",
        "Next meeting planned for 20 Oct 2025.",
    )


def test_end_before_start_is_rejected():
    with pytest.raises(ValueError, match="before"):
        check([], "2025-09-01", start="2025-08-01", end="2025-07-01")


def test_meetings_may_come_in_any_order():
    meetings = [*LAST_YEAR, *FIRST_QUARTER]
    assert check(meetings[::-1], "2025-10-01") == check(meetings, "2025-10-01")


def test_evaluate_many_uses_the_policy_of_each_kind():
    policies = {"mentoring": POLICY, "coaching": CadencePolicy(monthly_months=0)}
    meetings = [*LAST_YEAR, met("2025-07-08", in_person=True)]
    rows = [
        ("mentoring", CONTINUING, meetings, None),
        ("coaching", CONTINUING, meetings, None),
        ("coaching", CONTINUING, meetings, day("2025-08-15")),
    ]
    results = evaluate_many(policies, rows, day("2025-09-01"))
    assert [r.status for r in results] == [Status.OVERDUE, Status.ON_TRACK, Status.ON_TRACK]
    assert results[2].ended


# --- The agreement (rule 5) ---------------------------------------------------------------

AGREED_START = date(2024, 6, 1)


def agreed(frequency, modes=(), policy=None):
    return with_agreement(policy or CadencePolicy(), frequency, tuple(modes))


def test_a_monthly_agreement_keeps_a_meeting_due_every_month_after_the_first_quarter():
    meetings = [Meeting(date(2025, 11, 10), in_person=True)]
    program_only = evaluate(CadencePolicy(), AGREED_START, meetings, date(2025, 11, 20))
    monthly = evaluate(agreed("monthly"), AGREED_START, meetings, date(2025, 11, 20))
    assert program_only.next_due == date(2026, 2, 10)
    assert monthly.next_due == date(2025, 12, 31)


def test_a_weekly_agreement_is_due_within_seven_days_and_not_always_due_soon():
    meetings = [Meeting(date(2025, 11, 10), in_person=True)]
    weekly = evaluate(agreed("weekly"), AGREED_START, meetings, date(2025, 11, 12))
    assert weekly.next_due == date(2025, 11, 17)
    assert weekly.status == Status.ON_TRACK
    assert evaluate(agreed("weekly"), AGREED_START, meetings, date(2025, 11, 18)).status == (
        Status.OVERDUE
    )


def test_an_agreement_never_asks_less_than_the_program():
    strict = CadencePolicy(monthly_months=12, max_gap_days=30)
    assert agreed("quarterly", policy=strict) == strict
    assert agreed("bimonthly", policy=strict) == strict
    assert agreed("bimonthly").max_gap_days == 61


def test_a_pair_that_agreed_on_video_is_not_told_to_meet_in_person():
    policy = agreed("monthly", ["video"])
    result = evaluate(policy, AGREED_START, [Meeting(date(2025, 7, 8))], date(2025, 7, 20))
    assert result.status == Status.ON_TRACK
    assert result.in_person_due is None
    assert result.reasons == ("Next meeting due by 31 Aug 2025, by video.",)


def test_the_next_meeting_names_the_agreed_modes_unless_in_person_is_due():
    policy = agreed("monthly", ["in_person", "phone"])
    met = [Meeting(date(2025, 7, 8), in_person=True)]
    result = evaluate(policy, AGREED_START, met, date(2025, 7, 20))
    assert result.reasons[0] == "Next meeting due by 31 Aug 2025, in person or by phone."
    last_year = [Meeting(date(2025, 6, 10), in_person=True)]
    first = evaluate(policy, AGREED_START, last_year, date(2025, 7, 2))
    assert first.reasons[0] == "Next meeting due by 31 Jul 2025, in person."


def test_unknown_agreed_terms_are_refused():
    with pytest.raises(ValueError, match="frequency"):
        agreed("fortnightly-ish")
    with pytest.raises(ValueError, match="modes"):
        agreed("monthly", ["carrier pigeon"])
