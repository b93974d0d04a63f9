"""The meeting page reads a fixed number of queries, whatever the meeting's record and the
pair's history: attachments, action items, topics, the questions already asked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dyad.meetings import services
from dyad.profiles.models import ContentArea
from dyad.questions import selectors as questions
from dyad.questions.services import questions_mark_asked
from dyad.relationships.factories import make_active_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(program, faculty, resident, director):
    rel = make_active_relationship(
        program=program,
        learner=resident,
        guide=faculty,
        acting_user=director,
        start_date=timezone.localdate() - timedelta(days=120),
    )
    meeting = services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=45,
        mode="in_person",
        place="Room 4",
    )
    services.preparation_save(
        meeting=meeting, acting_user=rel.learner, goals="Goals", progress="", obstacles=""
    )
    services.summary_save(meeting=meeting, acting_user=rel.guide, text="Summary", topics=[])
    return meeting


def _grow(meeting):
    """Topics for the summary, action items, private notes and questions asked at earlier
    meetings."""
    rel = meeting.relationship
    areas = [ContentArea.objects.create(name=f"Area {n}", slug=f"area-{n}") for n in range(3)]
    services.summary_save(meeting=meeting, acting_user=rel.guide, text="Summary", topics=areas)
    for n in range(3):
        services.action_item_add(
            meeting=meeting, acting_user=rel.guide, text=f"Action {n}", owner=rel.learner
        )
    for party in (rel.learner, rel.guide):
        services.private_note_save(meeting=meeting, author=party, text="Mine")
    for days in (30, 60):
        earlier = services.meeting_log(
            relationship=rel,
            acting_user=rel.learner,
            starts_at=timezone.now() - timedelta(days=days),
            duration_minutes=30,
            mode="video",
            link="https://meet.example/x",
        )
        agenda = questions.suggested_agenda(rel, today=timezone.localdate())
        questions_mark_asked(
            relationship=rel, meeting=earlier, questions=agenda[:3], acting_user=rel.guide
        )


def _queries(client, user, meeting) -> int:
    client.force_login(user)
    url = reverse("meetings:detail", args=[meeting.relationship.program.slug, meeting.uuid])
    client.get(url)  # the first request of a process reads what it keeps
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Session, user, program, roles, the meeting, its preparation and summary, attachments,
# action items, topics, the private note, the agenda and the program's topics (and
# the learner's guide profile, which the navigation asks); a leader without consent reads
# the consent and nothing of the record.
@pytest.mark.parametrize(("who", "expected"), [("learner", 11), ("guide", 11), ("director", 5)])
def test_the_meeting_page_reads_a_fixed_number_of_queries(
    computed_pages, client, meeting, director, who, expected
):
    rel = meeting.relationship
    user = {"learner": rel.learner, "guide": rel.guide, "director": director}[who]
    assert _queries(client, user, meeting) == expected
    _grow(meeting)
    assert _queries(client, user, meeting) == expected
