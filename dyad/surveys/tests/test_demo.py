import pytest
from django.utils import timezone

from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.surveys.demo import seed_surveys
from dyad.surveys.models import CycleState
from dyad.surveys.selectors import cycle_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(program, director):
    for n in range(24):
        MembershipFactory(program=program, role=Role.RESIDENT, pgy=1 + n % 3)
    for _ in range(14):
        MembershipFactory(program=program, role=Role.FACULTY)


def test_the_demo_has_last_terms_results_and_an_open_survey(program, roster):
    today = timezone.localdate()
    closed, current = seed_surveys(program, today)
    assert closed.state == CycleState.CLOSED and closed.closes_on < today
    assert current.state == CycleState.OPEN and current.takes_answers_on(today)
    results = cycle_results(closed)
    keys = [key for key, _ in results.groups]
    assert results.total >= 20
    assert {"everyone", "as:learner", "as:guide"} <= set(keys)
    assert current.invitations.filter(answered=True).exists()
    assert current.invitations.filter(answered=False).exists()


def test_the_demo_surveys_are_made_once(program, roster):
    assert seed_surveys(program, timezone.localdate()) is not None
    assert seed_surveys(program, timezone.localdate()) is None
