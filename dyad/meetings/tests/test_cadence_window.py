"""The cadence of a long relationship is judged from the meetings of the academic year
being judged and the last one before it: the same result as from its whole history, for a
fraction of the rows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dyad.lib import cadence
from dyad.meetings import selectors
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.relationships.factories import acknowledge_both, make_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 16, 15, tzinfo=UTC), tick=False):
        yield


YEARS = 3


def history(program, every_days: int, *, stop_days_ago: int = 0):
    """A relationship of three years with a held meeting every `every_days` days, the last
    `stop_days_ago` days ago; every fourth one by video."""
    rel = make_relationship(
        program=program, start_date=timezone.localdate() - timedelta(days=365 * YEARS)
    )
    acknowledge_both(rel)
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            relationship=rel,
            starts_at=now - timedelta(days=days),
            mode="video" if n % 4 == 0 else "in_person",
            status=MeetingStatus.HELD,
        )
        for n, days in enumerate(range(max(stop_days_ago, 3), 365 * YEARS, every_days))
    )
    return rel


def judged_from_everything(rel, program, today):
    meetings = [
        cadence.Meeting(
            date=timezone.localtime(m.starts_at).date(), in_person=m.mode == "in_person"
        )
        for m in rel.meetings.filter(status=MeetingStatus.HELD)
    ]
    terms = selectors.agreed_terms([rel.pk]).get(rel.pk, (None, ()))
    policy = cadence.with_agreement(selectors.policies_for(program)[rel.kind], *terms)
    return cadence.evaluate(policy, rel.start_date, meetings, today, rel.end_date)


def test_a_long_history_is_judged_as_from_every_meeting(program):
    today = timezone.localdate()
    steady, lapsed = history(program, 14), history(program, 14, stop_days_ago=400)
    results = selectors.cadence_of([steady, lapsed], program, today)
    for rel in (steady, lapsed):
        assert results[rel.pk] == judged_from_everything(rel, program, today)
    assert results[lapsed.pk].status == cadence.Status.FIRST_MEETING_MISSING


def test_only_this_academic_year_and_the_last_meeting_before_are_read(program):
    today = timezone.localdate()
    rel = history(program, 7)
    year_start = cadence.academic_year_start(today, program.academic_year_start_month)
    this_year = rel.meetings.filter(starts_at__date__gte=year_start).count()
    assert rel.meetings.count() > 3 * this_year
    with CaptureQueriesContext(connection) as ctx:
        selectors.cadence_of([rel], program, today)
    [read] = [q["sql"] for q in ctx.captured_queries if "meetings_meeting" in q["sql"]]
    assert "starts_at" in read and "MAX(" in read.upper()
    rows = list(selectors.held_meetings([rel.pk], year_start))
    assert len(rows) == this_year + 1


def test_the_compliance_page_reads_whole_only_the_relationships_it_shows(client, program, director):
    for _ in range(3):
        history(program, 30)
    client.force_login(director)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("meetings:compliance", args=[program.slug]) + "?page=1")
    assert response.context["total"] == 3
    # Meeting rows are read from the window on; the data version comes from the change
    # log (dyad.changes), not from the meetings.
    meetings = [q["sql"] for q in ctx.captured_queries if "meetings_meeting" in q["sql"]]
    assert meetings and all("starts_at" in sql for sql in meetings)
    page = selectors.compliance_page(program, {}, per_page=2)
    assert len(page["page"].object_list) == 2 and page["total"] == 3
