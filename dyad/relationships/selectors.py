from collections import defaultdict

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from dyad.accounts.models import User
from dyad.policy import safety_contact_roles
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import (
    SEAT_HOLDING_STATES,
    Agreement,
    GuideRequest,
    Relationship,
    RematchRequest,
    SafetyContact,
    State,
)


def safety_contacts(program) -> list:
    """The program's designated contacts who are still active members; its directors
    when none is."""
    return SafetyContact.objects.receiving(program)


def relationships_for_user(user, program):
    return (
        Relationship.objects.for_program(program)
        .for_party(user)
        .select_related("learner", "guide", "focus_area", "program")
        .order_by("state", "-start_date")
    )


def relationships_with_agreement(qs):
    return qs.prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.order_by("-version"))
    )


def open_requests_for_guide(user, program):
    return (
        GuideRequest.objects.pending()
        .filter(program=program, guide=user)
        .select_related("learner", "focus_area")
    )


def requests_of_learner(user, program):
    return GuideRequest.objects.filter(program=program, learner=user).select_related(
        "guide", "focus_area"
    )


def open_rematch_requests(program, viewer_user):
    """Open requests for a leader to read: never those about a relationship the leader is
    a party to (the other party must not learn of them)."""
    return (
        RematchRequest.objects.filter(relationship__program=program, resolved_at__isnull=True)
        .exclude(relationship__learner=viewer_user)
        .exclude(relationship__guide=viewer_user)
        .select_related(
            "relationship__learner",
            "relationship__guide",
            "relationship__program",
            "requested_by",
            "acknowledged_by",
        )
    )


def resolved_rematch_requests(program, viewer_user, *, limit: int = 20):
    """The most recently resolved requests, with leadership's notes: for leaders only, and
    as open_rematch_requests never those about a relationship the leader is a party to."""
    return (
        RematchRequest.objects.filter(relationship__program=program, resolved_at__isnull=False)
        .exclude(relationship__learner=viewer_user)
        .exclude(relationship__guide=viewer_user)
        .select_related(
            "relationship__learner",
            "relationship__guide",
            "relationship__program",
            "requested_by",
            "resolved_by",
        )
        .order_by("-resolved_at")[:limit]
    )


def _taken_subquery():
    return (
        Relationship.objects.filter(
            guide=OuterRef("profile__user"), kind=OuterRef("kind"), state__in=SEAT_HOLDING_STATES
        )
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )


def guide_load(program):
    """Every offer of the program's guides, with `taken` places (proposed or active)."""
    members = Membership.objects.active().filter(program=program).values("user_id")
    return (
        GuideOffer.objects.filter(profile__user__in=members, capacity__gt=0)
        .select_related("profile__user")
        .annotate(taken=Coalesce(Subquery(_taken_subquery(), output_field=IntegerField()), 0))
        .order_by("profile__user__last_name", "profile__user__first_name", "kind")
    )


def guides_at_capacity(program):
    return guide_load(program).filter(taken__gte=F("capacity"))


def guides_at_capacity_head(program, limit: int) -> dict:
    """The first `limit` full offers of guides_at_capacity, as the overview lists them
    (guide, kind label, taken, capacity), and the count of all: two queries, the offers
    and the places taken counted per guide and kind, rather than a count per offer."""
    members = Membership.objects.active().filter(program=program).values("user_id")
    taken = {
        (guide, kind): n
        for guide, kind, n in Relationship.objects.filter(
            guide__in=members, state__in=SEAT_HOLDING_STATES
        )
        .order_by()
        .values_list("guide", "kind")
        .annotate(n=Count("pk"))
    }
    offers = (
        GuideOffer.objects.filter(profile__user__in=members, capacity__gt=0)
        .order_by("profile__user__last_name", "profile__user__first_name", "kind")
        .values_list(
            "profile__user_id",
            "profile__user__first_name",
            "profile__user__last_name",
            "profile__user__email",
            "kind",
            "capacity",
        )
    )
    labels = dict(GuidanceKind.choices)
    full = [
        {
            "guide": f"{first} {last}".strip() or email,
            "kind_label": labels.get(kind, kind),
            "taken": taken.get((user_id, kind), 0),
            "capacity": capacity,
        }
        for user_id, first, last, email, kind, capacity in offers
        if taken.get((user_id, kind), 0) >= capacity
    ]
    return {"rows": full[:limit], "total": len(full), "more": len(full) - min(len(full), limit)}


def learners_overview(program):
    learner_ids = Membership.objects.active().filter(program=program).learners().values("user_id")
    return User.objects.filter(pk__in=learner_ids).order_by("last_name", "first_name")


def overview_rows(program, learners) -> list[dict]:
    """For a page of learners: their open relationships grouped by kind (one query)."""
    learners = list(learners)
    by_learner = defaultdict(lambda: defaultdict(list))
    relationships = (
        Relationship.objects.for_program(program)
        .holding_seats()
        .filter(learner__in=learners)
        .select_related("guide", "focus_area", "program")
        .with_conflict_flag()
    )
    for rel in relationships:
        by_learner[rel.learner_id][rel.kind].append(rel)
    kinds = GuidanceKind.values
    return [
        {
            "learner": learner,
            "by_kind": [by_learner[learner.pk].get(kind, []) for kind in kinds],
            "no_mentor": not by_learner[learner.pk].get(GuidanceKind.MENTORING),
        }
        for learner in learners
    ]


def overview_summary(program, *, learners: int | None = None) -> dict:
    """The overview's counts: one query on the relationships, and one to count the
    learners unless the caller has (`learners`, the count of learners_overview)."""
    learner_ids = Membership.objects.active().filter(program=program).learners().values("user_id")
    if learners is None:
        learners = learners_overview(program).count()
    figures = Relationship.objects.for_program(program).aggregate(
        active=Count("pk", filter=Q(state=State.ACTIVE)),
        proposed=Count("pk", filter=Q(state=State.PROPOSED)),
        ended=Count("pk", filter=Q(state=State.ENDED)),
        mentored=Count(
            "learner",
            distinct=True,
            filter=Q(
                state__in=SEAT_HOLDING_STATES,
                kind=GuidanceKind.MENTORING,
                learner__in=learner_ids,
            ),
        ),
    )
    return {
        "learners": learners,
        "without_mentor": learners - figures["mentored"],
        "active": figures["active"],
        "proposed": figures["proposed"],
        "ended": figures["ended"],
    }


def pending_agreements(program):
    """Open relationships whose newest agreement version lacks an acknowledgement."""
    latest = Agreement.objects.filter(relationship=OuterRef("pk")).order_by("-version")
    unacknowledged = Agreement.objects.filter(
        relationship=OuterRef("pk"), version=OuterRef("latest_version")
    ).filter(Q(learner_ack_at__isnull=True) | Q(guide_ack_at__isnull=True))
    return (
        Relationship.objects.for_program(program)
        .holding_seats()
        .annotate(latest_version=Subquery(latest.values("version")[:1]))
        .filter(Exists(unacknowledged))
        .select_related("learner", "guide", "program")
    )


def flagged_conflicts(program):
    return (
        Relationship.objects.for_program(program)
        .with_conflict_flag()
        .filter(has_conflict=True)
        .select_related("learner", "guide", "program")
    )


# --- Requests for a guide (SPEC M6) ----------------------------------------------------


def _with_lapsed(requests):
    """Annotate `lapsed`: still pending although its answer time has passed (the
    expire_requests command marks these expired; until then they read as expired)."""
    from django.db.models import BooleanField, ExpressionWrapper
    from django.utils import timezone

    lapsed = Q(state=GuideRequest.State.PENDING, expires_at__lte=timezone.now())
    return requests.annotate(lapsed=ExpressionWrapper(lapsed, output_field=BooleanField()))


def guide_requests_sent(user, program):
    return _with_lapsed(requests_of_learner(user, program))


def guide_requests_received(user, program):
    """Requests to `user` as a guide, with the learner's PGY level in the program."""
    pgy = (
        Membership.objects.active()
        .filter(program=OuterRef("program"), user=OuterRef("learner"), pgy__isnull=False)
        .order_by("-pgy")
        .values("pgy")[:1]
    )
    requests = (
        GuideRequest.objects.filter(program=program, guide=user)
        .select_related("learner", "focus_area", "relationship")
        .annotate(learner_pgy=Subquery(pgy))
    )
    return _with_lapsed(requests)


# --- Evaluative roles (SPEC M3) ---------------------------------------------------------


def evaluative_roles_of_program(program):
    from dyad.relationships.models import EvaluativeRole

    return (
        EvaluativeRole.objects.filter(program=program)
        .select_related("evaluator", "learner")
        .order_by("evaluator__last_name", "evaluator__first_name", "kind", "-start_date")
    )


def program_members(program):
    """Everyone active in the program, as users: who may be recorded as an evaluator."""
    member_ids = Membership.objects.active().filter(program=program).values("user_id")
    return User.objects.filter(pk__in=member_ids).order_by("last_name", "first_name")


def evaluative_import_plan(program, text: str):
    """Parse an evaluative-roles CSV and check each row against the program's members
    and the roles already recorded. Two queries whatever the size of the file."""
    from dyad.relationships import evaluative_import
    from dyad.relationships.models import EvaluativeRole

    parsed = evaluative_import.parse(text)
    emails = {e for row in parsed.rows for e in (row.evaluator_email, row.learner_email) if e}
    members: dict[str, evaluative_import.Member] = {}
    memberships = (
        Membership.objects.active()
        .filter(program=program, user__email__in=emails)
        .select_related("user")
    )
    for membership in memberships:
        email = membership.user.email.lower()
        known = members.get(email)
        is_learner = membership.is_learner or (known is not None and known.is_learner)
        members[email] = evaluative_import.Member(user=membership.user, is_learner=is_learner)
    existing = {
        evaluative_import.RoleKey(
            evaluator_email=role.evaluator.email.lower(),
            kind=role.kind,
            learner_email=role.learner.email.lower() if role.learner else "",
            start_date=role.start_date,
            end_date=role.end_date,
        )
        for role in EvaluativeRole.objects.filter(
            program=program, evaluator__email__in=emails
        ).select_related("evaluator", "learner")
    }
    return evaluative_import.plan(parsed, members=members, existing=existing, program=str(program))


# --- Safety concerns (SPEC M11) ---------------------------------------------------------


def safety_contact_candidates(program):
    """Who a director may designate (leaders and faculty of the program), and whoever is
    designated already, so that someone no longer eligible can be taken off."""
    eligible = Membership.objects.active().filter(program=program, role__in=safety_contact_roles())
    designated = SafetyContact.objects.filter(program=program).values("user_id")
    return User.objects.filter(
        Q(pk__in=eligible.values("user_id")) | Q(pk__in=designated)
    ).order_by("last_name", "first_name", "email")


def designated_safety_contacts(program):
    """Only the designated ones (no fallback to the directors, unlike safety_contacts)."""
    return User.objects.filter(
        pk__in=SafetyContact.objects.filter(program=program).values("user_id")
    ).order_by("last_name", "first_name", "email")


def concerns_for_contacts(program, viewer_user):
    """Concerns for a designated contact to read: never those about the contact."""
    from dyad.relationships.models import SafetyConcern

    concerns = SafetyConcern.objects.filter(program=program).exclude(
        relationship__learner=viewer_user
    )
    return concerns.select_related("relationship__learner", "relationship__guide", "raised_by")


def concerns_raised_by(user, relationship):
    from dyad.relationships.models import SafetyConcern

    return SafetyConcern.objects.filter(relationship=relationship, raised_by=user)
