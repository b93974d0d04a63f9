"""The demo holds a program still in last academic year, ready to be rolled over."""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from dyad.demo import generator as demo
from dyad.demo.rollover import SLUG
from dyad.programs.models import Program
from dyad.relationships.models import EndReason, Relationship
from dyad.rollover.models import Rollover
from dyad.rollover.services import next_year, program_rollover

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(timezone.make_aware(datetime(2026, 12, 3, 9)), tick=False):
        yield


@pytest.mark.django_db
def test_the_demo_program_is_in_this_year_and_med_peds_in_the_last():
    peds = demo.build_demo_program(today=TODAY)
    med_peds = Program.objects.get(slug=SLUG)
    assert list(peds.rollovers.values_list("year", flat=True)) == [2026]
    assert list(med_peds.rollovers.values_list("year", flat=True)) == [2025]
    assert next_year(med_peds) == 2026


@pytest.mark.django_db
def test_rolling_med_peds_over_moves_every_number():
    demo.build_demo_program(today=TODAY)
    med_peds = Program.objects.get(slug=SLUG)
    coordinator = med_peds.memberships.get(role="coordinator").user
    outcome = program_rollover(program=med_peds, year=2026, acting_user=coordinator)
    counts = outcome.counts()
    assert counts["advanced"] == 9 and counts["graduated"] == 3
    assert counts["pairings_ended"] == 4  # three mentees and one peer mentee of a graduate
    assert counts["peer_pairs"] == 3 and counts["unpaired_interns"] == 0
    assert counts["agreements_to_reacknowledge"] == 11
    assert counts["before"]["learners"] == {"PGY-1": 6, "PGY-2": 3, "PGY-3": 3, "PGY-4": 3}
    assert counts["after"]["learners"] == {"PGY-1": 3, "PGY-2": 3, "PGY-3": 3, "PGY-4": 3}
    ended = Relationship.objects.filter(program=med_peds, end_reason=EndReason.GRADUATED)
    assert ended.count() == 4
    assert Rollover.objects.filter(program=med_peds, year=2026).exists()
