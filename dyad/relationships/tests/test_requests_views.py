"""Self-select pairing (SPEC M6): a learner asks a guide, the guide answers, requests expire."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, PairingModel, Role
from dyad.relationships.factories import (
    EvaluativeRoleFactory,
    make_guide,
    make_guide_request,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import GuideRequest, Relationship

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
MENTORING = GuidanceKind.MENTORING
COACHING = GuidanceKind.COACHING


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def request_url(program, user):
    return reverse("relationships:request_guide", args=[program.slug, user.guide_profile.uuid])


def requests_url(program):
    return reverse("relationships:requests", args=[program.slug])


def answer_url(name, request):
    return reverse(f"relationships:{name}", args=[request.program.slug, request.uuid])


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- asking a guide ------------------------------------------------------------------------


def test_form_offers_only_kinds_with_room_and_shows_the_places_left(client, program, resident):
    guide = make_guide(program, "Maya", "Okafor", offers={MENTORING: 2, COACHING: 1})
    make_relationship(program=program, guide=guide, kind=COACHING)
    make_relationship(program=program, guide=guide, kind=MENTORING)
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert response.status_code == 200
    assert [value for value, _ in response.context["form"].fields["kind"].choices] == [MENTORING]
    assert "Mentoring (1 place left)" in response.text
    assert 'Coaching</strong> <span class="muted">· full' in response.text  # shown, not offered


def test_learner_sends_a_request_and_the_guide_is_told(
    client, program, resident, faculty, django_capture_on_commit_callbacks
):
    area = ContentArea.objects.get(program=None, slug="research")
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            request_url(program, faculty),
            {"kind": MENTORING, "focus_area": area.pk, "message": "I would love to do research."},
        )
    assert response.status_code == 302
    assert response["Location"] == requests_url(program)
    request = GuideRequest.objects.get()
    assert (request.learner, request.guide, request.kind) == (resident, faculty, MENTORING)
    assert request.focus_area == area
    assert request.state == GuideRequest.State.PENDING
    assert [m.to for m in mail.outbox] == [[faculty.email]]
    assert "Your request has gone to" in flashes(response)[0]


def test_message_is_required(client, program, resident, faculty):
    client.force_login(resident)
    response = client.post(request_url(program, faculty), {"kind": MENTORING, "message": "  "})
    assert response.status_code == 200
    assert "Write a short message to the guide." in response.text
    assert not GuideRequest.objects.exists()


def test_a_kind_the_guide_does_not_offer_is_refused(client, program, resident, faculty):
    client.force_login(resident)
    response = client.post(request_url(program, faculty), {"kind": COACHING, "message": "Hi"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not GuideRequest.objects.exists()


def test_refusal_of_the_service_is_shown_on_the_form(client, program, resident, faculty):
    make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(resident)
    response = client.post(request_url(program, faculty), {"kind": MENTORING, "message": "Again"})
    assert response.status_code == 200
    assert "You have already asked this guide; wait for their answer." in response.text
    assert GuideRequest.objects.count() == 1


def test_a_guide_who_evaluates_the_learner_cannot_be_asked_for_mentoring(
    client, program, resident, faculty
):
    EvaluativeRoleFactory(program=program, evaluator=faculty)
    client.force_login(resident)
    response = client.post(request_url(program, faculty), {"kind": MENTORING, "message": "Hi"})
    assert response.status_code == 200
    # Said before anything is written, and the form is not even offered.
    assert "evaluates you as a Clinical Competency Committee member" in response.text
    assert "Send the request" not in response.text
    assert not GuideRequest.objects.exists()


def test_a_guide_not_accepting_new_learners_shows_no_form(client, program, resident):
    guide = make_guide(program, "Nell", "Busy", accepting_new=False)
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert "not accepting new learners" in response.text
    assert "Send the request" not in response.text


def test_a_faculty_member_may_not_request_a_guide(client, program, faculty):
    other = make_guide(program, "Ola", "Other")
    client.force_login(faculty)
    assert client.get(request_url(program, other)).status_code == 403


def test_learners_of_an_assigned_only_program_may_not_request(client, program, resident, faculty):
    program.pairing_model = PairingModel.ASSIGNED
    program.save()
    client.force_login(resident)
    assert client.get(request_url(program, faculty)).status_code == 403


def test_outsider_gets_404_on_the_request_form(client, program, outsider, faculty):
    client.force_login(outsider)
    assert client.get(request_url(program, faculty)).status_code == 404


def test_a_guide_of_another_program_is_not_found_through_ours(
    client, program, other_program, resident
):
    surgeon = make_guide(other_program, "Sam", "Surgeon")
    client.force_login(resident)
    assert client.get(request_url(program, surgeon)).status_code == 404


def test_anonymous_is_sent_to_login_from_the_request_form(client, program, faculty):
    response = client.get(request_url(program, faculty))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- the requests page -------------------------------------------------------------------


def test_learner_sees_sent_requests_with_state_expiry_and_withdraw(
    client, program, resident, faculty
):
    make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(resident)
    response = client.get(requests_url(program))
    assert response.status_code == 200
    assert "Waiting for an answer" in response.text
    assert "until Sep 29, 2025" in response.text
    assert "Withdraw" in response.text
    assert "Waiting for your answer" not in response.text  # not a guide


def test_pending_request_past_its_expiry_reads_as_expired(
    client, program, resident, faculty, time_machine
):
    make_guide_request(program=program, learner=resident, guide=faculty)
    time_machine.move_to(NOW + timedelta(days=15), tick=False)
    client.force_login(resident)
    text = client.get(requests_url(program)).text
    assert "Expired" in text
    assert "Withdraw" not in text
    client.force_login(faculty)
    response = client.get(requests_url(program))
    assert response.context["waiting"] == []
    assert ">Accept<" not in response.text
    assert GuideRequest.objects.get().state == GuideRequest.State.PENDING  # the command marks it


def test_guide_sees_waiting_requests_with_name_pgy_and_message(client, program, faculty):
    learner = make_learner(program, "Chidi", "Okafor", pgy=2)
    make_guide_request(
        program=program, learner=learner, guide=faculty, message="Research in asthma, please."
    )
    client.force_login(faculty)
    response = client.get(requests_url(program))
    assert response.status_code == 200
    assert "Chidi Okafor" in response.text
    assert "PGY-2" in response.text
    assert "Research in asthma, please." in response.text
    assert ">Accept<" in response.text and ">Decline<" in response.text


def test_guide_sees_answered_requests_below(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    request.state = GuideRequest.State.DECLINED
    request.save()
    client.force_login(faculty)
    response = client.get(requests_url(program))
    assert response.context["waiting"] == []
    assert [r.pk for r in response.context["answered"]] == [request.pk]
    assert "Declined" in response.text


def test_guide_sees_nothing_of_requests_to_others(client, program, faculty, resident):
    other = make_guide(program, "Ola", "Other")
    make_guide_request(program=program, learner=resident, guide=other, message="Secret hope")
    client.force_login(faculty)
    assert "Secret hope" not in client.get(requests_url(program)).text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_requests_page_needs_no_more_queries_with_more_requests(
    client, program, faculty, django_assert_max_num_queries
):
    """A guide who is also a learner sees both lists; the count does not grow with them."""

    def add_requests(n):
        for i in range(n):
            learner = make_learner(program, f"L{i}", "Learner")
            make_guide_request(program=program, learner=learner, guide=faculty)
            other = make_guide(program, f"G{i}", "Other")
            make_guide_request(program=program, learner=faculty, guide=other)

    MembershipFactory(program=program, user=faculty, role=Role.JUNIOR_FACULTY)
    client.force_login(faculty)
    add_requests(1)
    few = _queries(client, requests_url(program))
    add_requests(6)
    with django_assert_max_num_queries(few):
        assert client.get(requests_url(program)).status_code == 200


def test_outsider_gets_404_on_the_requests_page(client, program, outsider):
    client.force_login(outsider)
    assert client.get(requests_url(program)).status_code == 404


def test_anonymous_is_sent_to_login_from_the_requests_page(client, program):
    response = client.get(requests_url(program))
    assert reverse("accounts:login") in response["Location"]


# --- answering -------------------------------------------------------------------------


def test_guide_accepts_and_lands_on_the_new_relationship(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(faculty)
    response = client.post(answer_url("request_accept", request))
    relationship = Relationship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == relationship.get_absolute_url()
    assert (relationship.learner, relationship.guide) == (resident, faculty)
    request.refresh_from_db()
    assert request.state == GuideRequest.State.ACCEPTED
    assert request.relationship == relationship
    assert "proposed mentoring guide" in flashes(response)[0]


def test_accepting_when_full_is_refused_with_a_message(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    make_relationship(program=program, guide=faculty)
    make_relationship(program=program, guide=faculty)
    client.force_login(faculty)
    response = client.post(answer_url("request_accept", request))
    assert response.status_code == 302
    assert response["Location"] == requests_url(program)
    assert "no place left" in flashes(response)[0]
    request.refresh_from_db()
    assert request.state == GuideRequest.State.PENDING
    assert not Relationship.objects.filter(learner=resident).exists()


def test_accepting_an_expired_request_is_refused(client, program, faculty, resident, time_machine):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    time_machine.move_to(NOW + timedelta(days=15), tick=False)
    client.force_login(faculty)
    response = client.post(answer_url("request_accept", request))
    assert response["Location"] == requests_url(program)
    assert "no longer open" in flashes(response)[0]
    assert not Relationship.objects.exists()


def test_guide_declines_and_the_learner_is_told(
    client, program, faculty, resident, django_capture_on_commit_callbacks
):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(faculty)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url("request_decline", request))
    assert response["Location"] == requests_url(program)
    request.refresh_from_db()
    assert request.state == GuideRequest.State.DECLINED
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_learner_withdraws_a_pending_request(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(resident)
    response = client.post(answer_url("request_withdraw", request))
    assert response["Location"] == requests_url(program)
    request.refresh_from_db()
    assert request.state == GuideRequest.State.WITHDRAWN


def test_withdrawing_twice_says_it_is_no_longer_open(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(resident)
    client.post(answer_url("request_withdraw", request))
    response = client.post(answer_url("request_withdraw", request))
    assert "no longer open (Withdrawn)" in flashes(response)[-1]


def test_learner_may_not_accept_their_own_request(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(resident)
    assert client.post(answer_url("request_accept", request)).status_code == 403
    assert client.post(answer_url("request_decline", request)).status_code == 403


def test_guide_may_not_withdraw_the_learners_request(client, program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(faculty)
    assert client.post(answer_url("request_withdraw", request)).status_code == 403


@pytest.mark.parametrize("name", ["request_accept", "request_decline", "request_withdraw"])
def test_members_not_party_to_a_request_get_404(client, program, faculty, resident, director, name):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(director)
    assert client.post(answer_url(name, request)).status_code == 404


@pytest.mark.parametrize("name", ["request_accept", "request_decline", "request_withdraw"])
def test_outsider_gets_404_on_answers(client, program, faculty, resident, outsider, name):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    client.force_login(outsider)
    assert client.post(answer_url(name, request)).status_code == 404


@pytest.mark.parametrize("name", ["request_accept", "request_decline", "request_withdraw"])
def test_answers_are_post_only_and_need_login(client, program, faculty, resident, name):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    response = client.post(answer_url(name, request))
    assert reverse("accounts:login") in response["Location"]
    client.force_login(faculty)
    assert client.get(answer_url(name, request)).status_code == 405
    request.refresh_from_db()
    assert request.state == GuideRequest.State.PENDING


# --- expiry ------------------------------------------------------------------------------


def test_expire_requests_marks_overdue_ones_once_and_tells_each_learner_once(
    program, faculty, resident, time_machine, django_capture_on_commit_callbacks
):
    overdue = make_guide_request(program=program, learner=resident, guide=faculty)
    time_machine.move_to(NOW + timedelta(days=10), tick=False)
    other = make_learner(program, "Fresh", "Request")
    recent = make_guide_request(program=program, learner=other, guide=faculty)
    time_machine.move_to(NOW + timedelta(days=15), tick=False)
    mail.outbox.clear()

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_requests", stdout=out)
    assert out.getvalue().strip() == "1 request expired."
    assert [m.to for m in mail.outbox] == [[resident.email]]
    overdue.refresh_from_db()
    recent.refresh_from_db()
    assert overdue.state == GuideRequest.State.EXPIRED
    assert recent.state == GuideRequest.State.PENDING

    mail.outbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("expire_requests", stdout=out)
    assert out.getvalue().strip() == "0 requests expired."
    assert callbacks == []
    assert mail.outbox == []
