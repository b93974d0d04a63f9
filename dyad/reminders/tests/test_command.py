from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from dyad.reminders.models import Kind, ReminderLog
from dyad.reminders.tests.helpers import at, meeting, pair


@pytest.fixture
def rel(program):
    rel = pair(program)
    meeting(rel, at(2025, 10, 15, 15, 0))
    return rel


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sends_what_is_due_at_the_given_moment(rel):
    out, _ = call("--now", "2025-10-15T10:00")
    assert len(mail.outbox) == 3
    assert out == "3 reminders sent (upcoming: 2, preparation: 1)\n"
    assert call("--now", "2025-10-15T10:00")[0] == "0 reminders sent\n"
    assert len(mail.outbox) == 3


def test_dry_run_lists_and_sends_nothing(rel):
    out, _ = call("--now", "2025-10-15T10:00", "--dry-run")
    assert f"would send {Kind.UPCOMING} to {rel.learner.email}" in out
    assert "3 reminders due" in out
    assert not mail.outbox
    assert not ReminderLog.objects.exists()
    call("--now", "2025-10-15T10:00")
    assert len(mail.outbox) == 3


def test_an_unreadable_moment_is_refused(rel):
    with pytest.raises(CommandError, match="ISO"):
        call("--now", "yesterday")


def test_without_now_it_uses_the_clock(rel):
    with time_machine.travel(at(2025, 10, 15, 14, 30), tick=False):
        out, _ = call()
    assert out == "3 reminders sent (upcoming: 2, preparation: 1)\n"


def test_lost_claims_are_reported_not_resent(rel):
    lost = ReminderLog.objects.create(
        key="upcoming:x:0:1", kind=Kind.UPCOMING, program=rel.program, recipient=rel.learner
    )
    ReminderLog.objects.filter(pk=lost.pk).update(claimed_at=timezone.now() - timedelta(minutes=20))
    _, err = call("--now", "2025-10-15T10:00")
    assert "1 reminder was claimed in the last day but never marked sent" in err
    assert ReminderLog.objects.get(pk=lost.pk).sent_at is None
