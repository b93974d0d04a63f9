"""The demo program shows check-ins: the resident is asked, leaders have an open alert and
one followed up, and some parties are due."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from dyad.checkins import selectors
from dyad.checkins.models import CheckIn
from dyad.demo import generator, personas

TODAY = date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 9, 15, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.mark.django_db
def test_the_demo_has_check_ins_an_open_alert_and_the_resident_is_asked():
    program = generator.build_demo_program(today=TODAY)
    assert CheckIn.objects.filter(relationship__program=program).count() > 10
    low = CheckIn.objects.low()
    assert low.filter(followed_up_at__isnull=True).count() == 1
    assert low.filter(followed_up_at__isnull=False).count() == 1
    assert all(c.rating <= program.checkin_low_threshold for c in low)
    assert not CheckIn.objects.filter(rating__lte=2, is_low=False).exists()
    resident = next(
        m.user
        for m in program.memberships.select_related("user")
        if m.user.email == personas.RESIDENT.email
    )
    assert selectors.due_for(resident, program, TODAY)
    counts = selectors.due_counts(program, TODAY)
    assert sum(row["due"] for row in counts) > 0
