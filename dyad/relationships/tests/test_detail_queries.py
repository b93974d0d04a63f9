"""The relationship page reads a fixed number of queries, whatever the length of its
history: agreement versions, rematch requests, events and meetings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dyad.meetings.models import Meeting, MeetingStatus
from dyad.relationships import services
from dyad.relationships.factories import (
    acknowledge_both,
    make_active_relationship,
    revise_agreement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rel(program, faculty, resident, director):
    return make_active_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )


def _grow(rel, n):
    """n more meetings, two more agreement versions (one acknowledged) and a rematch
    request from each party."""
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            relationship=rel,
            starts_at=now - timedelta(days=7 * i),
            mode="video",
            status=MeetingStatus.HELD,
        )
        for i in range(1, n + 1)
    )
    revise_agreement(rel, rel.learner, goals="Research, then a first abstract.")
    acknowledge_both(rel)
    revise_agreement(rel, rel.guide, confidentiality="Between us, unless safety is at stake.")
    for party in (rel.learner, rel.guide):
        services.rematch_request_create(
            relationship=rel, acting_user=party, reason="Schedules.", wants_new_guide=False
        )


def _queries(client, user, rel) -> int:
    client.force_login(user)
    client.get(rel.get_absolute_url())  # the first request of a process reads what it keeps
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(rel.get_absolute_url())
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Session, user, program, roles, the relationship, its agreement versions, its rematch
# requests, its events, a page of meetings with their count, the cadence rules and the held
# meetings; a party's page adds their check-in, a learner's the guide profile that the
# navigation asks.
@pytest.mark.parametrize(("who", "expected"), [("learner", 11), ("guide", 11), ("director", 10)])
def test_the_relationship_page_reads_a_fixed_number_of_queries(
    computed_pages, client, rel, director, who, expected
):
    user = {"learner": rel.learner, "guide": rel.guide, "director": director}[who]
    assert _queries(client, user, rel) == expected
    _grow(rel, 40)
    assert _queries(client, user, rel) == expected
