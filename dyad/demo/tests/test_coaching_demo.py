from datetime import UTC, date, datetime

import pytest
import time_machine

from dyad.coaching.demo import executive_demo_relationship, seed_coaching
from dyad.coaching.models import Engagement, EngagementType, Referral
from dyad.demo import generator
from dyad.lib.coaching import add_months
from dyad.programs.models import Membership, Role
from dyad.relationships.models import State

TODAY = date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _clock_on_today():
    with time_machine.travel(datetime(2026, 9, 15, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.mark.django_db
def test_the_demo_has_one_engagement_of_each_type_and_an_executive_one_of_a_chief():
    program = generator.build_demo_program(today=TODAY)
    engagements = {e.type: e for e in Engagement.objects.for_program(program)}
    assert set(engagements) == set(EngagementType.values)
    assert all(e.relationship.state == State.ACTIVE for e in engagements.values())
    executive = engagements[EngagementType.EXECUTIVE]
    assert executive.planned_end >= add_months(executive.start_date, 6)
    chief = Membership.objects.get(program=program, user=executive.relationship.learner)
    assert chief.role == Role.CHIEF_RESIDENT
    assert executive_demo_relationship(program) == executive.relationship
    assert Referral.objects.get().engagement == engagements[EngagementType.TARGETED]
    coach = executive.relationship.guide
    assert Membership.objects.get(program=program, user=coach).role == Role.EXTERNAL_COACH
    assert seed_coaching(program, TODAY) == 0
