"""“We discussed these”: the parties record the agenda's questions for their meeting."""

import re

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse

from dyad.access import viewer_for
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.questions import selectors
from dyad.questions.factories import QuestionFactory
from dyad.questions.models import AskedQuestion
from dyad.questions.tests.helpers import make_meeting
from dyad.relationships.factories import make_learner, make_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(program, director):
    return make_meeting(make_relationship(program=program, acting_user=director))


@pytest.fixture
def agenda(meeting):
    return selectors.suggested_agenda(meeting.relationship, today=meeting.starts_at.date())


def url(meeting, slug=None):
    slug = slug or meeting.relationship.program.slug
    return reverse("questions:mark_asked", args=[slug, meeting.uuid])


def detail(meeting):
    return reverse("meetings:detail", args=[meeting.relationship.program.slug, meeting.uuid])


def post(client, meeting, questions, **kw):
    return client.post(url(meeting, **kw), {"question": [str(q.uuid) for q in questions]})


def asked(meeting):
    return set(
        AskedQuestion.objects.filter(relationship=meeting.relationship).values_list(
            "question_id", flat=True
        )
    )


@pytest.mark.parametrize("party", ["learner", "guide"])
def test_a_party_records_the_discussed_questions(client, meeting, agenda, party):
    client.force_login(getattr(meeting.relationship, party))
    response = post(client, meeting, agenda[:3])
    assert response.status_code == 302
    assert response["Location"] == detail(meeting)
    assert asked(meeting) == {q.pk for q in agenda[:3]}
    assert AskedQuestion.objects.filter(meeting=meeting).count() == 3
    later = selectors.suggested_agenda(meeting.relationship, today=meeting.starts_at.date())
    assert not {q.pk for q in later} & asked(meeting)


def test_recording_twice_changes_nothing(client, meeting, agenda):
    client.force_login(meeting.relationship.learner)
    post(client, meeting, agenda)
    client.force_login(meeting.relationship.guide)
    post(client, meeting, agenda)
    assert AskedQuestion.objects.filter(relationship=meeting.relationship).count() == len(agenda)


def test_nothing_ticked_is_an_error_message_not_a_failure(client, meeting):
    client.force_login(meeting.relationship.learner)
    response = client.post(url(meeting), {})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Tick the questions you discussed."
    ]
    assert not asked(meeting)


def test_the_agenda_partial_posts_what_the_view_expects(client, rf, meeting, agenda):
    learner = meeting.relationship.learner
    request = rf.get("/")
    request.user = learner
    html = render_to_string(
        "questions/_agenda.html",
        {
            "agenda": agenda,
            "meeting": meeting,
            "viewer": viewer_for(learner, meeting.relationship.program),
        },
        request=request,
    )
    assert f'action="{url(meeting)}"' in html
    assert "We discussed these" in html
    values = re.findall(r'name="question" value="([^"]+)"', html)
    assert values == [str(q.uuid) for q in agenda]
    client.force_login(learner)
    client.post(url(meeting), {"question": values})
    assert asked(meeting) == {q.pk for q in agenda}


def test_unknown_or_foreign_questions_are_refused(client, meeting, agenda, other_program):
    client.force_login(meeting.relationship.learner)
    foreign = QuestionFactory(program=other_program)
    assert post(client, meeting, [agenda[0], foreign]).status_code == 302
    assert client.post(url(meeting), {"question": ["not-a-uuid"]}).status_code == 302
    assert not asked(meeting)


def test_leaders_who_are_not_parties_get_403(client, meeting, agenda, director, coordinator):
    for leader in (director, coordinator):
        client.force_login(leader)
        assert post(client, meeting, agenda).status_code == 403
    assert not asked(meeting)


def test_other_members_get_404(client, program, meeting, agenda, resident, faculty):
    another_learner = make_learner(program, "Ola", "Other", role=Role.RESIDENT)
    for user in (resident, faculty, another_learner):
        client.force_login(user)
        assert post(client, meeting, agenda).status_code == 404
    assert not asked(meeting)


def test_members_of_another_program_get_404(client, meeting, agenda, outsider):
    client.force_login(outsider)
    assert post(client, meeting, agenda).status_code == 404


def test_a_meeting_asked_for_through_another_program_is_not_found(
    client, meeting, agenda, other_program
):
    learner = meeting.relationship.learner
    MembershipFactory(program=other_program, user=learner, role=Role.RESIDENT)
    client.force_login(learner)
    assert post(client, meeting, agenda, slug=other_program.slug).status_code == 404
    assert not asked(meeting)


def test_anonymous_is_sent_to_login(client, meeting, agenda):
    response = post(client, meeting, agenda)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_needs_post(client, meeting):
    client.force_login(meeting.relationship.learner)
    assert client.get(url(meeting)).status_code == 405
