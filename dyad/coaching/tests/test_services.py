from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from dyad.audit.models import AuditEntry
from dyad.coaching import services
from dyad.coaching.factories import make_coach, make_engagement
from dyad.coaching.models import (
    CoachingSettings,
    Engagement,
    EngagementState,
    EngagementType,
    Referral,
    ValuesExercise,
)
from dyad.coaching.selectors import engagement_counts
from dyad.coaching.services import CoachingError
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import EndReason, EvaluativeKind, Origin, State
from dyad.relationships.services import (
    RelationshipError,
    evaluative_role_create,
    relationship_end,
)

START = date(2026, 9, 15)


def refer(program, resident, coach, director, **kwargs):
    return services.referral_create(
        program=program,
        learner=resident,
        coach=coach,
        start_date=kwargs.pop("start_date", START),
        planned_end=kwargs.pop("planned_end", START + timedelta(days=120)),
        cadence=kwargs.pop("cadence", "biweekly"),
        acting_user=director,
    )


def test_a_referral_pairs_the_resident_with_the_coach_and_records_no_reason(
    program, director, resident, coach, coaching, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(program, resident, coach, director)
    engagement = referral.engagement
    relationship = engagement.relationship
    assert (relationship.kind, relationship.origin) == (GuidanceKind.COACHING, Origin.ASSIGNED)
    assert (relationship.learner, relationship.guide) == (resident, coach)
    assert engagement.type == EngagementType.TARGETED
    assert engagement.state == EngagementState.ACTIVE
    assert referral.referred_by == director and referral.referred_at is not None
    # Only who, whom and when: no field could hold a reason.
    fields = {f.name for f in Referral._meta.get_fields()}
    assert fields == {"id", "uuid", "engagement", "referred_by", "referred_at"}
    told = {m.to[0] for m in mailoutbox}
    assert {resident.email, coach.email} <= told
    for mail in mailoutbox:
        assert "refer" not in (mail.subject + mail.body).lower()


def test_a_referral_is_audited_without_a_reason(program, director, resident, coach, coaching):
    refer(program, resident, coach, director)
    entry = AuditEntry.objects.get(action="coaching.referred")
    assert set(entry.data) == {"learner", "coach"}
    assert AuditEntry.objects.filter(action="coaching.engagement_started").count() == 1


def test_the_engagement_cadence_becomes_the_agreed_frequency(
    program, director, resident, coach, coaching
):
    referral = refer(program, resident, coach, director, cadence="weekly")
    agreement = referral.engagement.relationship.current_agreement()
    assert agreement.meeting_frequency == "weekly"


def test_only_leaders_refer(program, faculty, resident, coach, coaching):
    with pytest.raises(PermissionDenied):
        refer(program, resident, coach, faculty)


def test_a_program_that_does_not_offer_the_type_refuses_it(program, director, resident, coach):
    CoachingSettings.objects.create(program=program, targeted=False, program_wide=True)
    with pytest.raises(CoachingError, match="does not offer targeted"):
        refer(program, resident, coach, director)


def test_a_coach_who_evaluates_the_resident_is_refused(program, director, resident, coaching):
    coach = make_coach(program, "Eve", "Evaluator")
    evaluative_role_create(
        program=program,
        evaluator=coach,
        kind=EvaluativeKind.CCC_MEMBER,
        start_date=date(2026, 7, 1),
        acting_user=director,
    )
    with pytest.raises(RelationshipError, match="non-evaluative"):
        refer(program, resident, coach, director)


def test_executive_coaching_of_a_chief_resident_for_six_months_weekly(
    program, director, chief, coach, coaching
):
    engagement = services.engagement_start(
        program=program,
        learner=chief,
        coach=coach,
        engagement_type=EngagementType.EXECUTIVE,
        start_date=START,
        planned_end=date(2027, 3, 15),
        cadence="weekly",
        acting_user=director,
    )
    assert engagement.relationship.learner == chief
    assert engagement.relationship.current_agreement().meeting_frequency == "weekly"


def test_junior_faculty_may_be_coachees_of_executive_coaching(
    program, director, junior_faculty, coach, coaching
):
    engagement = make_engagement(
        program=program,
        learner=junior_faculty,
        coach=coach,
        engagement_type=EngagementType.EXECUTIVE,
    )
    assert engagement.relationship.learner == junior_faculty


def test_executive_coaching_shorter_than_six_months_or_quarterly_is_refused(
    program, director, chief, coach, coaching
):
    common = dict(
        program=program,
        learner=chief,
        coach=coach,
        engagement_type=EngagementType.EXECUTIVE,
        start_date=START,
        acting_user=director,
    )
    with pytest.raises(CoachingError) as short:
        services.engagement_start(planned_end=date(2027, 1, 1), cadence="monthly", **common)
    assert "six months" in str(short.value)
    with pytest.raises(CoachingError) as rare:
        services.engagement_start(planned_end=date(2027, 6, 1), cadence="quarterly", **common)
    assert "weekly to monthly" in str(rare.value)


def test_executive_coaching_is_not_for_residents(program, director, resident, coach, coaching):
    with pytest.raises(CoachingError, match="chief residents and junior faculty"):
        make_engagement(
            program=program,
            learner=resident,
            coach=coach,
            engagement_type=EngagementType.EXECUTIVE,
        )


def test_completing_an_engagement_ends_its_relationship_as_completed(program, director):
    engagement = make_engagement(program=program)
    services.engagement_end(
        engagement=engagement, state=EngagementState.COMPLETED, acting_user=director
    )
    engagement.refresh_from_db()
    engagement.relationship.refresh_from_db()
    assert engagement.state == EngagementState.COMPLETED
    assert engagement.relationship.state == State.ENDED
    assert engagement.relationship.end_reason == EndReason.COMPLETED
    assert AuditEntry.objects.filter(action="coaching.engagement_ended").exists()
    with pytest.raises(CoachingError, match="already ended"):
        services.engagement_end(
            engagement=engagement, state=EngagementState.STOPPED, acting_user=director
        )


def test_settings_are_saved_and_audited(program, director):
    services.coaching_settings_save(
        program=program, program_wide=True, targeted=False, executive=True, acting_user=director
    )
    found = CoachingSettings.objects.get(program=program)
    assert found.offered_types == ["program_wide", "executive"]
    assert AuditEntry.objects.get(action="coaching.settings_changed").data == {
        "offered": ["program_wide", "executive"]
    }


def test_an_external_coach_is_invited_with_a_coaching_offer_and_out_of_the_pool(program, director):
    from dyad.profiles.models import GuideProfile
    from dyad.programs.models import Invitation

    coach = services.external_coach_invite(
        program=program,
        email="Coach@Agency.example",
        first_name="Ada",
        last_name="Agency",
        agency="Summit Coaching",
        capacity=4,
        acting_user=director,
    )
    assert coach.email == "coach@agency.example"
    assert not coach.has_usable_password()
    assert Membership.objects.get(user=coach, program=program).role == Role.EXTERNAL_COACH
    assert coach.guide_profile.offers.get().capacity == 4
    assert Invitation.objects.filter(program=program, user=coach).exists()
    assert coach.guide_profile not in GuideProfile.objects.in_program(program)


def test_a_member_of_the_program_is_not_invited_as_an_external_coach(program, director, faculty):
    with pytest.raises(CoachingError, match="already belongs"):
        services.external_coach_invite(
            program=program,
            email=faculty.email,
            first_name="F",
            last_name="F",
            agency="X",
            capacity=2,
            acting_user=director,
        )


def test_values_are_ranked_with_an_own_value_and_reflected_on(program, resident):
    services.values_save(
        program=program, acting_user=resident, ranked=[], reflections={}, add_value=" play "
    )
    exercise = services.values_save(
        program=program,
        acting_user=resident,
        ranked=["Play", "Honesty", ""],
        reflections={"lived": "On nights", "unknown": "dropped"},
    )
    assert exercise.own_values == ["Play"]
    assert exercise.ranked == ["Play", "Honesty"]
    assert exercise.reflections == {"lived": "On nights"}


def test_values_are_shared_only_with_the_coachees_own_coaching_relationships(
    program, director, resident
):
    engagement = make_engagement(program=program, learner=resident)
    other = make_engagement(program=program, coach=make_coach(program, "Other", "Coach"))
    relationship = engagement.relationship
    services.values_share_set(program=program, acting_user=resident, relationships=[relationship])
    exercise = ValuesExercise.objects.get(owner=resident)
    assert list(exercise.shared_with.all()) == [relationship]
    with pytest.raises(PermissionDenied):
        services.values_share_set(
            program=program, acting_user=resident, relationships=[other.relationship]
        )
    services.values_share_set(program=program, acting_user=resident, relationships=[])
    assert not exercise.shared_with.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="coaching.values").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["coaching.values_shared", "coaching.values_unshared"]


def test_leaders_do_not_keep_a_values_exercise(program, director):
    with pytest.raises(PermissionDenied):
        services.values_save(program=program, acting_user=director, ranked=[], reflections={})


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        (EndReason.REMATCH, EngagementState.STOPPED),
        (EndReason.LEFT_PROGRAM, EngagementState.STOPPED),
        (EndReason.GRADUATED, EngagementState.COMPLETED),
        (EndReason.COMPLETED, EngagementState.COMPLETED),
    ],
)
def test_an_engagement_ends_with_its_pairing_however_the_pairing_ended(
    program, director, reason, shown
):
    engagement = make_engagement(program=program)
    relationship_end(relationship=engagement.relationship, acting_user=director, reason=reason)
    engagement = Engagement.objects.get(pk=engagement.pk)

    assert engagement.current_state == shown
    assert not engagement.is_active
    assert engagement.awaits_end_record
    assert not Engagement.objects.for_program(program).active().exists()
    row = next(r for r in engagement_counts(program) if r["type"] == "Program-wide")
    assert row["counts"][EngagementState.values.index(shown)] == 1
    assert row["counts"][EngagementState.values.index(EngagementState.ACTIVE)] == 0

    # The leader may still record how it ended; then that record is what shows.
    services.engagement_end(
        engagement=engagement, state=EngagementState.COMPLETED, acting_user=director
    )
    engagement = Engagement.objects.get(pk=engagement.pk)
    assert engagement.current_state == EngagementState.COMPLETED
    assert not engagement.awaits_end_record
