"""The number of queries per program does not grow with its relationships."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dyad.reminders.services import reminders_send
from dyad.reminders.tests.helpers import at, meeting, pair

NOW = at(2025, 12, 31, 10, 0)


def _add_pairs(program, n, start):
    for i in range(start, start + n):
        rel = pair(program, ("Lee", f"Learner{i}"), ("Gale", f"Guide{i}"))
        meeting(rel, NOW + timedelta(hours=5))  # upcoming + preparation
        meeting(rel, NOW - timedelta(hours=5))  # log your meeting


def _queries(**kwargs):
    with CaptureQueriesContext(connection) as ctx:
        reminders_send(now=NOW, **kwargs)
    return len(ctx.captured_queries)


def test_finding_reminders_takes_the_same_queries_for_2_or_6_pairs(program, coordinator):
    _add_pairs(program, 2, 0)
    few = _queries(dry_run=True)
    _add_pairs(program, 4, 2)
    assert _queries(dry_run=True) == few <= 12


def test_sending_adds_only_the_claims(program, coordinator):
    _add_pairs(program, 3, 0)
    found = _queries(dry_run=True)
    # 3 pairs × (2 upcoming + 1 preparation + 2 log your meeting) = 15 reminders; the
    # meeting of each pair is scheduled, so no overdue or escalation.
    # Each: savepoint, insert, release, update.
    assert _queries() == found + 15 * 4
