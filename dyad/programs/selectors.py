from django.db.models import Count, Q

from dyad.profiles.models import GuideProfile
from dyad.programs.models import Membership, Program, Role


def programs_for_user(user):
    return Program.objects.filter(memberships__in=Membership.objects.for_user(user)).distinct()


def program_overview(program: Program) -> dict:
    """Head counts for the leaders' home page, in a fixed number of queries."""
    active = program.memberships.active()
    counts = active.aggregate(
        residents=Count("user", filter=Q(role__in=Role.learners()), distinct=True),
        faculty=Count("user", filter=Q(role__in=Role.guides()), distinct=True),
        leaders=Count("user", filter=Q(role__in=Role.leaders()), distinct=True),
    )
    by_pgy = list(
        active.filter(role=Role.RESIDENT, pgy__isnull=False)
        .values("pgy")
        .annotate(n=Count("id"))
        .order_by("pgy")
    )
    guide_ids = active.values("user_id")
    guides = GuideProfile.objects.filter(user_id__in=guide_ids).aggregate(
        published=Count("id", filter=Q(offers__capacity__gt=0), distinct=True),
        accepting=Count("id", filter=Q(accepting_new=True, offers__capacity__gt=0), distinct=True),
    )
    never_logged_in = (
        active.filter(user__last_login__isnull=True).values("user_id").distinct().count()
    )
    return {
        **counts,
        "by_pgy": by_pgy,
        "guides_published": guides["published"],
        "guides_accepting": guides["accepting"],
        "never_logged_in": never_logged_in,
    }


def people_in_program(program: Program, *, role: str = "", text: str = ""):
    qs = (
        program.memberships.active()
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
    if role:
        qs = qs.filter(role=role)
    for word in text.split():
        qs = qs.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return qs
