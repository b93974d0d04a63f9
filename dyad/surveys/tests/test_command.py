from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dyad.surveys.factories import answer, make_cycle
from dyad.surveys.models import CycleState

pytestmark = pytest.mark.django_db


def _run(capsys):
    call_command("send_survey_reminders")
    return capsys.readouterr().out.strip()


def test_the_command_reminds_at_most_once_in_n_days_and_closes_past_cycles(
    program, director, learners, capsys, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DYAD_SURVEY_REMIND_EVERY_DAYS = 7
    cycle = make_cycle(program, by=director, audience="learners", open_it=True, days=20)
    answer(cycle, learners[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(capsys) == "0 surveys opened, 0 reminders sent, 0 surveys closed"
    a_week_later = time_machine.travel(timezone.now() + timedelta(days=8), tick=False)
    with a_week_later:
        assert _run(capsys) == "0 surveys opened, 5 reminders sent, 0 surveys closed"
        assert _run(capsys) == "0 surveys opened, 0 reminders sent, 0 surveys closed"
    assert len(mailoutbox) == 5
    assert learners[0].email not in [m.to[0] for m in mailoutbox]
    with time_machine.travel(timezone.now() + timedelta(days=16), tick=False):
        assert _run(capsys) == "0 surveys opened, 5 reminders sent, 0 surveys closed"
    answer(cycle, learners[1])
    answered = cycle.invitations.get(user=learners[1])
    assert answered.answered and answered.reminded_at is None
    with time_machine.travel(timezone.now() + timedelta(days=22), tick=False):
        assert _run(capsys) == "0 surveys opened, 0 reminders sent, 1 survey closed"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED


def test_the_command_opens_a_cycle_on_its_date(
    program, director, learners, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    from dyad.surveys import services

    today = timezone.localdate()
    services.cycle_create(
        program=program,
        acting_user=director,
        name="End of year",
        audience="learners",
        opens_on=today + timedelta(days=3),
        closes_on=today + timedelta(days=20),
    )
    assert _run(capsys).startswith("0 surveys opened")
    later = time_machine.travel(timezone.now() + timedelta(days=3), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        assert _run(capsys).startswith("1 survey opened")
    assert len(mailoutbox) == 6
