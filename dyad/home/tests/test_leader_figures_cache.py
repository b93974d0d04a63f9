"""The leaders' figures are computed once a day per program and served from the cache
until the data they come from changes: every change a user can make to a pair or to a
meeting gives the figures a fresh computation would, never yesterday's."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dyad.home import selectors
from dyad.meetings import services as meeting_services
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import make_active_relationship
from dyad.relationships.models import EndReason

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    # Time stands still: changes made "at the same instant" must still be seen.
    with time_machine.travel(datetime(2026, 3, 16, 15, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def pairs(program):
    start = timezone.localdate() - timedelta(days=200)
    return [make_active_relationship(program=program, start_date=start) for _ in range(3)]


def fresh(program):
    cache.clear()
    return selectors.leader_figures(program, timezone.localdate())


def figures(program):
    return selectors.leader_figures(program, timezone.localdate())


def log(rel, days_ago=3):
    return meeting_services.meeting_log(
        relationship=rel,
        acting_user=rel.guide,
        starts_at=timezone.now() - timedelta(days=days_ago),
        duration_minutes=30,
        mode="in_person",
    )


def test_a_second_request_reads_the_cached_figures(program, pairs, django_assert_num_queries):
    first = figures(program)
    assert first["total"] == 3 and len(first["behind"]) == 3
    # Rules, pairs and the data version; no meeting row is read, nothing is evaluated.
    with django_assert_num_queries(3):
        assert figures(program) == first


def test_logging_a_meeting_changes_the_figures_at_once(program, pairs):
    before = figures(program)
    log(pairs[0])
    after = figures(program)
    assert after != before
    assert len(after["behind"]) == 2
    assert after == fresh(program)


def test_marking_a_meeting_held_or_deleting_it_changes_the_figures(program, pairs):
    meeting = Meeting.objects.create(
        relationship=pairs[1],
        starts_at=timezone.now() - timedelta(days=2),
        mode="video",
        status=MeetingStatus.SCHEDULED,
    )
    before = figures(program)
    meeting_services.meeting_set_outcome(meeting=meeting, acting_user=pairs[1].learner, held=True)
    held = figures(program)
    assert held != before and held == fresh(program)
    meeting.delete()
    assert figures(program) == before == fresh(program)


def test_ending_a_pair_changes_the_figures(program, pairs, director):
    before = figures(program)
    relationship_services.relationship_end(
        relationship=pairs[2], acting_user=director, reason=EndReason.LEFT_PROGRAM
    )
    after = figures(program)
    assert after["total"] == before["total"] - 1
    assert after == fresh(program)


def test_changing_the_cadence_rules_changes_the_figures(program, pairs):
    log(pairs[0], days_ago=100)
    before = figures(program)
    CadencePolicy.objects.update_or_create(
        program=program,
        kind=pairs[0].kind,
        defaults={"max_gap_days": 365, "min_in_person_per_year": 0},
    )
    after = figures(program)
    assert after == fresh(program)
    assert after != before


def test_the_next_day_is_judged_again(program, pairs):
    figures(program)
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        assert figures(program) == fresh(program)


def test_the_home_page_stops_listing_a_pair_once_its_meeting_is_logged(
    client, program, pairs, director
):
    client.force_login(director)
    url = reverse("home:home", args=[program.slug])
    assert client.get(url).context["leader"]["behind_total"] == 3
    log(pairs[0])
    leader = client.get(url).context["leader"]
    assert leader["behind_total"] == 2
    assert pairs[0].pk not in {row["relationship"].pk for row in leader["behind"]}
