from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.meetings import services
from dyad.meetings.models import MeetingStatus, PrivateNote
from dyad.relationships.factories import make_active_relationship, make_relationship
from dyad.relationships.services import relationship_end

SOON = timedelta(days=3)


def plan(rel, user, when=None, **kwargs):
    fields = {"duration_minutes": 45, "mode": "in_person", "place": "Room 4", **kwargs}
    return services.meeting_schedule(
        relationship=rel, acting_user=user, starts_at=when or timezone.now() + SOON, **fields
    )


@pytest.fixture
def rel(program):
    return make_active_relationship(program=program)


def test_either_party_schedules_and_it_is_audited(rel):
    meeting = plan(rel, rel.guide)
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.ics_sequence == 0
    assert AuditEntry.objects.filter(action="meeting.scheduled", target_id=str(meeting.uuid))


def test_someone_else_cannot_schedule(rel, director):
    with pytest.raises(PermissionDenied):
        plan(rel, director)


def test_scheduling_in_the_past_points_to_logging(rel):
    with pytest.raises(services.MeetingError, match="log it"):
        plan(rel, rel.learner, when=timezone.now() - SOON)


def test_logging_after_the_fact_records_a_held_meeting(rel):
    meeting = services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=30,
        mode="video",
        link="https://video.example/abc",
    )
    assert meeting.status == MeetingStatus.HELD


def test_logging_a_future_meeting_is_refused(rel):
    with pytest.raises(services.MeetingError, match="Schedule"):
        services.meeting_log(
            relationship=rel,
            acting_user=rel.learner,
            starts_at=timezone.now() + SOON,
            duration_minutes=30,
            mode="phone",
        )


def test_an_ended_relationship_has_no_new_meetings(rel, director):
    relationship_end(relationship=rel, acting_user=director, reason="completed")
    rel.refresh_from_db()
    with pytest.raises(services.MeetingError, match="ended"):
        plan(rel, rel.learner)


def test_rescheduling_keeps_the_meeting_and_raises_the_sequence(rel):
    meeting = plan(rel, rel.learner)
    later = timezone.now() + timedelta(days=5)
    moved = services.meeting_reschedule(
        meeting=meeting,
        acting_user=rel.guide,
        starts_at=later,
        duration_minutes=60,
        mode="video",
        link="https://video.example/x",
    )
    assert moved.pk == meeting.pk and moved.ics_sequence == 1 and moved.starts_at == later


def test_cancelling_raises_the_sequence_and_cannot_repeat(rel):
    meeting = plan(rel, rel.learner)
    cancelled = services.meeting_cancel(meeting=meeting, acting_user=rel.guide)
    assert cancelled.status == MeetingStatus.CANCELLED and cancelled.ics_sequence == 1
    with pytest.raises(services.MeetingError):
        services.meeting_cancel(meeting=meeting, acting_user=rel.guide)


def test_a_meeting_is_marked_held_or_missed_only_once_its_time_has_come(rel):
    meeting = plan(rel, rel.learner)
    with pytest.raises(services.MeetingError, match="not started"):
        services.meeting_set_outcome(meeting=meeting, acting_user=rel.learner, held=True)
    meeting.starts_at = timezone.now() - timedelta(hours=1)
    meeting.save()
    done = services.meeting_set_outcome(meeting=meeting, acting_user=rel.learner, held=False)
    assert done.status == MeetingStatus.MISSED


def test_only_the_learner_prepares(rel):
    meeting = plan(rel, rel.learner)
    with pytest.raises(PermissionDenied):
        services.preparation_save(
            meeting=meeting, acting_user=rel.guide, goals="x", progress="", obstacles=""
        )
    prep = services.preparation_save(
        meeting=meeting, acting_user=rel.learner, goals="Talk research", progress="", obstacles=""
    )
    assert prep.goals == "Talk research"


def test_private_notes_are_per_author_and_not_audited(rel):
    meeting = plan(rel, rel.learner)
    services.private_note_save(meeting=meeting, author=rel.learner, text="mine")
    services.private_note_save(meeting=meeting, author=rel.guide, text="theirs")
    services.private_note_save(meeting=meeting, author=rel.learner, text="mine, edited")
    assert services.private_note_of(meeting, rel.learner).text == "mine, edited"
    assert services.private_note_of(meeting, rel.guide).text == "theirs"
    assert PrivateNote.objects.count() == 2
    assert not AuditEntry.objects.filter(action__contains="note")


def test_action_items_belong_to_a_party(rel, director):
    meeting = plan(rel, rel.learner)
    with pytest.raises(services.MeetingError):
        services.action_item_add(meeting=meeting, acting_user=rel.guide, text="x", owner=director)
    item = services.action_item_add(
        meeting=meeting, acting_user=rel.guide, text="Draft abstract", owner=rel.learner
    )
    services.action_item_toggle(item=item, acting_user=rel.learner)
    assert item.done_at is not None


def test_a_proposed_relationship_may_plan_its_first_meeting(program):
    rel = make_relationship(program=program)
    assert plan(rel, rel.learner).status == MeetingStatus.SCHEDULED


def test_a_future_meeting_cannot_be_marked_held_and_stays_scheduled(rel):
    meeting = plan(rel, rel.learner)
    with pytest.raises(services.MeetingError) as refused:
        services.meeting_set_outcome(meeting=meeting, acting_user=rel.guide, held=True)
    assert "has not started yet" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert not AuditEntry.objects.filter(action="meeting.held")


def test_who_prepares_a_meeting_is_the_policy_s_answer(rel, monkeypatch):
    meeting = plan(rel, rel.learner)
    monkeypatch.setattr(
        services.policy, "can_prepare_meetings", lambda user, relationship: user == rel.guide
    )
    with pytest.raises(PermissionDenied, match="The learner prepares the meeting."):
        services.preparation_save(
            meeting=meeting, acting_user=rel.learner, goals="x", progress="", obstacles=""
        )
    prep = services.preparation_save(
        meeting=meeting, acting_user=rel.guide, goals="y", progress="", obstacles=""
    )
    assert prep.goals == "y"


@pytest.mark.parametrize(
    "call",
    [
        lambda m, u: plan(m.relationship, u),
        lambda m, u: services.meeting_cancel(meeting=m, acting_user=u),
        lambda m, u: services.summary_save(meeting=m, acting_user=u, text="x", topics=[]),
        lambda m, u: services.action_item_add(
            meeting=m, acting_user=u, text="x", owner=m.relationship.learner
        ),
        lambda m, u: services.private_note_save(meeting=m, author=u, text="x"),
    ],
    ids=["schedule", "cancel", "summary", "action", "private_note"],
)
def test_the_parties_are_who_the_policy_says(rel, call, monkeypatch):
    meeting = plan(rel, rel.learner)
    monkeypatch.setattr(services.policy, "is_party", lambda user, relationship: False)
    with pytest.raises(PermissionDenied, match="Only the two people of this relationship"):
        call(meeting, rel.learner)
