"""A program at the end of 2025–26, on a day of August 2026: a graduate with a mentor and
an intern of last year to peer-mentor, a PGY-2 who volunteers as peer mentor and has a
continuing mentor, an intern of last year, and an intern of the new year."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import director_of, make_active_relationship, make_guide
from dyad.rollover.models import Rollover

PEER = GuidanceKind.PEER_MENTORING
TODAY = date(2026, 8, 14)
LAST_YEAR = date(2025, 7, 1)
THIS_YEAR = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def august_2026():
    noon = timezone.make_aware(datetime(2026, 8, 14, 12, 0))
    with time_machine.travel(noon, tick=False):
        yield


def resident(program, last, pgy, start=LAST_YEAR, peer_places=0):
    user = MembershipFactory(
        program=program,
        role=Role.RESIDENT,
        pgy=pgy,
        start_date=start,
        user__first_name="Res",
        user__last_name=last,
    ).user
    if peer_places:
        GuideProfileFactory(user=user, offers={PEER: peer_places})
    return user


@dataclass
class Year:
    program: object
    director: object
    graduate: object
    senior: object
    old_intern: object
    new_intern: object
    faculty: object
    graduate_mentoring: object
    graduate_peer: object
    continuing: object


@pytest.fixture
def year(program):
    program.max_pgy = 3
    program.save()
    Rollover.objects.create(
        program=program,
        year=2025,
        state=Rollover.State.RECORDED,
        finished_at=timezone.make_aware(datetime(2025, 7, 1)),
    )
    director = director_of(program)
    graduate = resident(program, "Graduate", 3, start=date(2023, 7, 1), peer_places=2)
    senior = resident(program, "Senior", 2, start=date(2024, 7, 1), peer_places=2)
    old_intern = resident(program, "Oldintern", 1)
    new_intern = resident(program, "Newintern", 1, start=THIS_YEAR)
    faculty = make_guide(program, "Fay", "Faculty", offers={GuidanceKind.MENTORING: 3})
    start = date(2025, 9, 1)
    return Year(
        program=program,
        director=director,
        graduate=graduate,
        senior=senior,
        old_intern=old_intern,
        new_intern=new_intern,
        faculty=faculty,
        graduate_mentoring=make_active_relationship(
            program=program, learner=graduate, guide=faculty, start_date=start
        ),
        graduate_peer=make_active_relationship(
            program=program, learner=old_intern, guide=graduate, kind=PEER, start_date=start
        ),
        continuing=make_active_relationship(
            program=program, learner=senior, guide=faculty, start_date=start
        ),
    )
