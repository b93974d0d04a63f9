from datetime import datetime

import pytest
from django.utils import timezone

from dyad.coaching.factories import make_coach, offer_all
from dyad.programs.models import Role
from dyad.relationships.factories import make_learner

NOW = timezone.make_aware(datetime(2026, 9, 15, 10, 0))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coaching(program):
    return offer_all(program)


@pytest.fixture
def coach(program):
    return make_coach(program)


@pytest.fixture
def chief(program):
    return make_learner(program, "Chris", "Chief", role=Role.CHIEF_RESIDENT)


@pytest.fixture
def junior_faculty(program):
    return make_learner(program, "Jo", "Junior", role=Role.JUNIOR_FACULTY)
