"""One person answering twice at the same instant (two tabs, a double click without the
page's one-time key) records one response: the invitation's row lock decides."""

import threading

import pytest
from django.db import connection

from dyad.surveys import services
from dyad.surveys.factories import answers_for, make_cycle
from dyad.surveys.models import Response

RACERS = 6

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent transactions on one database: PostgreSQL only "
    "(SQLite serialises writers; set DATABASE_URL=postgres://… to run this test)",
)


def race(attempts):
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            outcomes[index] = attempt()
        except Exception as error:  # recorded, and judged by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@on_postgresql
def test_answers_sent_at_once_by_one_person_are_recorded_once(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    values = answers_for(cycle, "learner")

    def submit():
        return services.response_submit(cycle=cycle, acting_user=learners[0], answers=values)

    outcomes = race([submit] * RACERS)
    refused = [o for o in outcomes if isinstance(o, services.AlreadyAnswered)]
    assert len(refused) == RACERS - 1, outcomes
    assert Response.objects.filter(cycle=cycle).count() == 1
