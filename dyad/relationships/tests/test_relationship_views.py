"""The relationship pages as each person sees them: the agreement and its consent, why a
pairing ended, the rematch requests leadership acts on, and "My pairings"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dyad.audit.models import AuditEntry
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import services
from dyad.relationships.factories import (
    make_active_relationship,
    make_guide,
    make_learner,
    revise_agreement,
)
from dyad.relationships.models import (
    ConsentCategory,
    EndReason,
    RematchResolution,
    State,
)
from dyad.relationships.services import consent_in_force

pytestmark = pytest.mark.django_db

TOPICS, GOALS = ConsentCategory.TOPICS, ConsentCategory.GOALS
REASON = "We have not managed to meet since July."


@pytest.fixture
def rel(program, faculty, resident, director):
    return make_active_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def edit_url(rel):
    return reverse("relationships:agreement_edit", args=[rel.program.slug, rel.uuid])


def agreement_post(rel, **changes):
    current = rel.current_agreement()
    data = {
        "goals": current.goals,
        "meeting_frequency": current.meeting_frequency,
        "scheduler": current.scheduler,
        "preferred_modes": current.preferred_modes,
        "confidentiality": current.confidentiality,
        "consent": current.consent,
    }
    data.update(changes)
    return data


# --- Consent: the learner's alone (defect 3) -------------------------------------------


def test_the_guide_sees_the_consent_read_only_and_why(client, rel, faculty):
    revise_agreement(rel, rel.learner, consent=[TOPICS])
    client.force_login(faculty)

    page = client.get(edit_url(rel)).text

    assert 'name="consent"' not in page  # no live checkbox to tick
    assert "Only the learner decides what program leadership may see" in page
    assert "Topics discussed" in page and "(shared)" in page


def test_the_learner_sees_live_consent_checkboxes(client, rel, resident):
    client.force_login(resident)
    page = client.get(edit_url(rel)).text
    assert page.count('name="consent"') == len(ConsentCategory.values)


def test_the_guide_can_change_the_terms_even_if_the_post_ticks_consent(client, rel, faculty):
    client.force_login(faculty)

    response = client.post(
        edit_url(rel), agreement_post(rel, goals="Also a poster.", consent=[TOPICS, GOALS])
    )

    assert response.status_code == 302
    latest = rel.current_agreement()
    assert latest.goals == "Also a poster." and latest.consent == []
    assert consent_in_force(rel) == frozenset()


def test_a_learners_change_to_consent_alone_is_in_force_at_once(client, rel, resident, faculty):
    client.force_login(resident)

    response = client.post(edit_url(rel), agreement_post(rel, consent=[TOPICS, GOALS]))

    assert response.status_code == 302
    assert "It applies now" in " ".join(flashes(response))
    assert consent_in_force(rel) == {TOPICS, GOALS}
    client.force_login(faculty)
    page = client.get(rel.get_absolute_url()).text
    assert "Topics discussed" in page and "Goals and ILP content" in page
    assert "Read the agreement and acknowledge it" not in page  # nothing for the guide to do
    assert "Waiting:" not in page


def test_the_page_says_what_waits_when_the_terms_change_too(client, rel, resident):
    revise_agreement(rel, resident, consent=[TOPICS])
    client.force_login(resident)

    client.post(edit_url(rel), agreement_post(rel, goals="New goals.", consent=[TOPICS, GOALS]))
    page = client.get(rel.get_absolute_url()).text

    now, waiting = page.split("Waiting:")
    assert "Topics discussed" in now.split("Program leadership may see, now")[1]
    assert "Goals and ILP content" in waiting.split("</p>")[0]
    assert "once you both acknowledge it" in page


def test_an_unchanged_agreement_is_not_saved_as_a_new_version(client, rel, resident):
    client.force_login(resident)
    response = client.post(edit_url(rel), agreement_post(rel))
    assert response.status_code == 200
    assert "Nothing has changed" in response.text
    assert rel.agreements.count() == 1


# --- Why a pairing ended (defect 9) ----------------------------------------------------


def end_from_rematch(rel, asked_by, leader):
    request = services.rematch_request_create(relationship=rel, acting_user=asked_by, reason=REASON)
    services.rematch_request_reassign(request=request, acting_user=leader)
    rel.refresh_from_db()
    return rel


@pytest.mark.parametrize(
    ("who", "sees_reason"),
    [("faculty", False), ("resident", True), ("director", True), ("coordinator", True)],
)
def test_the_relationship_page_says_why_only_to_leaders_and_the_requester(
    client, request, rel, resident, director, who, sees_reason
):
    end_from_rematch(rel, resident, director)
    client.force_login(request.getfixturevalue(who))

    page = client.get(rel.get_absolute_url()).text

    assert "Ended" in page and "ended" in page
    assert ("No-fault rematch" in page) is sees_reason


def test_the_history_says_only_ended_to_the_other_party_even_for_old_events(
    client, rel, resident, director, faculty
):
    end_from_rematch(rel, resident, director)
    # An event recorded when the reason was still written into the history.
    rel.events.filter(to_state=State.ENDED).update(note="No-fault rematch")
    client.force_login(faculty)
    history = client.get(rel.get_absolute_url()).text.split("<h2>History</h2>")[1]
    assert "Active → Ended" in history
    assert "rematch" not in history.lower()


def test_my_pairings_does_not_say_why_to_the_other_party(client, rel, resident, director, faculty):
    end_from_rematch(rel, resident, director)
    client.force_login(faculty)
    page = client.get(reverse("relationships:mine", args=[rel.program.slug])).text
    assert "ended" in page
    assert "rematch" not in page.lower()


def test_a_director_who_is_the_other_party_reads_neither_page_nor_audit_reason(
    client, program, director
):
    mentor = MembershipFactory(program=program, role=Role.DIRECTOR).user
    GuideProfileFactory(user=mentor, offers={GuidanceKind.MENTORING: 2})
    learner = make_learner(program)
    rel = make_active_relationship(
        program=program, learner=learner, guide=mentor, acting_user=director
    )
    end_from_rematch(rel, learner, director)
    client.force_login(mentor)

    assert "No-fault rematch" not in client.get(rel.get_absolute_url()).text
    audit = client.get(reverse("relationships:audit", args=[program.slug])).text
    assert "Relationship ended" in audit
    assert "rematch" not in audit.split("<tbody>")[1].lower()


def test_ended_for_another_reason_without_a_request_is_neutral_to_both_parties(
    client, rel, director
):
    services.relationship_end(relationship=rel, acting_user=director, reason=EndReason.OTHER)
    for person in (rel.learner, rel.guide):
        client.force_login(person)
        page = client.get(rel.get_absolute_url()).text
        assert "(Other)" not in page


# --- Rematch requests: acknowledge, reassign, close (defect 10) ------------------------


@pytest.fixture
def rematch(rel, resident):
    return services.rematch_request_create(relationship=rel, acting_user=resident, reason=REASON)


def action_url(name, rematch):
    return reverse(
        f"relationships:rematch_{name}", args=[rematch.relationship.program.slug, rematch.uuid]
    )


def test_the_requests_page_offers_the_three_actions(client, rematch, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("relationships:rematch_requests", args=["peds"])).text
    for name in ("acknowledge", "reassign", "close"):
        assert action_url(name, rematch) in page


def test_acknowledging_tells_the_requester_that_leadership_is_on_it(
    client, rel, rematch, coordinator, resident, faculty
):
    client.force_login(coordinator)
    response = client.post(action_url("acknowledge", rematch))

    assert response.status_code == 302
    rematch.refresh_from_db()
    assert rematch.acknowledged_by == coordinator and rematch.is_open
    assert AuditEntry.objects.filter(action="rematch.acknowledged", actor=coordinator).exists()
    client.force_login(resident)
    assert "They read it on" in client.get(rel.get_absolute_url()).text
    client.force_login(faculty)
    assert "They read it on" not in client.get(rel.get_absolute_url()).text


def test_reassigning_ends_the_pairing_and_opens_the_prefilled_assignment(
    client, rel, rematch, director, resident
):
    client.force_login(director)
    response = client.post(action_url("reassign", rematch))

    rel.refresh_from_db()
    rematch.refresh_from_db()
    assert rel.state == State.ENDED and rel.end_reason == EndReason.REMATCH
    assert rematch.resolution == RematchResolution.REASSIGNED and not rematch.is_open
    assert AuditEntry.objects.filter(action="rematch.reassigned").exists()
    assign = reverse("relationships:assign", args=["peds"])
    assert response["Location"] == f"{assign}?rematch={rematch.uuid}"
    form = client.get(response["Location"]).context["form"]
    assert form["learner"].value() == resident.pk
    assert form["kind"].value() == GuidanceKind.MENTORING


def test_the_assignment_ignores_a_rematch_id_that_is_not_the_leaders(client, director):
    client.force_login(director)
    response = client.get(reverse("relationships:assign", args=["peds"]) + "?rematch=nonsense")
    assert response.status_code == 200
    assert response.context["rematch"] is None


def test_closing_needs_a_note_and_keeps_the_pairing(client, rel, rematch, coordinator):
    client.force_login(coordinator)

    refused = client.post(action_url("close", rematch), {"note": "  "})
    assert "Write a short note" in " ".join(flashes(refused))
    rematch.refresh_from_db()
    assert rematch.is_open

    client.post(action_url("close", rematch), {"note": "Talked with both; they will meet."})
    rematch.refresh_from_db()
    rel.refresh_from_db()
    assert rematch.resolution == RematchResolution.CLOSED and not rematch.is_open
    assert rematch.resolution_note == "Talked with both; they will meet."
    assert rel.state == State.ACTIVE
    assert AuditEntry.objects.filter(action="rematch.closed").exists()
    page = client.get(reverse("relationships:rematch_requests", args=["peds"])).text
    assert "Talked with both" in page and "No open request" in page


def test_a_closed_request_cannot_be_reassigned(client, rel, rematch, coordinator):
    services.rematch_request_close(request=rematch, acting_user=coordinator, note="Sorted.")
    client.force_login(coordinator)
    response = client.post(action_url("reassign", rematch))
    assert "already dealt with" in " ".join(flashes(response))
    rel.refresh_from_db()
    assert rel.state == State.ACTIVE


@pytest.mark.parametrize("name", ["acknowledge", "reassign", "close"])
def test_the_other_party_cannot_find_the_request_even_as_a_leader(client, program, name):
    mentor = MembershipFactory(program=program, role=Role.COORDINATOR).user
    GuideProfileFactory(user=mentor, offers={GuidanceKind.MENTORING: 2})
    learner = make_learner(program)
    rel = make_active_relationship(program=program, learner=learner, guide=mentor)
    rematch = services.rematch_request_create(relationship=rel, acting_user=learner, reason=REASON)
    client.force_login(mentor)
    assert client.post(action_url(name, rematch), {"note": "x"}).status_code == 404
    rematch.refresh_from_db()
    assert rematch.is_open and rematch.acknowledged_at is None


# --- My pairings (defect 10) -----------------------------------------------------------


def test_my_pairings_tells_a_coordinator_with_none_where_the_pairings_are(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("relationships:mine", args=["peds"])).text
    assert "You have no pairings in Pediatrics Residency" in page
    assert reverse("relationships:overview", args=["peds"]) in page


def test_my_pairings_still_lists_a_leaders_own_pairings(client, program, director):
    chief = MembershipFactory(program=program, role=Role.COORDINATOR).user
    guide = make_guide(program, "Maya", "Okafor")
    make_active_relationship(program=program, learner=make_learner(program), guide=guide)
    GuideProfileFactory(user=chief)
    client.force_login(guide)
    page = client.get(reverse("relationships:mine", args=["peds"])).text
    assert "My learners" in page and "You have no pairings" not in page


def test_a_long_history_is_shown_and_read_a_page_of_meetings_at_a_time(client, rel, resident):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dyad.meetings.models import Meeting, MeetingStatus
    from dyad.relationships.views import MEETINGS_PER_PAGE

    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(relationship=rel, starts_at=now - timedelta(days=7 * n), mode="video")
        for n in range(1, 3 * MEETINGS_PER_PAGE + 1)
    )
    Meeting.objects.filter(relationship=rel).update(status=MeetingStatus.HELD)
    client.force_login(resident)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(rel.get_absolute_url())
    page = response.context["meetings"]
    assert len(page.object_list) == MEETINGS_PER_PAGE
    assert page.paginator.count == 3 * MEETINGS_PER_PAGE
    listed = [q["sql"] for q in ctx.captured_queries if 'FROM "meetings_meeting"' in q["sql"]]
    # The list: a count and one page; the cadence: this academic year, and one row before.
    assert all("LIMIT" in sql or "COUNT(" in sql or "starts_at" in sql for sql in listed)
    oldest = client.get(rel.get_absolute_url() + "?meetings_page=3").context["meetings"]
    assert oldest.object_list[-1].starts_at == now - timedelta(days=7 * 3 * MEETINGS_PER_PAGE)
