"""Two rollovers of one program at the same instant (a double click reaching two
processes, the command and the page): the program row's lock makes the second wait, and it
then finds the year done. PostgreSQL only: SQLite serialises writers anyway."""

import threading

import pytest
from django.db import connection

from dyad.programs.models import Membership
from dyad.rollover import services
from dyad.rollover.models import Rollover

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent transactions: set DATABASE_URL=postgres://… to run this test",
)


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_rollovers_at_once_roll_over_once(year):
    barrier = threading.Barrier(2)
    outcomes = []

    def roll():
        try:
            barrier.wait()
            outcomes.append(
                services.program_rollover(program=year.program, year=2026, acting_user=None)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=roll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.done_before is None for o in outcomes) == [False, True]
    assert Rollover.objects.filter(program=year.program, year=2026).count() == 1
    assert Membership.objects.get(user=year.senior).pgy == 3
