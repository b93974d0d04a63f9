import pytest
from django.utils import timezone

from dyad.demo.generator import build_demo_program
from dyad.feedback.demo import seed_feedback
from dyad.feedback.models import Cycle, Response
from dyad.feedback.selectors import cycle_results
from dyad.policy import Viewer

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_360_with_one_group_withheld():
    program = build_demo_program()
    cycle = Cycle.objects.get(relationship__program=program)
    assert cycle.is_closed_on(timezone.localdate())
    assert cycle.relationship.guide.email == "mentor@riverside.example"
    assert Response.objects.filter(cycle=cycle).count() == 12
    coach = cycle.relationship.guide
    results = cycle_results(Viewer(user=coach, program=program, roles=frozenset()), cycle)
    first = results.rated[0]
    assert [row.label for row in first.rows] == ["Peers", "Supervisors", "Juniors"]
    assert first.withheld == ["Nurses and staff"]
    assert all(part[0] != "Nurses and staff" for t in results.texts for part in t.parts)
    assert seed_feedback(program, timezone.localdate()) is None  # made once
