"""Pairing (SPEC M3, M6): by assignment and by request-and-accept, with capacity, the
do-not-re-pair list and the non-evaluative guard."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from dyad.audit.models import AuditEntry
from dyad.profiles.models import ContentArea, GuideOffer
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import selectors, services
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    make_guide,
    make_guide_request,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import (
    EndReason,
    EvaluativeKind,
    Frequency,
    GuideRequest,
    Origin,
    Relationship,
    RelationshipEvent,
    State,
)
from dyad.relationships.services import RelationshipError

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()
MENTORING = GuidanceKind.MENTORING
COACHING = GuidanceKind.COACHING
ADVISING = GuidanceKind.ADVISING
PEER = GuidanceKind.PEER_MENTORING
NON_EVALUATIVE = [MENTORING, COACHING, PEER]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def guide(program):
    """A faculty guide with two places in each kind."""
    return make_guide(
        program, "Grace", "Hopper", offers={MENTORING: 2, COACHING: 2, ADVISING: 2, PEER: 2}
    )


def assign(program, learner, guide, kind=MENTORING, *, by, **kwargs):
    return services.relationship_create(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        origin=Origin.ASSIGNED,
        acting_user=by,
        **kwargs,
    )


def area(slug):
    return ContentArea.objects.get(program=None, slug=slug)


# --- Assignment ---------------------------------------------------------------------------


def test_assignment_creates_a_proposed_relationship_with_an_agreement_v1(
    program, director, faculty, resident
):
    rel = assign(program, resident, faculty, by=director, focus_area=area("research"))

    assert rel.state == State.PROPOSED
    assert rel.origin == Origin.ASSIGNED
    assert rel.start_date == TODAY
    assert rel.seat == 1
    assert rel.focus_area.slug == "research"
    agreement = rel.agreements.get()
    assert agreement.version == 1
    assert agreement.meeting_frequency == Frequency.MONTHLY
    assert agreement.consent == []  # nothing is shared until the learner says so
    assert agreement.learner_ack_at is None and agreement.guide_ack_at is None


@pytest.mark.parametrize(
    ("kind", "frequency"),
    [
        (MENTORING, Frequency.MONTHLY),
        (COACHING, Frequency.MONTHLY),
        (ADVISING, Frequency.QUARTERLY),
        (PEER, Frequency.MONTHLY),
    ],
)
def test_agreement_v1_starts_with_the_default_frequency_of_the_kind(
    program, director, guide, resident, kind, frequency
):
    rel = assign(program, resident, guide, kind, by=director)

    assert rel.current_agreement().meeting_frequency == frequency


def test_assignment_records_an_event_and_an_audit_entry(program, director, faculty, resident):
    rel = assign(program, resident, faculty, by=director)

    event = RelationshipEvent.objects.get(relationship=rel)
    assert (event.from_state, event.to_state, event.actor) == ("", State.PROPOSED, director)
    entry = AuditEntry.objects.get(action="relationship.created")
    assert entry.program == program
    assert entry.actor == director
    assert entry.target_id == str(rel.uuid)
    assert entry.data == {
        "kind": MENTORING,
        "origin": Origin.ASSIGNED,
        "learner": resident.email,
        "guide": faculty.email,
    }


def test_assignment_tells_both_parties_once_committed(
    program, director, faculty, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(program, resident, faculty, by=director)

    assert sorted(m.to[0] for m in mailoutbox) == [faculty.email, resident.email]


def test_a_learner_may_hold_several_relationships_in_different_kinds_and_focus_areas(
    program, director, faculty, guide, resident
):
    career = make_guide(program, "Carl", "Career")
    assign(program, resident, faculty, MENTORING, by=director, focus_area=area("research"))
    assign(program, resident, career, MENTORING, by=director, focus_area=area("career-planning"))
    assign(program, resident, guide, COACHING, by=director)
    assign(program, resident, guide, ADVISING, by=director)

    open_ = Relationship.objects.filter(learner=resident).holding_seats()
    assert sorted(open_.values_list("kind", "guide__last_name")) == sorted(
        [
            (ADVISING, "Hopper"),
            (COACHING, "Hopper"),
            (MENTORING, "Career"),
            (MENTORING, faculty.last_name),
        ]
    )


def test_the_pair_may_not_hold_two_open_relationships_of_one_kind(
    program, director, faculty, resident
):
    assign(program, resident, faculty, by=director, focus_area=area("research"))

    with pytest.raises(RelationshipError, match="already has"):
        assign(program, resident, faculty, by=director, focus_area=area("wellness"))
    assert Relationship.objects.count() == 1


def test_the_pair_may_be_formed_again_once_ended(program, director, faculty, resident):
    first = assign(program, resident, faculty, by=director)
    services.relationship_end(relationship=first, acting_user=director, reason=EndReason.COMPLETED)

    again = assign(program, resident, faculty, by=director)

    assert again.state == State.PROPOSED


def test_nobody_guides_themselves(program, director, resident):
    make_guide(program)  # a profile does not make self-pairing acceptable
    with pytest.raises(RelationshipError, match="cannot guide themselves"):
        assign(program, resident, resident, by=director)


@pytest.mark.parametrize("who", ["coordinator", "faculty", "outsider", "stranger"])
def test_only_a_learner_of_the_program_can_be_paired(request, program, director, guide, who):
    person = request.getfixturevalue(who)

    with pytest.raises(RelationshipError, match="is not a learner of Pediatrics Residency"):
        assign(program, person, guide, by=director)


def test_a_former_learner_can_no_longer_be_paired(program, director, guide):
    learner = make_learner(program, is_active=False)

    with pytest.raises(RelationshipError, match="is not a learner"):
        assign(program, learner, guide, by=director)


# --- Capacity ----------------------------------------------------------------------------


def test_the_third_mentoring_pairing_of_a_guide_with_two_places_is_refused_naming_the_guide(
    program, director, faculty
):
    assign(program, make_learner(program, "Ann"), faculty, by=director)
    assign(program, make_learner(program, "Bob"), faculty, by=director)

    with pytest.raises(RelationshipError) as refused:
        assign(program, make_learner(program, "Cy"), faculty, by=director)

    assert str(faculty) in refused.value.message
    assert "no place left for mentoring" in refused.value.message
    assert Relationship.objects.filter(guide=faculty).count() == 2


def test_an_ended_relationship_frees_its_place(program, director, faculty):
    first = assign(program, make_learner(program, "Ann"), faculty, by=director)
    assign(program, make_learner(program, "Bob"), faculty, by=director)
    services.relationship_end(relationship=first, acting_user=director, reason=EndReason.OTHER)

    third = assign(program, make_learner(program, "Cy"), faculty, by=director)

    assert third.seat == 1  # the place the ended relationship held


def test_places_are_counted_per_kind(program, director):
    guide = make_guide(program, offers={MENTORING: 1, COACHING: 1})
    learner = make_learner(program)
    assign(program, learner, guide, MENTORING, by=director)

    coaching = assign(program, learner, guide, COACHING, by=director)

    assert coaching.seat == 1
    with pytest.raises(RelationshipError, match="no place left for coaching"):
        assign(program, make_learner(program, "Bob"), guide, COACHING, by=director)


def test_a_guide_takes_nobody_in_a_kind_they_do_not_offer(program, director, faculty, resident):
    with pytest.raises(RelationshipError, match="no place left for coaching"):
        assign(program, resident, faculty, COACHING, by=director)


def test_a_guide_who_lowered_their_capacity_takes_nobody_new_until_below_it(
    program, director, faculty
):
    ann = assign(program, make_learner(program, "Ann"), faculty, by=director)
    assign(program, make_learner(program, "Bob"), faculty, by=director)
    GuideOffer.objects.filter(profile__user=faculty).update(capacity=1)
    services.relationship_end(relationship=ann, acting_user=director, reason=EndReason.OTHER)

    # Place 1 is free, but Bob still holds place 2 and the guide now takes one learner.
    with pytest.raises(RelationshipError, match="no place left"):
        assign(program, make_learner(program, "Cy"), faculty, by=director)
    assert Relationship.objects.filter(guide=faculty).holding_seats().count() == 1


# --- Do not re-pair ----------------------------------------------------------------------


def test_a_do_not_repair_pair_cannot_be_assigned_in_any_kind(program, director, guide, resident):
    DoNotRepairFactory(program=program, learner=resident, guide=guide)

    for kind in GuidanceKind.values:
        with pytest.raises(RelationshipError, match="do not re-pair"):
            assign(program, resident, guide, kind, by=director)


def test_a_do_not_repair_pair_cannot_be_requested(program, faculty, resident):
    DoNotRepairFactory(program=program, learner=resident, guide=faculty)

    with pytest.raises(RelationshipError, match="do not re-pair"):
        make_guide_request(program=program, learner=resident, guide=faculty)
    assert not GuideRequest.objects.exists()


# --- The non-evaluative guard -----------------------------------------------------------


@pytest.mark.parametrize(
    "role_kind",
    [
        EvaluativeKind.CCC_MEMBER,
        EvaluativeKind.PROGRAM_DIRECTOR,
        EvaluativeKind.ASSOCIATE_DIRECTOR,
    ],
)
@pytest.mark.parametrize("kind", NON_EVALUATIVE)
def test_a_program_wide_evaluator_cannot_mentor_coach_or_peer_mentor_any_learner(
    program, director, guide, resident, role_kind, kind
):
    EvaluativeRoleFactory(program=program, evaluator=guide, kind=role_kind)

    with pytest.raises(RelationshipError) as refused:
        assign(program, resident, guide, kind, by=director)

    message = refused.value.message
    assert f"{guide} evaluates {resident}" in message
    assert EvaluativeKind(role_kind).label in message
    assert "must be non-evaluative" in message
    assert "program director may override" in message
    assert not Relationship.objects.exists()


def test_a_rotation_supervisor_evaluates_only_the_supervised_learner(
    program, director, guide, resident
):
    other = make_learner(program, "Olga", "Other")
    EvaluativeRoleFactory(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 9, 28),
    )

    with pytest.raises(RelationshipError, match="Rotation supervisor \\(from Sep 1, 2025 to"):
        assign(program, resident, guide, by=director)
    assert assign(program, other, guide, by=director).state == State.PROPOSED


def test_a_role_that_ended_before_the_start_does_not_conflict(program, director, guide, resident):
    EvaluativeRoleFactory(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 8, 1),
        end_date=TODAY - timedelta(days=1),
    )

    assert assign(program, resident, guide, by=director).state == State.PROPOSED


def test_a_role_ending_on_the_start_day_still_conflicts(program, director, guide, resident):
    EvaluativeRoleFactory(program=program, evaluator=guide, end_date=TODAY)

    with pytest.raises(RelationshipError, match="evaluates"):
        assign(program, resident, guide, by=director)


def test_a_role_starting_after_the_relationship_starts_conflicts(
    program, director, guide, resident
):
    EvaluativeRoleFactory(program=program, evaluator=guide, start_date=date(2026, 1, 1))

    with pytest.raises(RelationshipError, match="evaluates"):
        assign(program, resident, guide, by=director)


def test_a_role_in_another_program_does_not_conflict(
    program, other_program, director, guide, resident
):
    EvaluativeRoleFactory(program=other_program, evaluator=guide)

    assert assign(program, resident, guide, by=director).state == State.PROPOSED


def test_an_evaluator_may_advise(program, director, guide, resident):
    EvaluativeRoleFactory(program=program, evaluator=guide, kind=EvaluativeKind.ASSOCIATE_DIRECTOR)

    rel = assign(program, resident, guide, ADVISING, by=director)

    assert rel.state == State.PROPOSED
    assert rel.override_reason == ""
    assert not AuditEntry.objects.filter(action="relationship.evaluative_override").exists()


def test_a_directors_override_with_a_written_reason_passes_and_is_audited(
    program, director, guide, resident
):
    EvaluativeRoleFactory(program=program, evaluator=guide)
    reason = "  Only neonatologist doing bench research; CCC recusal agreed.  "

    rel = assign(program, resident, guide, by=director, override_reason=reason)

    assert rel.override_reason == reason.strip()
    assert rel.override_by == director
    assert rel.override_at == NOW
    entry = AuditEntry.objects.get(action="relationship.evaluative_override")
    assert entry.actor == director
    assert entry.target_id == str(rel.uuid)
    assert entry.data["reason"] == reason.strip()
    assert entry.data["roles"] == ["Clinical Competency Committee member (from Jul 1, 2024)"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_written_reason(program, director, guide, resident, reason):
    EvaluativeRoleFactory(program=program, evaluator=guide)

    with pytest.raises(RelationshipError, match="evaluates"):
        assign(program, resident, guide, by=director, override_reason=reason)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSOCIATE_DIRECTOR])
def test_only_a_program_director_may_override(program, guide, resident, role):
    leader = MembershipFactory(program=program, role=role).user
    EvaluativeRoleFactory(program=program, evaluator=guide)

    with pytest.raises(PermissionDenied):
        assign(program, resident, guide, by=leader, override_reason="We know them well.")
    assert not Relationship.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="relationship.").exists()


def test_a_reason_without_a_conflict_is_not_recorded_as_an_override(
    program, coordinator, guide, resident
):
    rel = assign(program, resident, guide, by=coordinator, override_reason="Just in case.")

    assert rel.override_reason == "" and rel.override_by is None and rel.override_at is None


# --- Evaluative roles recorded later ----------------------------------------------------


def test_an_evaluative_role_recorded_later_flags_the_relationship(
    program, director, guide, resident
):
    mentoring = assign(program, resident, guide, by=director)
    advising = assign(program, resident, guide, ADVISING, by=director)
    assert not selectors.flagged_conflicts(program).exists()

    services.evaluative_role_create(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.CCC_MEMBER,
        start_date=date(2025, 10, 1),
        acting_user=director,
    )

    assert list(selectors.flagged_conflicts(program)) == [mentoring]
    flags = dict(Relationship.objects.with_conflict_flag().values_list("pk", "has_conflict"))
    assert flags == {mentoring.pk: True, advising.pk: False}
    assert AuditEntry.objects.filter(action="evaluative_role.created").count() == 1


def test_a_later_rotation_of_another_learner_flags_nothing(program, director, guide, resident):
    assign(program, resident, guide, by=director)

    services.evaluative_role_create(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=make_learner(program, "Olga"),
        start_date=TODAY,
        acting_user=director,
    )

    assert not selectors.flagged_conflicts(program).exists()


def test_a_later_role_flags_a_relationship_that_had_an_override_for_an_earlier_role(
    program, director, guide, resident, time_machine
):
    EvaluativeRoleFactory(program=program, evaluator=guide, kind=EvaluativeKind.CCC_MEMBER)
    rel = assign(program, resident, guide, by=director, override_reason="Recused from CCC.")
    assert not selectors.flagged_conflicts(program).exists()  # the override covers the CCC

    time_machine.shift(timedelta(days=20))
    services.evaluative_role_create(
        program=program,
        evaluator=guide,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 10, 6),
        end_date=date(2025, 11, 2),
        acting_user=director,
    )

    assert list(selectors.flagged_conflicts(program)) == [rel]


def test_an_ended_relationship_is_not_flagged(program, director, guide, resident):
    rel = assign(program, resident, guide, by=director)
    services.relationship_end(relationship=rel, acting_user=director, reason=EndReason.OTHER)

    EvaluativeRoleFactory(program=program, evaluator=guide)

    assert not selectors.flagged_conflicts(program).exists()


# --- Requests: the contemporary model ---------------------------------------------------


def test_a_learner_requests_a_guide_who_is_told_without_the_message(
    program, faculty, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_guide_request(
            program=program,
            learner=resident,
            guide=faculty,
            message="  I struggle with my confidence on nights.  ",
        )

    assert request.state == GuideRequest.State.PENDING
    assert request.message == "I struggle with my confidence on nights."
    assert request.expires_at == NOW + timedelta(days=program.request_expiry_days)
    assert [m.to for m in mailoutbox] == [[faculty.email]]
    assert "confidence" not in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="guide_request.created").count() == 1


def test_only_the_learner_themself_can_request(program, director, faculty, resident):
    with pytest.raises(PermissionDenied):
        services.guide_request_create(
            program=program,
            learner=resident,
            guide=faculty,
            kind=MENTORING,
            message="On behalf of.",
            acting_user=director,
        )


def test_a_request_needs_an_offer_of_that_kind(program, faculty, resident):
    with pytest.raises(RelationshipError, match="does not offer coaching"):
        make_guide_request(program=program, learner=resident, guide=faculty, kind=COACHING)


def test_a_request_needs_a_guide_accepting_new_learners(program, resident):
    guide = make_guide(program, accepting_new=False)

    with pytest.raises(RelationshipError, match="not accepting new learners"):
        make_guide_request(program=program, learner=resident, guide=guide)


def test_a_request_needs_room(program, director, faculty, resident):
    make_relationship(program=program, guide=faculty, acting_user=director)
    make_relationship(program=program, guide=faculty, acting_user=director)

    with pytest.raises(
        RelationshipError, match=re.escape(f"{faculty} has no place left for mentoring")
    ):
        make_guide_request(program=program, learner=resident, guide=faculty)


def test_a_request_needs_a_message(program, faculty, resident):
    with pytest.raises(RelationshipError, match="Write a short message"):
        make_guide_request(program=program, learner=resident, guide=faculty, message="  \n ")


def test_a_second_pending_request_to_the_same_guide_is_refused(program, faculty, resident):
    make_guide_request(program=program, learner=resident, guide=faculty)

    with pytest.raises(RelationshipError, match="already asked"):
        make_guide_request(program=program, learner=resident, guide=faculty)


def test_a_request_to_an_evaluator_is_refused_without_override(program, resident):
    guide = make_guide(program)
    EvaluativeRoleFactory(program=program, evaluator=guide, kind=EvaluativeKind.PROGRAM_DIRECTOR)

    with pytest.raises(RelationshipError, match="evaluates"):
        make_guide_request(program=program, learner=resident, guide=guide)


def test_accepting_a_request_creates_the_relationship(program, faculty, resident):
    request = make_guide_request(
        program=program, learner=resident, guide=faculty, focus_area=area("research")
    )

    rel = services.guide_request_accept(request=request, acting_user=faculty)

    assert (rel.learner, rel.guide, rel.kind) == (resident, faculty, MENTORING)
    assert rel.origin == Origin.REQUESTED
    assert rel.state == State.PROPOSED
    assert rel.focus_area.slug == "research"
    request.refresh_from_db()
    assert request.state == GuideRequest.State.ACCEPTED
    assert request.answered_at == NOW
    assert request.relationship == rel
    assert AuditEntry.objects.filter(action="guide_request.accepted").count() == 1


@pytest.mark.parametrize("who", ["resident", "director"])
def test_only_the_guide_answers_a_request(request, program, faculty, resident, who):
    guide_request = make_guide_request(program=program, learner=resident, guide=faculty)
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.guide_request_accept(request=guide_request, acting_user=person)
    with pytest.raises(PermissionDenied):
        services.guide_request_decline(request=guide_request, acting_user=person)


def test_a_request_cannot_be_accepted_once_the_guide_is_full(program, director, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    make_relationship(program=program, guide=faculty, acting_user=director)
    make_relationship(program=program, guide=faculty, acting_user=director)

    with pytest.raises(RelationshipError, match="no place left"):
        services.guide_request_accept(request=request, acting_user=faculty)
    request.refresh_from_db()
    assert request.state == GuideRequest.State.PENDING


def test_declining_tells_the_learner(
    program, faculty, resident, mailoutbox, django_capture_on_commit_callbacks
):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.guide_request_decline(request=request, acting_user=faculty)

    request.refresh_from_db()
    assert request.state == GuideRequest.State.DECLINED
    assert [m.to for m in mailoutbox] == [[resident.email]]
    with pytest.raises(RelationshipError, match="no longer open \\(Declined\\)"):
        services.guide_request_accept(request=request, acting_user=faculty)


def test_a_withdrawn_request_cannot_be_accepted(program, faculty, resident):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    services.guide_request_withdraw(request=request, acting_user=resident)

    with pytest.raises(RelationshipError, match="no longer open"):
        services.guide_request_accept(request=request, acting_user=faculty)


def test_an_expired_request_cannot_be_accepted_and_stays_expired(
    program, faculty, resident, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    request = make_guide_request(program=program, learner=resident, guide=faculty)
    mailoutbox.clear()
    time_machine.move_to(request.expires_at + timedelta(minutes=1), tick=False)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RelationshipError, match="no longer open \\(Expired\\)"),
    ):
        services.guide_request_accept(request=request, acting_user=faculty)

    request.refresh_from_db()
    assert request.state == GuideRequest.State.EXPIRED
    assert not Relationship.objects.exists()
    assert [m.to for m in mailoutbox] == [[resident.email]]  # told once, as the job would
    assert services.guide_requests_expire() == 0


def test_expiring_requests_is_idempotent(
    program, faculty, resident, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    old = make_guide_request(program=program, learner=resident, guide=faculty)
    time_machine.shift(timedelta(days=10))
    recent = make_guide_request(program=program, learner=make_learner(program), guide=faculty)
    mailoutbox.clear()
    time_machine.move_to(old.expires_at, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.guide_requests_expire()
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.guide_requests_expire()

    assert (first, second) == (1, 0)
    assert sent == 1 and len(mailoutbox) == 1
    assert mailoutbox[0].to == [resident.email]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == GuideRequest.State.EXPIRED
    assert recent.state == GuideRequest.State.PENDING
