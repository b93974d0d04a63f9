"""The demo program's faculty development: mentor orientation for everyone who mentors,
coach training required to coach. Everyone coaching today has completed it; one faculty
member who offers coaching has not, so the requirement can be seen refusing a pairing."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import Relationship
from dyad.training.services import completions_record, module_save


def seed_training(program, today) -> None:
    director = Membership.objects.filter(program=program, role=Role.DIRECTOR).first().user
    orientation = module_save(
        program=program,
        acting_user=director,
        title="Mentor orientation",
        description="One hour: the mentor's role, confidentiality, the cadence, the agreement.",
        valid_months=None,
        required_for=[],
    )
    coach_training = module_save(
        program=program,
        acting_user=director,
        title="Coach training",
        description="Two days of coaching skills with practice sessions; renewed every two years.",
        valid_months=24,
        required_for=[GuidanceKind.COACHING],
    )
    mentors = set(
        Relationship.objects.filter(program=program, kind=GuidanceKind.MENTORING).values_list(
            "guide", flat=True
        )
    )
    coaches = set(
        Relationship.objects.filter(program=program, kind=GuidanceKind.COACHING).values_list(
            "guide", flat=True
        )
    )
    offering = list(
        GuideOffer.objects.filter(profile__user__memberships__program=program, kind="coaching")
        .exclude(profile__user__in=coaches)
        .values_list("profile__user", flat=True)
    )
    # Everyone already coaching has been trained; the first who only offers to coach has not.
    trained = coaches | set(offering[1:])
    people = get_user_model().objects.filter(pk__in=trained)
    if people:
        completions_record(
            module=coach_training,
            people=list(people),
            completed_on=today - timedelta(days=200),
            acting_user=director,
        )
    if mentors:
        completions_record(
            module=orientation,
            people=list(get_user_model().objects.filter(pk__in=mentors)),
            completed_on=today - timedelta(days=300),
            acting_user=director,
        )
