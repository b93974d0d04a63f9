"""The compliance table's statuses are computed once a day per program and then read from
the cache until a pair, a meeting, an agreement or the rules change: whatever a user does,
the table shows what a fresh evaluation would."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dyad.meetings import selectors, services
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.programs.models import GuidanceKind
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import acknowledge_both, make_relationship, revise_agreement
from dyad.relationships.models import EndReason

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    # Time stands still: changes made "at the same instant" must still be seen.
    with time_machine.travel(datetime(2026, 3, 16, 15, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def pairs(program):
    out = []
    for _ in range(3):
        rel = make_relationship(program=program, start_date=timezone.localdate() - timedelta(200))
        acknowledge_both(rel)
        out.append(rel)
    return out


def statuses(program):
    page = selectors.compliance_page(program, {})
    return {row["relationship"].pk: row["result"] for row in page["page"].object_list}


def fresh(program):
    cache.clear()
    return statuses(program)


def log(rel, days_ago=3):
    return services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(days=days_ago),
        duration_minutes=30,
        mode="in_person",
    )


def test_cached_statuses_are_read_without_reading_meetings(program, pairs):
    first = selectors.program_cadence(program, timezone.localdate())
    assert set(first) == {r.pk for r in pairs}
    # Policies, pairs, data version: the meetings and agreements are not read again.
    with CaptureQueriesContext(connection) as queries:
        assert selectors.program_cadence(program, timezone.localdate()) == first
    assert len(queries.captured_queries) == 3


def test_logging_marking_and_deleting_meetings_are_seen_at_once(program, pairs):
    before = statuses(program)
    meeting = log(pairs[0])
    logged = statuses(program)
    assert logged != before and logged == fresh(program)
    services.meeting_set_outcome(meeting=meeting, acting_user=pairs[0].guide, held=False)
    assert statuses(program) == fresh(program) == before
    # A change that bypasses `updated_at` still changes how many meetings are held.
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    assert statuses(program) == fresh(program) == logged
    meeting.delete()
    assert statuses(program) == fresh(program) == before


def test_a_new_agreement_acknowledged_by_both_is_seen_at_once(program, pairs):
    log(pairs[1], days_ago=50)
    before = statuses(program)
    revise_agreement(pairs[1], pairs[1].learner, meeting_frequency="quarterly")
    acknowledge_both(pairs[1])
    after = statuses(program)
    assert after == fresh(program)
    assert after[pairs[1].pk] != before[pairs[1].pk]


def test_rules_and_ended_pairs_are_seen_at_once(program, pairs, director):
    log(pairs[0], days_ago=40)
    before = statuses(program)
    CadencePolicy.objects.create(
        program=program, kind=GuidanceKind.MENTORING, max_gap_days=30, min_in_person_per_year=0
    )
    stricter = statuses(program)
    assert stricter != before and stricter == fresh(program)
    relationship_services.relationship_end(
        relationship=pairs[2], acting_user=director, reason=EndReason.LEFT_PROGRAM
    )
    assert set(statuses(program)) == {pairs[0].pk, pairs[1].pk}
