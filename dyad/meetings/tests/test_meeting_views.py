"""The meeting page as each person sees it: the record by consent, private notes never."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.meetings import services
from dyad.relationships.factories import acknowledge_both, make_relationship, revise_agreement


@pytest.fixture
def meeting(program, director):
    rel = make_relationship(
        program=program,
        acting_user=director,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    acknowledge_both(rel)
    meeting = services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=45,
        mode="in_person",
        place="Room 4",
    )
    services.preparation_save(
        meeting=meeting, acting_user=rel.learner, goals="PREP-WORDS", progress="", obstacles=""
    )
    services.summary_save(meeting=meeting, acting_user=rel.guide, text="SUMMARY-WORDS", topics=[])
    services.action_item_add(
        meeting=meeting, acting_user=rel.guide, text="ACTION-WORDS", owner=rel.learner
    )
    services.private_note_save(meeting=meeting, author=rel.learner, text="LEARNER-NOTE")
    services.private_note_save(meeting=meeting, author=rel.guide, text="GUIDE-NOTE")
    return meeting


def page(client, user, meeting):
    client.force_login(user)
    url = reverse("meetings:detail", args=[meeting.relationship.program.slug, meeting.uuid])
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_each_party_sees_the_record_and_only_their_own_private_note(client, meeting):
    rel = meeting.relationship
    learner_page = page(client, rel.learner, meeting)
    for words in ("PREP-WORDS", "SUMMARY-WORDS", "ACTION-WORDS", "LEARNER-NOTE"):
        assert words in learner_page
    assert "GUIDE-NOTE" not in learner_page
    guide_page = page(client, rel.guide, meeting)
    assert "GUIDE-NOTE" in guide_page and "LEARNER-NOTE" not in guide_page
    assert "PREP-WORDS" in guide_page


def test_a_leader_without_consent_sees_that_it_took_place_and_nothing_else(
    client, meeting, director
):
    text = page(client, director, meeting)
    assert "In person" in text
    for secret in ("PREP-WORDS", "SUMMARY-WORDS", "ACTION-WORDS", "LEARNER-NOTE", "GUIDE-NOTE"):
        assert secret not in text
    assert not AuditEntry.objects.filter(action="consent.read")


def test_a_leader_reads_what_the_learner_shared_and_the_reading_is_audited(
    client, meeting, director
):
    rel = meeting.relationship
    revise_agreement(rel, rel.learner, consent=["summaries", "action_items"])
    acknowledge_both(rel)
    text = page(client, director, meeting)
    assert "SUMMARY-WORDS" in text and "ACTION-WORDS" in text
    assert "PREP-WORDS" not in text
    assert "LEARNER-NOTE" not in text and "GUIDE-NOTE" not in text
    entry = AuditEntry.objects.get(action="consent.read", actor=director)
    assert sorted(entry.data["categories"]) == ["actions", "summary"]


def test_a_leaders_reading_is_recorded_again_when_the_page_is_served_from_its_copy(
    client, meeting, director
):
    rel = meeting.relationship
    revise_agreement(rel, rel.learner, consent=["summaries"])
    acknowledge_both(rel)
    client.force_login(director)
    url = reverse("meetings:detail", args=[rel.program.slug, meeting.uuid])
    assert client.get(url).templates
    again = client.get(url)
    assert not again.templates and "SUMMARY-WORDS" in again.text  # the copy
    readings = AuditEntry.objects.filter(action="consent.read", actor=director)
    assert [(e.target_id, e.data) for e in readings] == 2 * [
        (str(meeting.uuid), {"categories": ["summary"]})
    ]
    # The learner withdraws the consent: computed afresh, nothing shown or recorded.
    revise_agreement(rel, rel.learner, consent=[])
    after = client.get(url)
    assert after.templates and "SUMMARY-WORDS" not in after.text
    assert readings.count() == 2


def test_private_notes_stay_private_even_with_every_consent(client, meeting, director):
    rel = meeting.relationship
    revise_agreement(
        rel,
        rel.learner,
        consent=["preparation", "summaries", "topics", "action_items", "goals"],
    )
    acknowledge_both(rel)
    text = page(client, director, meeting)
    assert "PREP-WORDS" in text
    assert "LEARNER-NOTE" not in text and "GUIDE-NOTE" not in text


def test_the_private_note_form_saves_for_its_author_only(client, meeting):
    rel = meeting.relationship
    client.force_login(rel.guide)
    url = reverse("meetings:private_note", args=[rel.program.slug, meeting.uuid])
    assert client.post(url, {"note-text": "NEW-GUIDE-NOTE"}).status_code == 302
    assert services.private_note_of(meeting, rel.guide).text == "NEW-GUIDE-NOTE"
    assert services.private_note_of(meeting, rel.learner).text == "LEARNER-NOTE"


def test_scheduling_through_the_form_creates_a_meeting_in_the_program_time_zone(client, program):
    rel = make_relationship(program=program)
    client.force_login(rel.learner)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("meetings:schedule", args=[program.slug, rel.uuid]),
        {
            "date": day,
            "time": "16:30",
            "duration_minutes": 45,
            "mode": "video",
            "link": "https://video.example/room",
        },
    )
    assert response.status_code == 302
    meeting = rel.meetings.get()
    local = timezone.localtime(meeting.starts_at)
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 16, 30)


def test_a_video_meeting_needs_its_link(client, program):
    rel = make_relationship(program=program)
    client.force_login(rel.learner)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("meetings:schedule", args=[program.slug, rel.uuid]),
        {"date": day, "time": "16:30", "duration_minutes": 45, "mode": "video"},
    )
    assert response.status_code == 200
    assert "Give the video link" in response.text


def _scheduled(rel, starts_at):
    return services.meeting_schedule(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=starts_at,
        duration_minutes=45,
        mode="video",
        link="https://video.example/room",
    )


def test_we_met_is_offered_only_once_the_meeting_has_started(client, meeting):
    rel = meeting.relationship
    future = _scheduled(rel, timezone.now() + timedelta(days=2))
    assert "We met" not in page(client, rel.learner, future)
    assert "It did not happen" not in page(client, rel.learner, future)
    assert "Cancel meeting" in page(client, rel.learner, future)
    future.starts_at = timezone.now() - timedelta(minutes=5)
    future.save()
    assert "We met" in page(client, rel.learner, future)


def test_posting_we_met_for_a_future_meeting_is_refused_with_a_message(client, meeting):
    rel = meeting.relationship
    future = _scheduled(rel, timezone.now() + timedelta(days=2))
    client.force_login(rel.guide)
    url = reverse("meetings:outcome", args=[rel.program.slug, future.uuid])
    response = client.post(url, {"outcome": "held"}, follow=True)
    assert "has not started yet" in response.text
    future.refresh_from_db()
    assert future.status == "scheduled"


def test_an_unknown_outcome_is_refused_not_taken_for_missed(client, meeting):
    rel = meeting.relationship
    client.force_login(rel.guide)
    url = reverse("meetings:outcome", args=[rel.program.slug, meeting.uuid])
    response = client.post(url, {"outcome": "maybe"}, follow=True)
    assert "Select a valid choice" in response.text
    meeting.refresh_from_db()
    assert meeting.status == "held"
