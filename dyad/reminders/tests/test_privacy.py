"""Reminders are neutral: who and when, with a link to Dyad; never anything confidential."""

from datetime import timedelta

import pytest
from django.core import mail

from dyad.meetings.models import ActionItem, Preparation, PrivateNote, Summary
from dyad.relationships.models import RematchRequest, SafetyConcern
from dyad.reminders.models import Kind, ReminderLog
from dyad.reminders.tests.helpers import at, meeting, pair, run

NOW = at(2025, 10, 15, 10, 0)
SECRETS = ["ZEBRAFISH", "QUOKKA", "NARWHAL", "PANGOLIN", "AXOLOTL", "OCELOT", "research project"]


@pytest.fixture
def confidential_pair(program):
    rel = pair(program)  # the agreement's goals mention a "research project"
    past = meeting(rel, NOW - timedelta(hours=3))
    Preparation.objects.create(meeting=past, goals="ZEBRAFISH", obstacles="ZEBRAFISH")
    Summary.objects.create(meeting=past, text="We talked about QUOKKA")
    PrivateNote.objects.create(meeting=past, author=rel.guide, text="NARWHAL")
    ActionItem.objects.create(meeting=past, text="PANGOLIN", owner=rel.learner)
    RematchRequest.objects.create(relationship=rel, requested_by=rel.learner, reason="AXOLOTL")
    SafetyConcern.objects.create(
        program=program, relationship=rel, raised_by=rel.guide, description="OCELOT"
    )
    soon = meeting(rel, NOW + timedelta(hours=5))
    Preparation.objects.create(meeting=soon, progress="")  # empty: preparation still due
    return rel


def test_no_confidential_text_in_any_reminder(confidential_pair, coordinator):
    for moment in (NOW, at(2025, 12, 2), at(2025, 12, 17), at(2025, 12, 31)):
        run(moment)
    kinds = set(ReminderLog.objects.values_list("kind", flat=True))
    assert kinds == set(Kind), "every kind of reminder went out at least once"
    assert mail.outbox
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, message.subject)
        assert not message.attachments


def test_plain_text_names_are_not_html_escaped(program):
    rel = pair(program, ("Siobhán", "O'Neill"), ("Gale", "Guide"))
    meeting(rel, NOW + timedelta(hours=5))
    messages = run(NOW)
    guide_mail = next(m for m in messages if m.to == [rel.guide.email])
    assert guide_mail.subject == "Reminder: Mentoring meeting with Siobhán O'Neill"
    learner_mail = next(m for m in messages if m.to == [rel.learner.email])
    assert "Hello Siobhán," in learner_mail.body
