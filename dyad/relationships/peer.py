"""Peer-advisor pairing (SPEC M6, M10): every intern gets a senior resident as peer mentor,
spread evenly over the seniors who volunteer.

Three layers, as elsewhere: the engine's `balanced_pairing` is pure (plain numbers in and
out); `peer_pairing_proposal` reads the program and explains the answer in words;
`peer_pairing_publish` writes it, all or nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dyad.accounts.models import User
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.lib.matching.peer import balanced_pairing
from dyad.lib.matching.score import Compatibility
from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile
from dyad.profiles.suggestions import (
    fit_reasons,
    guide_fit_profile,
    learner_fit_profile,
    program_stop_words,
)
from dyad.programs.models import GuidanceKind, Membership, Program, Role
from dyad.relationships.models import (
    SEAT_HOLDING_STATES,
    DoNotRepair,
    EvaluativeKind,
    EvaluativeRole,
    Origin,
    Relationship,
)
from dyad.relationships.services import RelationshipError, relationship_create

PEER = GuidanceKind.PEER_MENTORING
SENIOR_ROLES = (Role.RESIDENT, Role.CHIEF_RESIDENT)
FIRST_SENIOR_YEAR = 2


# --- Reading the program ------------------------------------------------------------------


@dataclass
class Volunteer:
    profile: GuideProfile
    pgy: int
    capacity: int
    taken: int
    proposed: int = 0

    @property
    def user(self):
        return self.profile.user

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def load_after(self) -> int:
        return self.taken + self.proposed


@dataclass
class ProposedPair:
    intern: User
    volunteer: Volunteer
    points: int
    reasons: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.intern.uuid}:{self.volunteer.user.uuid}"


@dataclass
class Unpaired:
    intern: User
    why: str


@dataclass
class PeerProposal:
    volunteers: list[Volunteer]
    interns: list[User]
    pairs: list[ProposedPair] = field(default_factory=list)
    unpaired: list[Unpaired] = field(default_factory=list)
    not_accepting: list[Volunteer] = field(default_factory=list)
    already_paired: int = 0

    @property
    def keys(self) -> list[str]:
        """The pairs as "intern uuid:volunteer uuid", sorted: what the preview posts back."""
        return sorted(pair.key for pair in self.pairs)

    @property
    def places(self) -> int:
        return sum(v.remaining for v in self.volunteers)


@dataclass(frozen=True)
class YearAhead:
    """The program as a year rollover would leave it, for a proposal computed before the
    rollover runs (its preview), as conditions: on the program's active memberships, those
    that end (graduates) and those that move up one PGY level; on relationships, the
    pairings that end. Nothing else the proposal reads changes."""

    ended_memberships: Q
    advanced_memberships: Q
    ended_relationships: Q


def _memberships(program, ahead: YearAhead | None):
    """The program's active memberships, with `level`: their PGY level, now or as the
    rollover `ahead` would leave it."""
    memberships = Membership.objects.active().filter(program=program)
    if ahead is None:
        return memberships.annotate(level=F("pgy"))
    return memberships.exclude(ahead.ended_memberships).annotate(
        level=Case(
            When(ahead.advanced_memberships, then=F("pgy") + 1),
            default=F("pgy"),
            output_field=IntegerField(),
        )
    )


def _open_peer(ahead: YearAhead | None, **match):
    """Open peer-mentoring pairings matching `match` (now, or once the rollover `ahead`
    has ended its pairings)."""
    pairings = Relationship.objects.filter(kind=PEER, state__in=SEAT_HOLDING_STATES, **match)
    if ahead is not None:
        pairings = pairings.exclude(ahead.ended_relationships)
    return pairings


def _volunteer_profiles(program, ahead: YearAhead | None = None):
    """Guide profiles of the program's senior residents (PGY-2 and above) offering peer
    mentoring, with `pgy`, their peer offer (`peer_offers`, with `taken` places, counted
    across programs as everywhere) and the program's areas."""
    seniors = _memberships(program, ahead).filter(
        role__in=SENIOR_ROLES, level__gte=FIRST_SENIOR_YEAR
    )
    taken = (
        _open_peer(ahead, guide=OuterRef("profile__user"))
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )
    offers = GuideOffer.objects.filter(kind=PEER).annotate(
        taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)
    )
    areas = ContentArea.objects.for_program(program).order_by("name")
    pgy = seniors.filter(user=OuterRef("user")).order_by("-level").values("level")[:1]
    return (
        GuideProfile.objects.filter(user__in=seniors.values("user_id"))
        .filter(offers__kind=PEER, offers__capacity__gt=0)
        .annotate(pgy=Subquery(pgy))
        .select_related("user")
        .prefetch_related(
            Prefetch("offers", queryset=offers, to_attr="peer_offers"),
            Prefetch("content_areas", queryset=areas, to_attr="program_areas"),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _interns(program, ahead: YearAhead | None = None):
    """The program's PGY-1 residents, with and without an open peer relationship."""
    interns = _memberships(program, ahead).filter(role=Role.RESIDENT, level=1)
    has_peer = _open_peer(ahead, learner=OuterRef("pk"))
    areas = ContentArea.objects.for_program(program).order_by("name")
    return (
        User.objects.filter(pk__in=interns.values("user_id"))
        .annotate(has_peer=Exists(has_peer))
        .select_related("learner_profile")
        .prefetch_related(
            Prefetch(
                "learner_profile__content_areas_sought", queryset=areas, to_attr="sought_areas"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def _forbidden(program, interns, volunteers, today) -> dict[tuple[int, int], str]:
    """(intern id, volunteer id) → why they must not be paired, in words. One query: the
    evaluative roles, the past peer pairs and the "do not re-pair" marks, as one list."""
    intern_ids = [u.pk for u in interns]
    volunteer_ids = [v.user.pk for v in volunteers]

    def rows(queryset, learner, guide, reason, kind):
        # All four columns are annotations, in this order, so that the lists line up.
        return (
            queryset.order_by()
            .annotate(l_id=F(learner), g_id=F(guide), reason=Value(reason), role_kind=kind)
            .values_list("l_id", "g_id", "reason", "role_kind")
        )

    roles = rows(
        EvaluativeRole.objects.filter(program=program, evaluator__in=volunteer_ids)
        .filter(Q(learner__isnull=True) | Q(learner__in=intern_ids))
        .overlapping(start=today),
        "learner_id",
        "evaluator_id",
        "role",
        F("kind"),
    )
    before = rows(
        Relationship.objects.filter(kind=PEER, learner__in=intern_ids, guide__in=volunteer_ids),
        "learner_id",
        "guide_id",
        "before",
        Value(""),
    )
    marked = rows(
        DoNotRepair.objects.filter(
            program=program, learner__in=intern_ids, guide__in=volunteer_ids
        ),
        "learner_id",
        "guide_id",
        "marked",
        Value(""),
    )
    order = {"role": 0, "before": 1, "marked": 2}  # a later reason replaces an earlier one
    kinds = dict(EvaluativeKind.choices)
    why: dict[tuple[int, int], str] = {}
    for learner, guide, reason, kind in sorted(
        roles.union(before, marked, all=True), key=lambda row: order[row[2]]
    ):
        if reason == "role":
            for intern in [learner] if learner else intern_ids:
                why[intern, guide] = f"evaluates them ({kinds.get(kind, kind)})"
        elif reason == "before":
            why[learner, guide] = "were peer partners before"
        else:
            why[learner, guide] = "marked “do not re-pair”"
    return why


def _why_unpaired(volunteers, ruled: dict[int, str]) -> str:
    """Why an intern is left unpaired; `ruled`: volunteer user id → why that volunteer is
    ruled out for them."""
    if not volunteers:
        return "No senior resident has volunteered as peer mentor yet."
    ruled_out = [(v, ruled[v.profile.user_id]) for v in volunteers if v.profile.user_id in ruled]
    if len(ruled_out) == len(volunteers):
        return (
            "Every volunteer is ruled out: "
            + "; ".join(f"{v.user}: {why}" for v, why in ruled_out)
            + "."
        )
    why = "Every volunteer who could take them is full."
    if ruled_out:
        why += " Ruled out: " + "; ".join(f"{v.user}: {w}" for v, w in ruled_out) + "."
    return why


def peer_pairing_proposal(program, *, today=None, ahead: YearAhead | None = None) -> PeerProposal:
    """The pairing the program would publish now: the interns without a peer mentor, the
    volunteers with places, the pairs with their reasons, and who cannot be paired and
    why. Nothing is stored. A fixed number of queries whatever the size of the program.
    With `ahead`, the pairing it would publish once that year rollover is done."""
    today = today or timezone.localdate()
    volunteers, not_accepting = [], []
    for profile in _volunteer_profiles(program, ahead):
        offer = profile.peer_offers[0]
        volunteer = Volunteer(profile, profile.pgy, offer.capacity, offer.taken)
        (volunteers if profile.accepting_new else not_accepting).append(volunteer)
    everyone = list(_interns(program, ahead))
    interns = [u for u in everyone if not u.has_peer]
    proposal = PeerProposal(
        volunteers=volunteers,
        interns=interns,
        not_accepting=not_accepting,
        already_paired=len(everyone) - len(interns),
    )
    if not interns:
        return proposal
    forbidden = _forbidden(program, interns, volunteers, today) if volunteers else {}
    stop = program_stop_words(program)
    fit = Compatibility(
        learner_prefs=[[] for _ in interns],
        learner_profiles=[
            learner_fit_profile(getattr(u, "learner_profile", None), stop) for u in interns
        ],
        guide_profiles=[guide_fit_profile(v.profile, stop) for v in volunteers],
    )
    scores = fit.model().block(np.arange(len(interns))) if volunteers else None
    row = {u.pk: i for i, u in enumerate(interns)}
    column = {v.user.pk: j for j, v in enumerate(volunteers)}
    assignment = balanced_pairing(
        n_interns=len(interns),
        capacities=[v.capacity for v in volunteers],
        loads=[v.taken for v in volunteers],
        scores=scores if scores is not None else np.zeros((len(interns), 0), np.int64),
        forbidden={
            (row[learner], column[guide])
            for learner, guide in forbidden
            if learner in row and guide in column
        },
    )
    ruled: dict[int, dict[int, str]] = defaultdict(dict)
    for (learner, guide), why in forbidden.items():
        ruled[learner][guide] = why
    for i, (intern, j) in enumerate(zip(interns, assignment, strict=True)):
        if j is None:
            why = _why_unpaired(volunteers, ruled.get(intern.pk, {}))
            proposal.unpaired.append(Unpaired(intern, why))
            continue
        volunteer = volunteers[j]
        volunteer.proposed += 1
        score = fit.explain(i, j)
        proposal.pairs.append(ProposedPair(intern, volunteer, score.points, fit_reasons(score)))
    return proposal


# --- Publishing ---------------------------------------------------------------------------


class StalePreview(RelationshipError):
    """The program changed since the preview: what was shown is no longer what would be
    published."""


def _what_changed(proposal: PeerProposal, previewed: list[str]) -> str:
    interns = {str(u.uuid) for u in proposal.interns}
    volunteers = {str(v.user.uuid): v for v in proposal.volunteers}
    gone_interns = {key.split(":")[0] for key in previewed} - interns
    gone_volunteers = {key.split(":")[-1] for key in previewed} - set(volunteers)
    parts = []
    if gone_interns:
        n = len(gone_interns)
        parts.append(
            f"{n} intern{'s' if n > 1 else ''} of the preview "
            f"{'have' if n > 1 else 'has'} been paired or left meanwhile"
        )
    if gone_volunteers:
        n = len(gone_volunteers)
        parts.append(
            f"{n} volunteer{'s' if n > 1 else ''} of the preview can no longer take interns"
        )
    if not parts:
        parts.append("places, volunteers, interns or profiles have changed")
    return "; ".join(parts)


@transaction.atomic
def peer_pairing_publish(*, program, previewed: Sequence[str], acting_user) -> list[Relationship]:
    """Create the peer-mentoring relationships of the pairing, all or none.

    `previewed` is the preview's pairs ("intern uuid:volunteer uuid"). The pairing is
    computed again here; if it is not exactly what was previewed (an intern paired
    meanwhile, a volunteer full or gone, a new forbidden pair), nothing is created and
    StalePreview says what changed. Each pair then goes through relationship_create,
    which checks every rule again; one refusal undoes them all.
    """
    # One publication at a time per program: a second one waits, then sees the first.
    Program.objects.select_for_update().get(pk=program.pk)
    proposal = peer_pairing_proposal(program)
    previewed = sorted(previewed)
    if proposal.keys != previewed:
        raise StalePreview(
            f"The pairing changed since your preview: {_what_changed(proposal, previewed)}. "
            "Nothing was published. Check the new preview below and publish again."
        )
    if not proposal.pairs:
        raise RelationshipError("There is nobody to pair: nothing was published.")
    created = [
        relationship_create(
            program=program,
            learner=pair.intern,
            guide=pair.volunteer.user,
            kind=PEER,
            origin=Origin.ASSIGNED,
            acting_user=acting_user,
        )
        for pair in proposal.pairs
    ]
    loads = Counter(pair.volunteer.user.email for pair in proposal.pairs)
    audit_log(
        action=AuditAction.PEER_PAIRING_PUBLISHED,
        actor=acting_user,
        program=program,
        data={
            "pairs": [[p.intern.email, p.volunteer.user.email] for p in proposal.pairs],
            "unpaired": [u.intern.email for u in proposal.unpaired],
            "new_per_volunteer": dict(sorted(loads.items())),
        },
    )
    return created
