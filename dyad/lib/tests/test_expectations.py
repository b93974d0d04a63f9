from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib.cadence import CadencePolicy
from dyad.lib.expectations import MAX_REMINDERS, meeting_standards, reminder_due, reporting

SENT = datetime(2026, 7, 1, 9, tzinfo=UTC)


def test_standards_follow_the_default_cadence():
    lines = meeting_standards("Mentoring", CadencePolicy())
    assert lines[0] == (
        "Mentoring: A first meeting in July, in person; a pairing that starts later in the "
        "year meets within 30 days of its start."
    )
    assert lines[1] == (
        "A meeting in each of the first 3 months of the academic year, then at least one "
        "every 92 days."
    )
    assert lines[2] == "At least 3 meetings in person each academic year."


def test_standards_follow_a_program_that_meets_monthly_by_video_from_january():
    policy = CadencePolicy(
        year_start_month=1,
        first_meeting_in_person=False,
        monthly_months=12,
        min_in_person_per_year=0,
    )
    lines = meeting_standards("Coaching", policy)
    assert lines[0].startswith("Coaching: A first meeting in January;")
    assert "in person" not in " ".join(lines)
    assert lines[1] == "A meeting in every month of the academic year."
    assert len(lines) == 2


def test_standards_without_monthly_start_name_only_the_gap():
    lines = meeting_standards("Advising", CadencePolicy(monthly_months=0, max_gap_days=1))
    assert lines[1] == "At least one meeting every 1 day."


def test_reporting_names_each_consent_category_and_never_private_notes_or_360():
    text = reporting(["Shared meeting summaries", "Goals and ILP content"])
    assert [line.split(",")[0] for line in text.with_consent] == [
        "Shared meeting summaries",
        "Goals and ILP content",
    ]
    assert all("audit log" in line for line in text.with_consent)
    never = " ".join(text.never)
    assert "Private notes" in never and "360°" in never
    assert any("Pairing-fit" in line for line in text.always)


def test_first_reminder_a_week_after_sending():
    due = dict(sent_at=SENT, reminders_sent=0, last_reminded_at=None, acknowledged=False)
    assert not reminder_due(**due, now=SENT + timedelta(days=6, hours=23))
    assert reminder_due(**due, now=SENT + timedelta(days=7))


def test_then_weekly_after_the_last_reminder():
    last = SENT + timedelta(days=9)
    due = dict(sent_at=SENT, reminders_sent=1, last_reminded_at=last, acknowledged=False)
    assert not reminder_due(**due, now=last + timedelta(days=6))
    assert reminder_due(**due, now=last + timedelta(days=7))


def test_not_before_sending_nor_once_acknowledged():
    now = SENT + timedelta(days=30)
    assert not reminder_due(
        sent_at=None, reminders_sent=0, last_reminded_at=None, now=now, acknowledged=False
    )
    assert not reminder_due(
        sent_at=SENT, reminders_sent=0, last_reminded_at=None, now=now, acknowledged=True
    )


# No deadline: the machine running the tests may be busy; the property is what matters.
@settings(deadline=None)
@given(
    days=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=60),
    acknowledged=st.booleans(),
)
def test_reminders_stay_a_week_apart_and_stop_at_three(days, acknowledged):
    """Running the reminder job on any days at all: never more than three, never two
    within a week, the first not before a week, none at all once acknowledged."""
    sent, last = 0, None
    times = []
    for day in sorted(days):
        now = SENT + timedelta(days=day)
        if reminder_due(
            sent_at=SENT,
            reminders_sent=sent,
            last_reminded_at=last,
            now=now,
            acknowledged=acknowledged,
        ):
            sent, last = sent + 1, now
            times.append(now)
    assert sent <= MAX_REMINDERS
    assert not (acknowledged and sent)
    if times:
        assert times[0] - SENT >= timedelta(days=7)
    assert all(b - a >= timedelta(days=7) for a, b in zip(times, times[1:], strict=False))
