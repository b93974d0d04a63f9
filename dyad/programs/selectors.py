from django.db.models import Count, Q

from dyad.accounts.models import User
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
    guides = _guide_pool_counts(active.values("user_id"))
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


def _guide_pool_counts(user_ids) -> dict[str, int]:
    """Guides with a published offer, and those of them accepting new learners.

    Reached from the user through the reverse relation, so that programs, below the
    profiles app, need not import it (tests/test_layering.py)."""
    published = Q(guide_profile__offers__capacity__gt=0)
    return User.objects.filter(pk__in=user_ids).aggregate(
        published=Count("guide_profile", filter=published, distinct=True),
        accepting=Count(
            "guide_profile", filter=published & Q(guide_profile__accepting_new=True), distinct=True
        ),
    )


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
