"""Peer-advisor pairing of a program: who volunteers, who is an intern, the proposal with
its reasons, and publishing it all or nothing."""

from datetime import date

import pytest
from django.core import mail

from dyad.audit.models import AuditEntry
from dyad.profiles.factories import GuideProfileFactory, LearnerProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import peer, services
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    director_of,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import EndReason, EvaluativeKind, Origin, Relationship, State

PEER = GuidanceKind.PEER_MENTORING


def volunteer(program, last, places=2, *, pgy=2, role=Role.RESIDENT, **profile):
    user = MembershipFactory(
        program=program, role=role, pgy=pgy, user__first_name="Sam", user__last_name=last
    ).user
    GuideProfileFactory(user=user, offers={PEER: places}, **profile)
    return user


def interns(program, n, prefix="Intern"):
    return [make_learner(program, "Ida", f"{prefix}{i:02d}") for i in range(n)]


def names(proposal):
    return {p.intern.last_name: p.volunteer.user.last_name for p in proposal.pairs}


def loads(proposal):
    return {v.user.last_name: v.load_after for v in proposal.volunteers}


def publish(program, proposal, acting_user=None):
    return peer.peer_pairing_publish(
        program=program,
        previewed=proposal.keys,
        acting_user=acting_user or director_of(program),
    )


# --- Who takes part ----------------------------------------------------------------------


@pytest.mark.django_db
def test_volunteers_are_seniors_offering_peer_mentoring(program):
    volunteer(program, "Second", pgy=2)
    volunteer(program, "Chief", pgy=4, role=Role.CHIEF_RESIDENT)
    volunteer(program, "Intern", pgy=1)  # not a senior yet
    volunteer(program, "Nil", places=0)
    faculty = MembershipFactory(program=program, role=Role.FACULTY).user
    GuideProfileFactory(user=faculty, offers={PEER: 2})
    senior_mentor = MembershipFactory(program=program, role=Role.RESIDENT, pgy=3).user
    GuideProfileFactory(user=senior_mentor, offers={GuidanceKind.MENTORING: 2})
    closed = volunteer(program, "Closed", accepting_new=False)
    proposal = peer.peer_pairing_proposal(program)
    assert [v.user.last_name for v in proposal.volunteers] == ["Chief", "Second"]
    assert [v.user for v in proposal.not_accepting] == [closed]


@pytest.mark.django_db
def test_interns_are_pgy1_residents_without_an_open_peer_mentor(program):
    volunteer(program, "Senior", places=5)
    paired, ended, free = interns(program, 3)
    make_relationship(program=program, learner=paired, guide=volunteer(program, "Busy"), kind=PEER)
    gone = make_relationship(
        program=program, learner=ended, guide=volunteer(program, "Old"), kind=PEER
    )
    services.relationship_end(
        relationship=gone, acting_user=director_of(program), reason=EndReason.REMATCH
    )
    make_learner(program, "Pat", "Second", pgy=2)
    proposal = peer.peer_pairing_proposal(program)
    assert proposal.interns == [ended, free]
    assert proposal.already_paired == 1


# --- The proposal ------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_intern_gets_a_volunteer_and_loads_are_even(program):
    for last in ("Ames", "Bell", "Cole"):
        volunteer(program, last, places=3)
    interns(program, 7)
    proposal = peer.peer_pairing_proposal(program)
    assert len(proposal.pairs) == 7 and not proposal.unpaired
    assert sorted(loads(proposal).values()) == [2, 2, 3]


@pytest.mark.django_db
def test_remaining_places_and_current_interns_count(program):
    busy = volunteer(program, "Busy", places=2)
    volunteer(program, "Free", places=2)
    make_relationship(
        program=program, learner=make_learner(program, last="Earlier"), guide=busy, kind=PEER
    )
    interns(program, 4, prefix="New")  # three places left for four interns
    proposal = peer.peer_pairing_proposal(program)
    assert loads(proposal) == {"Busy": 2, "Free": 2}
    assert len(proposal.pairs) == 3 and len(proposal.unpaired) == 1
    assert proposal.unpaired[0].why == "Every volunteer who could take them is full."


@pytest.mark.django_db
def test_forbidden_pairs_are_avoided_and_explained(program):
    barred = volunteer(program, "Barred", places=5)
    judge = volunteer(program, "Judge", places=5)
    before = volunteer(program, "Before", places=5)
    intern = make_learner(program, "Ida", "Alone")
    DoNotRepairFactory(program=program, learner=intern, guide=barred)
    EvaluativeRoleFactory(
        program=program,
        evaluator=judge,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=intern,
        start_date=date(2020, 7, 1),
    )
    old = make_relationship(program=program, learner=intern, guide=before, kind=PEER)
    services.relationship_end(
        relationship=old, acting_user=director_of(program), reason=EndReason.OTHER
    )
    proposal = peer.peer_pairing_proposal(program)
    assert proposal.pairs == []
    why = proposal.unpaired[0].why
    assert why.startswith("Every volunteer is ruled out:")
    assert "Sam Barred: marked “do not re-pair”" in why
    assert "Sam Judge: evaluates them (Rotation supervisor)" in why
    assert "Sam Before: were peer partners before" in why
    # The same intern with one volunteer left free is paired with them.
    volunteer(program, "Free", places=1)
    assert names(peer.peer_pairing_proposal(program)) == {"Alone": "Free"}


@pytest.mark.django_db
def test_no_volunteer_is_explained(program):
    interns(program, 1)
    proposal = peer.peer_pairing_proposal(program)
    assert proposal.unpaired[0].why == "No senior resident has volunteered as peer mentor yet."


@pytest.mark.django_db
def test_profiles_decide_between_equally_even_pairings_with_reasons(program):
    wellness = ContentArea.objects.get(program=None, slug="wellness")
    research = ContentArea.objects.get(program=None, slug="research")
    volunteer(program, "Runner", places=1, content_areas=[wellness], outside_interests="Running")
    volunteer(program, "Scholar", places=1, content_areas=[research])
    runner_fan, scholar_fan = interns(program, 2)
    no_words = {"interests": "", "career_goals": ""}
    LearnerProfileFactory(user=runner_fan, outside_interests="running, baking", **no_words)
    LearnerProfileFactory(user=scholar_fan, **no_words).content_areas_sought.set([research])
    runner_fan.learner_profile.content_areas_sought.set([wellness])
    proposal = peer.peer_pairing_proposal(program)
    assert names(proposal) == {"Intern00": "Runner", "Intern01": "Scholar"}
    reasons = {p.intern.last_name: p.reasons for p in proposal.pairs}
    assert reasons["Intern00"] == ("shared: Wellness, running",)
    assert reasons["Intern01"] == ("shared: Research",)


@pytest.mark.django_db
def test_the_same_program_gives_the_same_proposal(program):
    for last in ("Ames", "Bell", "Cole", "Dunn"):
        volunteer(program, last, places=3)
    interns(program, 9)
    first = peer.peer_pairing_proposal(program).keys
    assert all(peer.peer_pairing_proposal(program).keys == first for _ in range(3))


# --- Publishing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_creates_every_pair_through_the_service_and_audits(
    program, django_capture_on_commit_callbacks
):
    volunteer(program, "Ames", places=2)
    volunteer(program, "Bell", places=2)
    interns(program, 3)
    director = director_of(program)
    proposal = peer.peer_pairing_proposal(program)
    with django_capture_on_commit_callbacks(execute=True):
        created = publish(program, proposal, director)
    assert len(created) == 3
    for relationship in created:
        assert relationship.kind == PEER
        assert relationship.origin == Origin.ASSIGNED
        assert relationship.state == State.PROPOSED
        assert relationship.agreements.count() == 1
    entry = AuditEntry.objects.get(action="peer_pairing.published")
    assert entry.actor == director
    assert len(entry.data["pairs"]) == 3
    assert AuditEntry.objects.filter(action="relationship.created").count() == 3
    assert len(mail.outbox) == 6  # each intern and each peer mentor, once per pair
    assert peer.peer_pairing_proposal(program).interns == []


@pytest.mark.django_db
def test_publish_is_all_or_nothing(program, monkeypatch):
    volunteer(program, "Ames", places=3)
    interns(program, 3)
    proposal = peer.peer_pairing_proposal(program)
    real = peer.relationship_create
    calls = []

    def refuse_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise services.RelationshipError("Refused for the test.")
        return real(**kwargs)

    monkeypatch.setattr(peer, "relationship_create", refuse_the_third)
    with pytest.raises(services.RelationshipError, match="Refused for the test"):
        publish(program, proposal)
    assert not Relationship.objects.filter(kind=PEER).exists()
    assert not AuditEntry.objects.filter(action="peer_pairing.published").exists()


@pytest.mark.django_db
def test_stale_preview_is_refused_when_an_intern_was_paired_meanwhile(program):
    ames = volunteer(program, "Ames", places=3)
    first, _second = interns(program, 2)
    preview = peer.peer_pairing_proposal(program)
    make_relationship(program=program, learner=first, guide=ames, kind=PEER)
    with pytest.raises(peer.StalePreview, match="1 intern of the preview has been paired"):
        publish(program, preview)
    assert Relationship.objects.filter(kind=PEER).count() == 1


@pytest.mark.django_db
def test_stale_preview_is_refused_when_places_changed(program):
    ames = volunteer(program, "Ames", places=2)
    volunteer(program, "Bell", places=2)
    interns(program, 2)
    preview = peer.peer_pairing_proposal(program)
    ames.guide_profile.offers.update(capacity=0)
    with pytest.raises(peer.StalePreview, match="Nothing was published"):
        publish(program, preview)
    assert not Relationship.objects.filter(kind=PEER).exists()


@pytest.mark.django_db
def test_pairs_that_were_not_previewed_are_refused(program):
    volunteer(program, "Ames", places=2)
    volunteer(program, "Bell", places=2)
    interns(program, 2)
    proposal = peer.peer_pairing_proposal(program)
    swapped = [f"{key.split(':')[0]}:{proposal.volunteers[0].user.uuid}" for key in proposal.keys]
    with pytest.raises(peer.StalePreview):
        peer.peer_pairing_publish(
            program=program, previewed=swapped, acting_user=director_of(program)
        )
    assert not Relationship.objects.filter(kind=PEER).exists()


@pytest.mark.django_db
def test_nothing_to_publish_is_refused(program):
    with pytest.raises(services.RelationshipError, match="nobody to pair"):
        publish(program, peer.peer_pairing_proposal(program))


@pytest.mark.django_db
def test_an_intern_left_over_hears_who_is_full_and_who_is_ruled_out(program):
    barred = volunteer(program, "Barred", places=5)
    volunteer(program, "Full", places=1)
    first, second = interns(program, 2)
    for intern in (first, second):
        DoNotRepairFactory(program=program, learner=intern, guide=barred)
    proposal = peer.peer_pairing_proposal(program)
    assert len(proposal.pairs) == 1
    assert proposal.unpaired[0].why == (
        "Every volunteer who could take them is full. "
        "Ruled out: Sam Barred: marked “do not re-pair”."
    )
