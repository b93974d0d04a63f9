import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.home import services
from dyad.home.models import Nudge
from dyad.meetings import services as meeting_services
from dyad.relationships.factories import (
    make_active_relationship,
    make_guide,
    make_learner,
    make_relationship,
)

START = date(2026, 9, 1)


@pytest.fixture
def behind(program, coordinator):
    """An active pair that started in September and never met: first meeting missing."""
    return make_active_relationship(
        program=program,
        learner=make_learner(program, "Liam", "Chen"),
        guide=make_guide(program, "Grace", "Ibe"),
        start_date=START,
    )


@pytest.mark.django_db
def test_nudge_mails_both_parties_and_is_audited(
    behind, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nudge = services.relationship_nudge(relationship=behind, acting_user=coordinator)
    assert {m.to[0] for m in mailoutbox} == {behind.learner.email, behind.guide.email}
    assert "reminder to meet" in mailoutbox[0].subject.lower()
    assert behind.get_absolute_url() in mailoutbox[0].body
    entry = AuditEntry.objects.get(action="relationship.nudged")
    assert entry.actor == coordinator
    assert entry.target_id == str(behind.uuid)
    assert entry.data == {"status": "first_meeting_missing"}
    assert nudge.sent_by == coordinator


@pytest.mark.django_db
def test_a_pair_is_nudged_at_most_once_a_week(behind, coordinator, director):
    services.relationship_nudge(relationship=behind, acting_user=coordinator)
    with pytest.raises(services.NudgeError, match="again from"):
        services.relationship_nudge(relationship=behind, acting_user=director)
    almost_a_week = time_machine.travel(timezone.now() + timedelta(days=6, hours=23), tick=False)
    with almost_a_week, pytest.raises(services.NudgeError):
        services.relationship_nudge(relationship=behind, acting_user=director)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        services.relationship_nudge(relationship=behind, acting_user=director)
    assert Nudge.objects.filter(relationship=behind).count() == 2


@pytest.mark.django_db
def test_a_pair_on_track_is_not_nudged(program, coordinator):
    rel = make_active_relationship(program=program)
    meeting_services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(minutes=5),
        duration_minutes=45,
        mode="in_person",
    )
    with pytest.raises(services.NudgeError, match="not behind"):
        services.relationship_nudge(relationship=rel, acting_user=coordinator)
    assert not Nudge.objects.exists()


@pytest.mark.django_db
def test_a_pair_not_yet_active_is_not_nudged(program, coordinator):
    rel = make_relationship(program=program, start_date=START)
    with pytest.raises(services.NudgeError, match="not active"):
        services.relationship_nudge(relationship=rel, acting_user=coordinator)


@pytest.mark.django_db
def test_only_leaders_nudge(behind):
    with pytest.raises(services.NudgeError, match="leaders"):
        services.relationship_nudge(relationship=behind, acting_user=behind.guide)
    assert not Nudge.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_leaders_clicking_at_once_send_one_nudge(program, coordinator, director, mailoutbox):
    rel = make_active_relationship(program=program, start_date=START)
    barrier = threading.Barrier(2)
    outcomes = []

    def click(user):
        try:
            barrier.wait()
            services.relationship_nudge(relationship=rel, acting_user=user)
            outcomes.append("sent")
        except services.NudgeError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(u,)) for u in (coordinator, director)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert Nudge.objects.filter(relationship=rel).count() == 1
    assert AuditEntry.objects.filter(action="relationship.nudged").count() == 1
    assert len([m for m in mailoutbox if "reminder to meet" in m.subject.lower()]) == 2
