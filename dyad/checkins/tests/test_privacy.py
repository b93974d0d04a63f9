"""A rating is for the one who gave it and for program leaders who are not a party; the
other party must never see, infer or be mailed anything of it (SPEC M11)."""

import re

import pytest
from django.urls import reverse

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.models import AuditEntry
from dyad.checkins import services
from dyad.checkins.tests.conftest import hold_meeting
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships.factories import make_active_relationship, make_guide, make_learner
from dyad.relationships.models import EvaluativeKind
from dyad.relationships.services import evaluative_role_create

pytestmark = pytest.mark.django_db

SECRET = "CHECKIN-COMMENT-SECRET"


@pytest.fixture
def people(program, other_program, director, coordinator, pair, learner, guide):
    evaluator = make_guide(program, "Eve", "Valuator")
    evaluative_role_create(
        program=program,
        evaluator=evaluator,
        kind=EvaluativeKind.CCC_MEMBER,
        start_date=pair.start_date,
        acting_user=director,
    )
    coach = MembershipFactory(program=program, role=Role.EXTERNAL_COACH).user
    GuideProfileFactory(user=coach, offers={"coaching": 2})
    coached = make_active_relationship(
        program=program, guide=coach, kind="coaching", acting_user=director
    )
    return {
        "learner": learner,
        "guide": guide,
        "other_learner": make_learner(program, "Olga", "Other"),
        "other_guide": make_guide(program, "Otto", "Other"),
        "evaluator": evaluator,
        "external_coach": coached.guide,
        "outsider": MembershipFactory(program=other_program, role=Role.DIRECTOR).user,
        "director": director,
        "coordinator": coordinator,
    }


def _low(pair, learner, capture):
    with capture(execute=True):
        return services.checkin_record(
            relationship=pair, rating=1, comment=SECRET, acting_user=learner
        )


READERS = {"learner": 200, "director": 200, "coordinator": 200}


@pytest.mark.parametrize(
    "persona",
    [
        "learner",
        "guide",
        "other_learner",
        "other_guide",
        "evaluator",
        "external_coach",
        "outsider",
        "director",
        "coordinator",
    ],
)
def test_only_the_rater_and_leaders_open_the_check_in(
    client, pair, people, persona, django_capture_on_commit_callbacks
):
    checkin = _low(pair, people["learner"], django_capture_on_commit_callbacks)
    client.force_login(people[persona])
    response = client.get(checkin.get_absolute_url())
    assert response.status_code == READERS.get(persona, 404)
    if response.status_code == 200:
        assert SECRET in response.content.decode()
    follow_up = client.post(reverse("checkins:follow_up", args=[pair.program.slug, checkin.uuid]))
    expected = {"director": 302, "coordinator": 302, "learner": 403}.get(persona, 404)
    assert follow_up.status_code == expected


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("guide", 403),
        ("other_learner", 403),
        ("evaluator", 403),
        ("external_coach", 403),
        ("outsider", 404),
        ("director", 200),
    ],
)
def test_the_alerts_page_is_for_leaders(client, pair, people, persona, status):
    client.force_login(people[persona])
    response = client.get(reverse("checkins:alerts", args=[pair.program.slug]))
    assert response.status_code == status


def _normalized(html: str) -> str:
    """The page without what differs on every render: the CSRF and one-time keys."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="submission_key" value="[^"]+"', "", html)


# Not named "page": that is the browser fixture's name, which would make this a browser test.
@pytest.mark.parametrize("url_name", ["relationships:detail", "home:home", "relationships:mine"])
def test_the_other_partys_pages_do_not_change_after_a_low_rating(
    client, pair, people, url_name, mailoutbox, django_capture_on_commit_callbacks
):
    guide = people["guide"]
    client.force_login(guide)
    on_pair = url_name == "relationships:detail"
    args = [pair.program.slug, pair.uuid] if on_pair else [pair.program.slug]
    url = reverse(url_name, args=args)
    before = _normalized(client.get(url).content.decode())
    _low(pair, people["learner"], django_capture_on_commit_callbacks)
    after = _normalized(client.get(url).content.decode())
    assert after == before
    assert guide.email not in [m.to[0] for m in mailoutbox]
    assert mailoutbox  # the leaders were told


def test_the_other_partys_export_holds_none_of_it(
    client, pair, people, django_capture_on_commit_callbacks
):
    _low(pair, people["learner"], django_capture_on_commit_callbacks)
    client.force_login(people["guide"])
    assert SECRET not in client.get(reverse("privacy:export_json")).content.decode()
    client.force_login(people["learner"])
    assert SECRET in client.get(reverse("privacy:export_json")).content.decode()


def test_a_director_who_is_the_other_party_sees_nothing_of_it(
    client, program, learner, coordinator, django_capture_on_commit_callbacks
):
    director = MembershipFactory(program=program, role=Role.DIRECTOR).user
    GuideProfileFactory(user=director, offers={"mentoring": 2})
    rel = make_active_relationship(
        program=program, learner=learner, guide=director, acting_user=coordinator
    )
    hold_meeting(rel)
    checkin = _low(rel, learner, django_capture_on_commit_callbacks)
    client.force_login(director)
    assert client.get(checkin.get_absolute_url()).status_code == 404
    alerts = client.get(reverse("checkins:alerts", args=[program.slug])).content.decode()
    assert SECRET not in alerts and str(checkin.uuid) not in alerts
    assert _audited_checkins(director, program) == []
    # Another leader reads it, and its audit entry.
    other_director = MembershipFactory(program=program, role=Role.DIRECTOR).user
    assert _audited_checkins(other_director, program) == ["checkin.recorded"]
    client.force_login(coordinator)
    assert client.get(checkin.get_absolute_url()).status_code == 200


def _audited_checkins(user, program) -> list[str]:
    viewer = viewer_for(user, program)
    entries = policy.visible_audit_entries(viewer, AuditEntry.objects.for_program(program))
    return list(entries.filter(action__startswith="checkin.").values_list("action", flat=True))
