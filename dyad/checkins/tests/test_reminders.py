"""`send_checkin_reminders`: a party whose check-in has waited more than a week is
reminded once per period, whatever the number of runs."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from dyad.checkins import services
from dyad.checkins.models import CheckInReminder
from dyad.checkins.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("send_checkin_reminders", stdout=out)
    return out.getvalue()


def test_nobody_is_reminded_within_the_first_week(pair):
    assert run().startswith("0 check-in reminders sent")
    assert mail.outbox == []


def test_both_parties_are_reminded_once_after_a_week(pair, learner, guide):
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert run().startswith("2 check-in reminders sent")
        assert run().startswith("0 check-in reminders sent")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([learner.email, guide.email])
    assert all(f"/relationships/{pair.uuid}/check-in/" in m.body for m in mail.outbox)
    assert CheckInReminder.objects.filter(sent_at__isnull=False).count() == 2


def test_a_party_who_answered_is_not_reminded_and_the_next_period_is_new(pair, learner, guide):
    services.checkin_record(relationship=pair, rating=4, comment="", acting_user=learner)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        run()
    assert [m.to[0] for m in mail.outbox] == [guide.email]
    # Over four months and a week on, the learner's next period is overdue: one new reminder.
    with time_machine.travel(NOW + timedelta(days=135), tick=False):
        run()
        run()
    assert [m.to[0] for m in mail.outbox].count(learner.email) == 1


def test_a_refused_send_releases_the_claim(pair, settings, monkeypatch):
    import dyad.checkins.services as module

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(module, "send_mail", refuse)
    with (
        time_machine.travel(NOW + timedelta(days=1), tick=False),
        pytest.raises(ConnectionRefusedError),
    ):
        run()
    assert not CheckInReminder.objects.exists()
