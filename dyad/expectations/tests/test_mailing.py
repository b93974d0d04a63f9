import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dyad.expectations import mailing
from dyad.expectations.factories import acknowledge, send_year
from dyad.expectations.models import ExpectationsRequest, MailState
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    """Early in an academic year, so that weeks of reminders stay within it."""
    with time_machine.travel(datetime(2026, 9, 1, 12, 0, tzinfo=UTC), tick=False):
        yield


def run(command="send_expectations"):
    call_command(command, stdout=__import__("io").StringIO())


def test_the_queue_is_sent_once_with_a_link_and_nothing_confidential(
    program, director, resident, year, settings
):
    settings.SITE_URL = "https://dyad.example.org"
    send_year(program, year, director)
    run()
    run()  # a rerun sends nothing twice
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {resident.email, director.email}
    body = sent[resident.email].body
    assert f"https://dyad.example.org/p/{program.slug}/expectations/{year}/learners/" in body
    assert set(ExpectationsRequest.objects.values_list("mail_state", flat=True)) == {MailState.SENT}


def test_a_claimed_request_is_not_claimed_again(program, director, resident, year):
    send_year(program, year, director)
    first = mailing.request_claim()
    second = mailing.request_claim()
    assert first is not None and second is not None and first.pk != second.pk
    assert mailing.request_claim() is None


def test_a_refused_send_stays_queued_and_stops_the_run(program, director, resident, year, settings):
    settings.EMAIL_BACKEND = "dyad.expectations.tests.test_mailing.RefusingBackend"
    send_year(program, year, director)
    with pytest.raises(mailing.SendStopped):
        mailing.requests_send()
    assert ExpectationsRequest.objects.filter(mail_state=MailState.QUEUED).count() == 2


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_command_asks_newcomers_of_a_year_already_sent(program, director, resident, year):
    send_year(program, year, director)
    run()
    intern = MembershipFactory(program=program, role=Role.RESIDENT, pgy=1).user
    mail.outbox.clear()
    run()
    assert [m.to[0] for m in mail.outbox] == [intern.email]


def test_reminders_weekly_three_at_most_and_never_twice(program, director, resident, year):
    send_year(program, year, director)
    run()
    acknowledge(program, year, "guides", director)  # the director is done
    start = timezone.now()
    mail.outbox.clear()
    reminded = []
    for day in range(0, 40):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            run("send_expectation_reminders")
            run("send_expectation_reminders")  # the same day again: nothing more
            reminded += [(day, m.to[0]) for m in mail.outbox]
            mail.outbox.clear()
    assert reminded == [(7, resident.email), (14, resident.email), (21, resident.email)]
    assert ExpectationsRequest.objects.get(person=resident).reminders_sent == 3


def test_no_reminder_once_acknowledged(program, director, resident, year):
    send_year(program, year, director)
    run()
    acknowledge(program, year, "learners", resident)
    acknowledge(program, year, "guides", director)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        mail.outbox.clear()
        run("send_expectation_reminders")
    assert mail.outbox == []


def test_a_reminder_claimed_by_another_run_is_not_sent(program, director, resident, year):
    send_year(program, year, director)
    run()
    later = timezone.now() + timedelta(days=8)
    due = mailing.reminders_due(later)
    assert {r.person for r in due} == {resident, director}
    assert mailing.reminder_claim(due[0], later)
    assert not mailing.reminder_claim(due[0], later)  # the same row, as read before the claim


def test_no_e_mail_for_someone_who_acknowledged_before_the_run(program, director, resident, year):
    send_year(program, year, director)
    acknowledge(program, year, "learners", resident)
    run()
    assert [m.to[0] for m in mail.outbox] == [director.email]


def _send_slowly(monkeypatch):
    """Each e-mail takes a moment, so that two runs overlap."""
    real_send = EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(0.002)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)


def _at_once(job) -> list:
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            counts.append(job())
        except Exception as error:  # judged below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent runs need concurrent transactions: PostgreSQL only "
    "(set DATABASE_URL=postgres://… to run this test)",
)
def test_two_runs_at_once_send_each_e_mail_and_reminder_exactly_once(
    program, director, year, monkeypatch
):
    for i in range(60):
        MembershipFactory(program=program, role=Role.RESIDENT, user__email=f"r{i}@h.org")
    send_year(program, year, director)
    _send_slowly(monkeypatch)
    counts = _at_once(mailing.requests_send)
    assert sum(counts) == 61
    assert Counter(m.to[0] for m in mail.outbox) == {
        **{f"r{i}@h.org": 1 for i in range(60)},
        director.email: 1,
    }
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=8)
    counts = _at_once(lambda: mailing.reminders_send(now=later))
    assert sum(counts) == 61
    assert set(Counter(m.to[0] for m in mail.outbox).values()) == {1}
