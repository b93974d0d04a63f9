"""The request form offers only what the learner may ask for: kinds open to new learners
and, with a guide who evaluates the learner, no non-evaluative kind (SPEC M3, M6). The
reason is shown before anything is written."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import EvaluativeRoleFactory, make_guide, make_relationship
from dyad.relationships.models import EvaluativeKind, GuideRequest

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
MENTORING, COACHING, ADVISING = (
    GuidanceKind.MENTORING,
    GuidanceKind.COACHING,
    GuidanceKind.ADVISING,
)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def request_url(program, user):
    return reverse("relationships:request_guide", args=[program.slug, user.guide_profile.uuid])


def kinds(response):
    return [value for value, _ in response.context["form"].fields["kind"].choices]


def test_an_evaluator_is_offered_for_advising_only_with_the_reason(client, program, resident):
    guide = make_guide(program, "Maya", "Okafor", offers={MENTORING: 2, COACHING: 1, ADVISING: 2})
    EvaluativeRoleFactory(program=program, evaluator=guide)
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert response.status_code == 200
    assert kinds(response) == [ADVISING]
    text = response.text
    assert "Maya Okafor evaluates you as a Clinical Competency Committee member" in text
    assert "not offered to you for coaching or mentoring; advising is still possible" in text
    assert "Not offered to you here: coaching and mentoring (they evaluate you)." in text
    assert "Send the request" in text


def test_posting_a_conflicting_kind_anyway_is_refused_on_the_form(client, program, resident):
    guide = make_guide(program, offers={COACHING: 1, ADVISING: 2})
    EvaluativeRoleFactory(program=program, evaluator=guide, kind=EvaluativeKind.PROGRAM_DIRECTOR)
    client.force_login(resident)
    response = client.post(request_url(program, guide), {"kind": COACHING, "message": "Hi"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not GuideRequest.objects.exists()


def test_an_evaluator_offering_only_coaching_shows_no_form(client, program, resident):
    guide = make_guide(program, "Maya", "Okafor", offers={COACHING: 2})
    EvaluativeRoleFactory(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 9, 30),
    )
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert "Maya Okafor evaluates you as a rotation supervisor" in response.text
    assert "(from Sep 1, 2025 to Sep 30, 2025)" in response.text
    assert "Send the request" not in response.text
    assert "Find another guide" in response.text


def test_a_supervision_that_has_ended_is_no_conflict(client, program, resident):
    guide = make_guide(program, offers={COACHING: 2})
    EvaluativeRoleFactory(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 7, 1),
        end_date=date(2025, 7, 31),
    )
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert kinds(response) == [COACHING]
    assert "evaluates you" not in response.text


def test_the_form_offers_neither_a_full_kind_nor_a_closed_guide(client, program, resident):
    guide = make_guide(program, offers={MENTORING: 1, COACHING: 1})
    make_relationship(program=program, guide=guide, kind=MENTORING)
    client.force_login(resident)
    response = client.get(request_url(program, guide))
    assert kinds(response) == [COACHING]
    assert 'Mentoring</strong> <span class="muted">· full' in response.text
    assert "Not offered to you here: mentoring (full)." in response.text
    guide.guide_profile.accepting_new = False
    guide.guide_profile.save()
    response = client.get(request_url(program, guide))
    assert "not accepting new learners" in response.text
    assert "place left" not in response.text
    assert "Send the request" not in response.text


def test_an_impossible_focus_area_id_is_an_error_not_a_crash(client, program, resident, faculty):
    client.force_login(resident)
    response = client.post(
        request_url(program, faculty),
        {"kind": MENTORING, "focus_area": "99999999999999999999", "message": "Hello"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["focus_area"]
    assert not GuideRequest.objects.exists()
