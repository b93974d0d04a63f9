from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dyad.feedback.factories import make_coaching, make_cycle
from dyad.feedback.models import CycleState

pytestmark = pytest.mark.django_db


def _run(capsys):
    call_command("send_feedback_reminders")
    return capsys.readouterr().out.strip()


def test_the_command_reminds_once_and_closes_past_cycles(
    program, director, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    coaching = make_coaching(program, acting_user=director)
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True, days=10)
    a_week_later = time_machine.travel(timezone.now() + timedelta(days=8), tick=False)
    with a_week_later, django_capture_on_commit_callbacks(execute=True):
        assert _run(capsys) == "0 cycles opened, 3 reminders sent, 0 cycles closed"
        assert _run(capsys) == "0 cycles opened, 0 reminders sent, 0 cycles closed"
    assert len(mailoutbox) == 3
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        assert _run(capsys) == "0 cycles opened, 0 reminders sent, 1 cycle closed"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
