"""Agreements and reporting consent (SPEC M3), and confidentiality's one exception: the
safety concern (SPEC M11)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.models import AuditEntry
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships import services
from dyad.relationships.factories import (
    SafetyContactFactory,
    acknowledge_both,
    make_guide,
    make_relationship,
    revise_agreement,
)
from dyad.relationships.models import (
    ConsentCategory,
    EndReason,
    RelationshipEvent,
    SafetyConcern,
    State,
)
from dyad.relationships.services import RelationshipError, consent_in_force

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
SUMMARIES = ConsentCategory.SUMMARIES
TOPICS = ConsentCategory.TOPICS
GOALS = ConsentCategory.GOALS


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def rel(program, director, faculty, resident):
    """A proposed mentoring relationship of the resident with the faculty member."""
    return make_relationship(program=program, learner=resident, guide=faculty, acting_user=director)


def with_consent(rel, categories):
    """The learner writes `categories` into a new version; both acknowledge it."""
    revise_agreement(rel, rel.learner, consent=categories)
    acknowledge_both(rel)
    assert consent_in_force(rel) == frozenset(categories)
    return rel


# --- Acknowledgement --------------------------------------------------------------------


def test_acknowledgement_by_both_makes_the_relationship_active(rel, resident, faculty):
    agreement = rel.current_agreement()
    services.agreement_acknowledge(agreement=agreement, acting_user=resident)

    agreement = services.agreement_acknowledge(agreement=agreement, acting_user=faculty)

    rel.refresh_from_db()
    assert rel.state == State.ACTIVE
    assert agreement.is_acknowledged
    assert agreement.learner_ack_at == agreement.guide_ack_at == NOW
    event = RelationshipEvent.objects.filter(relationship=rel).last()
    assert (event.from_state, event.to_state, event.actor) == (
        State.PROPOSED,
        State.ACTIVE,
        faculty,
    )
    assert event.note == "Agreement acknowledged"
    actions = list(
        AuditEntry.objects.filter(target_id=str(rel.uuid)).order_by("id").values_list("action")
    )
    assert actions == [
        ("relationship.created",),
        ("agreement.acknowledged",),
        ("agreement.acknowledged",),
        ("relationship.active",),
    ]


@pytest.mark.parametrize("who", ["resident", "faculty"])
def test_one_acknowledgement_alone_leaves_it_proposed(request, rel, who):
    party = request.getfixturevalue(who)

    services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=party)
    services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=party)

    rel.refresh_from_db()
    assert rel.state == State.PROPOSED
    assert not rel.current_agreement().is_acknowledged
    assert not RelationshipEvent.objects.filter(to_state=State.ACTIVE).exists()


def test_acknowledging_needs_goals(program, director, faculty, resident):
    rel = make_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director, goals=""
    )

    with pytest.raises(RelationshipError, match="Write the goals"):
        services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=resident)

    revise_agreement(rel, resident, goals="Prepare a QI project for the spring.")
    acknowledge_both(rel)
    assert rel.state == State.ACTIVE


@pytest.mark.parametrize("who", ["director", "coordinator", "stranger"])
def test_a_non_party_cannot_acknowledge(request, rel, who):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=person)

    agreement = rel.current_agreement()
    assert agreement.learner_ack_at is None and agreement.guide_ack_at is None


def test_an_ended_relationship_cannot_be_acknowledged(rel, director, resident):
    services.relationship_end(relationship=rel, acting_user=director, reason=EndReason.OTHER)

    with pytest.raises(RelationshipError, match="has ended"):
        services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=resident)


# --- Versions ---------------------------------------------------------------------------


def test_a_new_version_needs_new_acknowledgements(rel, resident, faculty):
    acknowledge_both(rel)

    v2 = revise_agreement(rel, faculty, goals="Also: a poster at the spring meeting.")

    assert v2.version == 2
    assert v2.learner_ack_at is None and v2.guide_ack_at is None
    rel.refresh_from_db()
    assert rel.state == State.ACTIVE  # the relationship goes on under version 1
    acknowledge_both(rel)
    assert rel.current_agreement().is_acknowledged


def test_an_older_version_cannot_be_acknowledged_once_a_newer_exists(rel, resident):
    v1 = rel.current_agreement()
    revise_agreement(rel, resident, goals="Reworded goals.")

    with pytest.raises(RelationshipError, match="newer version"):
        services.agreement_acknowledge(agreement=v1, acting_user=resident)


def test_the_older_acknowledged_version_stays_in_force_until_the_new_one_is_acknowledged(
    rel, resident, faculty
):
    with_consent(rel, [TOPICS, GOALS])

    revise_agreement(rel, faculty, goals="New goals, same sharing.")
    services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=faculty)

    assert consent_in_force(rel) == {TOPICS, GOALS}


def test_nothing_is_shared_before_any_version_is_acknowledged(rel, resident):
    revise_agreement(rel, resident, consent=[SUMMARIES, GOALS])

    assert consent_in_force(rel) == frozenset()


def test_revising_tells_only_the_other_party(
    rel, resident, faculty, mailoutbox, django_capture_on_commit_callbacks
):
    secret = "Talk about my divorce and how it affects my work"
    with django_capture_on_commit_callbacks(execute=True):
        revise_agreement(rel, resident, goals=secret)

    assert [m.to for m in mailoutbox] == [[faculty.email]]
    assert "divorce" not in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="agreement.revised").count() == 1


def test_an_ended_relationships_agreement_cannot_change(rel, director, resident):
    services.relationship_end(relationship=rel, acting_user=director, reason=EndReason.OTHER)

    with pytest.raises(RelationshipError, match="has ended"):
        revise_agreement(rel, resident, goals="Too late.")


# --- Reporting consent ------------------------------------------------------------------


@pytest.mark.parametrize("change", [[TOPICS, SUMMARIES], []], ids=["widen", "narrow"])
def test_only_the_learner_decides_the_consent(rel, faculty, change):
    with_consent(rel, [TOPICS])

    with pytest.raises(RelationshipError, match="Only the learner decides"):
        revise_agreement(rel, faculty, consent=change)

    assert rel.agreements.count() == 2  # no version 3
    assert consent_in_force(rel) == {TOPICS}


def test_the_guide_may_change_the_terms_with_the_consent_as_it_is(rel, faculty):
    with_consent(rel, [TOPICS])

    v3 = revise_agreement(rel, faculty, goals="Also: a poster at the spring meeting.")

    assert v3.consent == [TOPICS]
    assert not v3.is_acknowledged
    assert consent_in_force(rel) == {TOPICS}


def test_a_change_to_consent_alone_applies_without_new_acknowledgements(rel, resident, faculty):
    agreed = with_consent(rel, [TOPICS]).current_agreement()

    revised = revise_agreement(rel, resident, consent=[TOPICS, SUMMARIES, GOALS])

    assert revised.version == agreed.version + 1  # still a version of its own
    assert revised.is_acknowledged
    assert (revised.learner_ack_at, revised.guide_ack_at) == (
        agreed.learner_ack_at,
        agreed.guide_ack_at,
    )
    assert consent_in_force(rel) == {TOPICS, SUMMARIES, GOALS}
    assert services.consent_pending(rel) == frozenset()


def test_a_learners_narrowing_by_consent_alone_applies_at_once(rel, resident):
    with_consent(rel, [TOPICS, SUMMARIES, GOALS])

    revise_agreement(rel, resident, consent=[TOPICS])

    assert consent_in_force(rel) == {TOPICS}


def test_a_change_to_the_terms_needs_both_and_the_wider_consent_waits_for_it(
    rel, resident, faculty
):
    with_consent(rel, [TOPICS])

    revise_agreement(rel, resident, goals="New goals.", consent=[TOPICS, SUMMARIES])

    assert consent_in_force(rel) == {TOPICS}
    assert services.consent_pending(rel) == {SUMMARIES}
    services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=resident)
    assert consent_in_force(rel) == {TOPICS}
    services.agreement_acknowledge(agreement=rel.current_agreement(), acting_user=faculty)
    assert consent_in_force(rel) == {TOPICS, SUMMARIES}
    assert services.consent_pending(rel) == frozenset()


def test_a_narrowing_with_a_change_of_terms_applies_at_once(rel, resident):
    with_consent(rel, [TOPICS, GOALS])

    revise_agreement(rel, resident, goals="New goals.", consent=[TOPICS])

    assert not rel.current_agreement().is_acknowledged
    assert consent_in_force(rel) == {TOPICS}


def test_consent_alone_while_new_terms_wait_still_waits_for_them(rel, resident, faculty):
    with_consent(rel, [TOPICS])
    revise_agreement(rel, faculty, goals="The guide's new goals.")

    revise_agreement(rel, resident, consent=[TOPICS, GOALS])

    assert consent_in_force(rel) == {TOPICS}
    assert services.consent_pending(rel) == {GOALS}


def test_a_revision_that_changes_nothing_is_refused(rel, resident):
    with pytest.raises(RelationshipError, match="Nothing has changed"):
        revise_agreement(rel, resident)

    assert rel.agreements.count() == 1


def test_a_change_to_consent_alone_tells_the_guide_there_is_nothing_to_acknowledge(
    rel, resident, faculty, mailoutbox, django_capture_on_commit_callbacks
):
    with_consent(rel, [TOPICS])
    with django_capture_on_commit_callbacks(execute=True):
        revise_agreement(rel, resident, consent=[TOPICS, GOALS])

    assert [m.to for m in mailoutbox] == [[faculty.email]]
    assert "nothing for you to acknowledge" in mailoutbox[0].body


def test_consent_changes_are_audited(rel, resident, faculty):
    revise_agreement(rel, resident, consent=[GOALS, TOPICS])
    revise_agreement(rel, faculty, goals="Only the goals changed.")

    entries = AuditEntry.objects.filter(action="consent.changed")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == resident
    assert entry.target_id == str(rel.uuid)
    assert entry.data == {"version": 2, "from": [], "to": [TOPICS, GOALS]}


def test_unknown_consent_categories_are_refused(rel, resident):
    with pytest.raises(RelationshipError, match="Unknown consent categories: private_notes"):
        revise_agreement(rel, resident, consent=[TOPICS, "private_notes"])

    assert rel.agreements.count() == 1


def test_leaders_see_content_only_in_the_categories_in_force(program, rel, director, resident):
    with_consent(rel, [SUMMARIES])
    consent = consent_in_force(rel)
    as_director = viewer_for(director, program)
    as_learner = viewer_for(resident, program)

    assert policy.can_view_relationship_content(as_director, rel, SUMMARIES, consent)
    assert not policy.can_view_relationship_content(as_director, rel, GOALS, consent)
    assert policy.can_view_relationship_content(as_learner, rel, GOALS, consent)


# --- Safety concern: confidentiality's one exception ------------------------------------


def raise_concern(rel, **kwargs):
    kwargs.setdefault("description", "Says she has not slept in four days and feels hopeless.")
    return services.safety_concern_raise(relationship=rel, acting_user=rel.guide, **kwargs)


@pytest.mark.parametrize("who", ["resident", "director", "coordinator", "other_guide"])
def test_only_the_relationships_guide_may_raise_a_concern(request, program, rel, who):
    person = make_guide(program) if who == "other_guide" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.safety_concern_raise(relationship=rel, acting_user=person, description="Worried.")
    assert not SafetyConcern.objects.exists()


def test_a_concern_needs_a_description(rel):
    with pytest.raises(RelationshipError, match="Describe the concern"):
        raise_concern(rel, description="   ")


def test_a_concern_goes_only_to_the_designated_contacts_without_its_description(
    program, rel, director, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    wellness = MembershipFactory(program=program, role=Role.FACULTY).user
    SafetyContactFactory(program=program, user=wellness)
    SafetyContactFactory(program=program, user=coordinator)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(rel, urgency="urgent")

    assert sorted(m.to[0] for m in mailoutbox) == sorted([wellness.email, coordinator.email])
    for message in mailoutbox:
        assert "slept" not in message.body and "hopeless" not in message.body
        assert message.subject.startswith("URGENT: ")
    entry = AuditEntry.objects.get(action="concern.raised")
    assert entry.target_id == str(concern.uuid)
    assert "hopeless" not in str(entry.data)


def test_a_concern_goes_to_the_directors_when_no_contact_is_designated(
    program, rel, director, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    second = MembershipFactory(program=program, role=Role.DIRECTOR).user
    MembershipFactory(program=program, role=Role.DIRECTOR, is_active=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(rel)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([director.email, second.email])
    assert all("hopeless" not in m.body for m in mailoutbox)


def test_a_concern_is_seen_by_its_raiser_and_the_contacts_only(
    program, rel, faculty, resident, director, coordinator, outsider
):
    SafetyContactFactory(program=program, user=coordinator)
    concern = raise_concern(rel)

    def can_view(user, in_program=program):
        return policy.can_view_concern(viewer_for(user, in_program), concern)

    assert can_view(faculty)
    assert can_view(coordinator)
    assert not can_view(resident)
    assert not can_view(director)  # a leader, but not a designated contact
    assert not can_view(outsider)


def test_directors_see_concerns_when_no_contact_is_designated(program, rel, director, resident):
    concern = raise_concern(rel)

    assert policy.can_view_concern(viewer_for(director, program), concern)
    assert not policy.can_view_concern(viewer_for(resident, program), concern)
