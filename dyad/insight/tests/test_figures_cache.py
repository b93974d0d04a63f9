"""The evaluation figures are computed once per programs, year, day and data version and
then served from the cache: every change to what they count gives the figures a fresh
computation would, never the cached ones (time stands still: changes made "at the same
instant" must still be seen)."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dyad.checkins.models import CheckIn
from dyad.goals.models import Goal, GoalStatus, Ilp, IlpState
from dyad.insight import selectors
from dyad.insight.tests.helpers import held, pairing
from dyad.meetings.models import CadencePolicy, Meeting
from dyad.profiles.models import GuideOffer, GuideProfile
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import make_guide, make_learner
from dyad.relationships.models import Relationship, State

pytestmark = pytest.mark.django_db


def figures(program):
    return selectors.cached_program_figures([program], 2025)[program.pk]


def fresh(program):
    cache.clear()
    return figures(program)


def test_a_second_read_comes_from_the_cache(busy_program, today, django_assert_num_queries):
    first = figures(busy_program)
    # Rules, pairs and the data version: no meeting row is read, nothing is computed.
    with django_assert_num_queries(3):
        assert figures(busy_program) == first
    assert first == selectors.program_figures([busy_program], 2025)[busy_program.pk]


def _first_pair(program):
    return Relationship.objects.filter(program=program, state=State.ACTIVE).order_by("pk")[0]


def _log_meeting(program, director):
    held(_first_pair(program), date(2026, 3, 1), mode="video")


def _meeting_mode(program, director):
    meeting = Meeting.objects.filter(relationship__program=program).order_by("pk")[0]
    Meeting.objects.filter(pk=meeting.pk).update(mode="video")


def _delete_meeting(program, director):
    Meeting.objects.filter(relationship__program=program).order_by("pk")[0].delete()


def _end_pair(program, director):
    relationship_services.relationship_end(
        relationship=_first_pair(program), acting_user=director, reason="rematch"
    )


def _new_pair(program, director):
    pairing(
        program,
        director,
        make_learner(program, "New", "Learner"),
        make_guide(program),
        date(2025, 12, 1),
    )


def _new_learner(program, director):
    MembershipFactory(program=program, role=Role.RESIDENT)


def _member_leaves(program, director):
    learner = Membership.objects.filter(program=program, role=Role.RESIDENT).order_by("pk")[0]
    Membership.objects.filter(pk=learner.pk).update(is_active=False)


def _goal_achieved(program, director):
    goal = Goal.objects.filter(program=program, status=GoalStatus.OPEN)[0]
    Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.ACHIEVED, closed_at=timezone.now())


def _ilp_completed(program, director):
    plan = Ilp.objects.filter(program=program).exclude(state=IlpState.COMPLETED)[0]
    Ilp.objects.filter(pk=plan.pk).update(state=IlpState.COMPLETED, completed_at=timezone.now())


def _checkin(program, director):
    pair = _first_pair(program)
    CheckIn.objects.create(
        relationship=pair, rater=pair.learner, due_on=date(2026, 3, 1), rating=1, is_low=True
    )


def _capacity(program, director):
    GuideOffer.objects.filter(kind=GuidanceKind.MENTORING).update(capacity=5)


def _fte(program, director):
    GuideProfile.objects.filter(fte_effort=10).update(fte_effort=20)


def _rules(program, director):
    CadencePolicy.objects.create(program=program, kind=GuidanceKind.MENTORING, max_gap_days=20)


CHANGES = [
    _log_meeting,
    _meeting_mode,
    _delete_meeting,
    _end_pair,
    _new_pair,
    _new_learner,
    _member_leaves,
    _goal_achieved,
    _ilp_completed,
    _checkin,
    _capacity,
    _fte,
    _rules,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_gives_fresh_figures(busy_program, director, today, change):
    before = figures(busy_program)
    change(busy_program, director)
    after = figures(busy_program)
    assert after == fresh(busy_program)
    assert after != before


def test_the_gme_office_reads_the_cache_too(
    computed_pages, client, busy_program, gme_admin, today, django_assert_num_queries
):
    client.force_login(gme_admin)
    url = reverse("insight:institution")
    first = client.get(url).context["rows"]
    # Session, user, the office, its programs; then rules, pairs and the data version.
    with django_assert_num_queries(7):
        assert client.get(url).context["rows"] == first
    held(_first_pair(busy_program), timezone.localdate() - timedelta(days=1))
    assert client.get(url).context["rows"] != first
