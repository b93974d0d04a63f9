import pytest
from django.utils import timezone

from dyad.feedback.demo import seed_feedback
from dyad.feedback.factories import make_coaching
from dyad.feedback.models import Response
from dyad.feedback.selectors import cycle_results
from dyad.policy import Viewer
from dyad.relationships.factories import make_active_relationship

pytestmark = pytest.mark.django_db


def test_the_demo_360_is_finished_with_one_group_withheld(program, director):
    make_active_relationship(program=program, acting_user=director)  # mentoring: not this one
    coaching = make_coaching(program, acting_user=director)
    cycle = seed_feedback(program, timezone.localdate(), coach_email=coaching.guide.email)
    assert cycle.relationship == coaching
    assert cycle.is_closed_on(timezone.localdate())
    assert Response.objects.filter(cycle=cycle).count() == 12
    viewer = Viewer(user=coaching.guide, program=program, roles=frozenset())
    results = cycle_results(viewer, cycle)
    first = results.rated[0]
    assert [row.label for row in first.rows] == ["Peers", "Supervisors", "Juniors"]
    assert first.withheld == ["Nurses and staff"]
    assert all(label != "Nurses and staff" for t in results.texts for label, _ in t.parts)


def test_the_demo_360_is_made_once(program, director):
    make_coaching(program, acting_user=director)
    assert seed_feedback(program, timezone.localdate()) is not None
    assert seed_feedback(program, timezone.localdate()) is None


def test_no_demo_360_without_coaching(program):
    assert seed_feedback(program, timezone.localdate()) is None
