"""Answering a check-in: due after the first held meeting, once per period; a low rating
alerts the program's leaders who are not a party, with a link and nothing of the answer."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from dyad.audit.models import AuditEntry
from dyad.checkins import selectors, services
from dyad.checkins.models import CheckIn
from dyad.checkins.tests.conftest import TODAY, hold_meeting
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships.factories import make_active_relationship
from dyad.relationships.services import relationship_end

pytestmark = pytest.mark.django_db


def record(pair, user, rating=4, comment="", **kwargs):
    return services.checkin_record(
        relationship=pair, rating=rating, comment=comment, acting_user=user, **kwargs
    )


def test_not_due_before_the_first_meeting_is_held(program, director, learner, guide):
    rel = make_active_relationship(
        program=program, learner=learner, guide=guide, acting_user=director
    )
    assert selectors.due_in(rel, learner, TODAY) is None
    with pytest.raises(ValidationError, match="No check-in is due"):
        record(rel, learner)


def test_due_for_each_party_from_the_day_of_the_first_meeting(pair, learner, guide):
    first = TODAY - timedelta(days=7)
    assert selectors.due_in(pair, learner, TODAY) == first
    assert selectors.due_in(pair, guide, TODAY) == first
    assert [d.relationship for d in selectors.due_for(learner, pair.program, TODAY)] == [pair]


def test_the_earliest_held_meeting_counts(pair, learner):
    hold_meeting(pair, days_ago=20)
    assert selectors.due_in(pair, learner, TODAY) == TODAY - timedelta(days=20)


def test_one_answer_per_period_then_due_again_after_the_interval(pair, learner, guide):
    checkin = record(pair, learner, rating=4)
    assert checkin.due_on == TODAY - timedelta(days=7)
    assert not checkin.is_low
    with pytest.raises(ValidationError, match="You will be asked again on"):
        record(pair, learner, rating=5)
    assert selectors.due_in(pair, learner, TODAY).isoformat() == "2027-02-15"
    assert selectors.due_for(learner, pair.program, TODAY) == []
    # The guide's period is their own.
    assert selectors.due_in(pair, guide, TODAY) == TODAY - timedelta(days=7)
    later = TODAY.replace(year=2027, month=2, day=15)
    again = record(pair, learner, rating=3, today=later)
    assert again.due_on == later
    assert CheckIn.objects.filter(rater=learner).count() == 2


def test_the_interval_follows_the_program_setting(pair, learner, director):
    services.checkin_settings_save(
        program=pair.program, interval_months=2, low_threshold=2, acting_user=director
    )
    pair.refresh_from_db()
    record(pair, learner)
    assert selectors.due_in(pair, learner, TODAY).isoformat() == "2026-12-15"


def test_only_a_party_of_an_active_pairing_checks_in(pair, director):
    with pytest.raises(ValidationError, match="Only the two people"):
        record(pair, director)
    relationship_end(relationship=pair, reason="completed", acting_user=director)
    pair.refresh_from_db()
    with pytest.raises(ValidationError, match="Only the two people"):
        record(pair, pair.learner)


def test_a_rating_off_the_scale_is_refused(pair, learner):
    with pytest.raises(ValidationError):
        record(pair, learner, rating=6)
    assert not CheckIn.objects.exists()


def test_low_is_at_or_below_the_programs_threshold(pair, learner, guide, director):
    assert record(pair, learner, rating=2).is_low
    services.checkin_settings_save(
        program=pair.program, interval_months=4, low_threshold=1, acting_user=director
    )
    pair.refresh_from_db()
    assert not record(pair, guide, rating=2).is_low


def test_a_low_rating_mails_the_leaders_who_are_not_parties_a_link_only(
    pair, learner, guide, director, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin = record(pair, learner, rating=1, comment="COMMENT-SECRET he cancels a lot")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([director.email, coordinator.email])
    for mail in mailoutbox:
        assert "COMMENT-SECRET" not in mail.subject + mail.body
        assert learner.last_name not in mail.subject + mail.body
        assert guide.last_name not in mail.subject + mail.body
        assert f"/p/{pair.program.slug}/check-ins/{checkin.uuid}/" in mail.body


def test_a_leader_who_is_the_other_party_is_not_alerted(
    program, director, learner, mailoutbox, django_capture_on_commit_callbacks
):
    """A director who mentors a resident: the resident's low rating goes to the other
    leaders, never to the director."""
    MembershipFactory(program=program, user=director, role=Role.FACULTY)
    GuideProfileFactory(user=director, offers={"mentoring": 2})
    coordinator = MembershipFactory(program=program, role=Role.COORDINATOR).user
    rel = make_active_relationship(
        program=program, learner=learner, guide=director, acting_user=coordinator
    )
    hold_meeting(rel)
    with django_capture_on_commit_callbacks(execute=True):
        record(rel, learner, rating=1)
    assert [m.to[0] for m in mailoutbox] == [coordinator.email]


def test_a_rating_that_is_not_low_mails_nobody(
    pair, learner, director, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(pair, learner, rating=3)
    assert mailoutbox == []


def test_answering_is_audited_against_the_relationship(pair, learner):
    checkin = record(pair, learner, rating=2)
    entry = AuditEntry.objects.get(action="checkin.recorded")
    assert entry.target_id == str(pair.uuid)
    assert entry.data == {"checkin": str(checkin.uuid), "low": True}
    assert entry.actor == learner


def test_following_up_records_who_and_when_once(pair, learner, coordinator):
    checkin = record(pair, learner, rating=1)
    services.checkin_follow_up(checkin=checkin, acting_user=coordinator)
    checkin.refresh_from_db()
    assert checkin.followed_up_by == coordinator
    assert checkin.followed_up_at is not None
    entry = AuditEntry.objects.get(action="checkin.followed_up")
    assert entry.actor == coordinator and entry.target_id == str(pair.uuid)
    with pytest.raises(ValidationError, match="Already"):
        services.checkin_follow_up(checkin=checkin, acting_user=coordinator)
