"""A rerun, or a crash and a rerun, never sends the same reminder twice."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from dyad.reminders.models import ReminderLog
from dyad.reminders.tests.helpers import at, meeting, pair, run

NOW = at(2025, 10, 15, 10, 0)
FLAKY = "dyad.reminders.tests.test_idempotence.FlakyBackend"


class FlakyBackend(locmem.EmailBackend):
    """The locmem backend, with a mail server that goes away at the `fail_on`-th message."""

    fail_on: int | None = None
    seen = 0

    def send_messages(self, messages):
        for _ in messages:
            FlakyBackend.seen += 1
            if FlakyBackend.seen == FlakyBackend.fail_on:
                raise ConnectionError("mail server went away")
        return super().send_messages(messages)


@pytest.fixture
def busy_program(program):
    """Three pairs, each with a meeting in five hours: 3 × (2 upcoming + 1 preparation)."""
    names = [("Ann", "Avery"), ("Ben", "Brook"), ("Cy", "Cole")]
    for i, name in enumerate(names):
        rel = pair(program, name, ("Gus", f"Guide{i}"))
        meeting(rel, NOW + timedelta(hours=5))
    return program


def _copies(messages):
    return Counter((tuple(m.to), m.subject) for m in messages)


def test_running_twice_sends_nothing_the_second_time(busy_program):
    first = run(NOW)
    assert len(first) == 9
    assert run(NOW) == []
    assert run(NOW + timedelta(minutes=15)) == []
    assert ReminderLog.objects.count() == 9
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_half_way_then_a_rerun_sends_each_reminder_at_most_once(program, settings):
    names = [("Ann", "Avery"), ("Ben", "Brook"), ("Cy", "Cole")]
    for i, name in enumerate(names):
        meeting(pair(program, name, ("Gus", f"Guide{i}")), NOW + timedelta(hours=5))
    mail.outbox = []  # the relationships' own notices, sent on commit here
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.seen, FlakyBackend.fail_on = 0, 4

    with pytest.raises(ConnectionError):
        run(NOW)
    assert len(mail.outbox) == 3
    # Every claim committed on its own: the three sent, and the one the crash interrupted.
    assert ReminderLog.objects.count() == 4
    (lost,) = ReminderLog.objects.filter(sent_at__isnull=True)

    FlakyBackend.fail_on = None
    rerun = run(NOW)
    assert len(rerun) == 5
    assert run(NOW) == []

    copies = _copies(mail.outbox)
    assert len(copies) == 8 and max(copies.values()) == 1  # none twice
    assert ReminderLog.objects.count() == 9
    assert list(ReminderLog.objects.filter(sent_at__isnull=True)) == [lost]
    # The one lost is the one claimed at the crash: never sent, and not resent.
    prefix = {"upcoming": "Reminder:", "preparation": "Prepare"}[lost.kind]
    assert not [
        m for m in mail.outbox if m.to == [lost.recipient.email] and m.subject.startswith(prefix)
    ]


def test_a_failing_mail_server_stops_the_run_so_only_one_reminder_is_lost(busy_program, settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.seen, FlakyBackend.fail_on = 0, 1
    with pytest.raises(ConnectionError):
        run(NOW)
    assert ReminderLog.objects.count() == 1  # the first claim only: the run stopped there
    FlakyBackend.fail_on = None
    assert len(run(NOW)) == 8


class UnreachableBackend(locmem.EmailBackend):
    def open(self):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_down_from_the_start_costs_no_reminder(busy_program, settings):
    settings.EMAIL_BACKEND = "dyad.reminders.tests.test_idempotence.UnreachableBackend"
    with pytest.raises(ConnectionRefusedError):
        run(NOW)
    assert not ReminderLog.objects.exists()
