"""The year rollover (SPEC M10): a program moves into a new academic year in one step.

PGY levels advance by one; learners at the program's highest level graduate (their learner
membership ends, their pairings as learner, and their peer mentoring of interns, end as
"graduated" on the last day of the year, and both parties are invited to a last meeting);
interns without a peer mentor get one; continuing pairs are asked to re-acknowledge their
agreement for the new year. A `Rollover` row, written in the same transaction, makes it
happen once per program and year.

The preview (`dry_run`) only reads: it writes nothing and locks nothing, so that leaders
may look at it at any time. It is computed from the same plan as the rollover (the same
learners, graduates, ending pairings and continuing agreements, read by the same queries),
and its new peer pairs are those `peer_pairing_proposal` computes on the program as the
rollover would leave it (`YearAhead`): what the rollover then does, except for pairs the
relationship service refuses when they are created one by one.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.flow import error_text
from dyad.lib import rollover as rules
from dyad.lib.cadence import academic_year_start
from dyad.notifications import send_notice
from dyad.programs.models import GuidanceKind, Membership, Program, Role
from dyad.relationships.models import (
    SEAT_HOLDING_STATES,
    Agreement,
    EndReason,
    Origin,
    Relationship,
    RelationshipEvent,
    RematchRequest,
    RematchResolution,
    State,
)
from dyad.relationships.peer import PeerProposal, YearAhead, peer_pairing_proposal
from dyad.relationships.services import AGREEMENT_TERMS, relationship_create
from dyad.rollover.models import Rollover
from dyad.rollover.selectors import awaiting_reacknowledgement

PEER = GuidanceKind.PEER_MENTORING


class RolloverError(ValidationError):
    """The rollover cannot run as asked; the message says why."""


@dataclass
class Advance:
    membership: Membership
    from_pgy: int
    to_pgy: int


@dataclass
class Unpaired:
    intern: object
    why: str


def _name(user) -> str:
    return user.full_name or user.email


@dataclass
class Outcome:
    """What a rollover did, or what it would do (`dry_run`)."""

    program: Program
    year: int
    dry_run: bool
    done_before: Rollover | None = None
    advances: list[Advance] = field(default_factory=list)
    graduates: list[Membership] = field(default_factory=list)
    ending: list[Relationship] = field(default_factory=list)
    reacknowledge: int = 0
    peer_offered: bool = False
    interns_without_peer: list = field(default_factory=list)
    pairs: list[tuple] = field(default_factory=list)  # (intern, peer mentor)
    unpaired: list[Unpaired] = field(default_factory=list)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return rules.year_label(self.year)

    @property
    def levels(self) -> list[tuple[str, int]]:
        """("PGY-1 → PGY-2", how many), by level."""
        by: dict[tuple[int, int], int] = {}
        for a in self.advances:
            by[a.from_pgy, a.to_pgy] = by.get((a.from_pgy, a.to_pgy), 0) + 1
        return [(f"PGY-{f} → PGY-{t}", n) for (f, t), n in sorted(by.items())]

    # What the preview page lists, as text: its rows are many, read once here.
    @property
    def advance_rows(self) -> list[tuple[str, int, int]]:
        """(name, from level, to level) of each learner who advances."""
        return [(_name(a.membership.user), a.from_pgy, a.to_pgy) for a in self.advances]

    @property
    def graduate_rows(self) -> list[tuple[str, str]]:
        """(name, level) of each graduate."""
        return [(_name(m.user), m.level_label) for m in self.graduates]

    @property
    def ending_rows(self) -> list[tuple[str, str, str]]:
        """(kind, learner, guide) of each pairing that closes."""
        return [(r.get_kind_display(), _name(r.learner), _name(r.guide)) for r in self.ending]

    def counts(self) -> dict:
        return {
            "advanced": len(self.advances),
            "graduated": len(self.graduates),
            "pairings_ended": len(self.ending),
            "agreements_to_reacknowledge": self.reacknowledge,
            "peer_pairs": len(self.pairs),
            "unpaired_interns": len(self.unpaired),
            "levels": dict(self.levels),
            "before": self.before,
            "after": self.after,
        }


def current_year(program: Program, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return academic_year_start(today, program.academic_year_start_month).year


def next_year(program: Program, today: date | None = None) -> int:
    """The year the program would roll into: the one after its last rollover. A program
    without one came to Dyad with its roster of this year: its next rollover is into the
    next academic year."""
    last = program.rollovers.order_by("-year").values_list("year", flat=True).first()
    return (last if last is not None else current_year(program, today)) + 1


def program_rollover(*, program: Program, year: int, acting_user, dry_run: bool = False) -> Outcome:
    """Roll `program` into the academic year starting in `year`, all or nothing, with the
    program row locked; or, with `dry_run`, compute everything it would change, reading
    only. Run again for the same year it changes nothing (`done_before` says so)."""
    started = time.monotonic()
    if dry_run:
        outcome = _preview(program, year)
    else:
        with transaction.atomic():
            outcome = _rollover(program, year, acting_user)
    outcome.seconds = time.monotonic() - started
    return outcome


def _rollover(program, year, acting_user) -> Outcome:
    program = Program.objects.select_for_update().get(pk=program.pk)
    outcome = Outcome(program=program, year=year, dry_run=False)
    if _check_year(program, year, False, outcome):
        return outcome
    first = rules.first_day(year, program.academic_year_start_month)
    last = rules.last_day_before(year, program.academic_year_start_month)
    outcome.before = _counts(program, year)
    _graduate(program, outcome, first=first, last=last)
    _advance(outcome)
    outcome.reacknowledge = _reacknowledge(program, year, first, acting_user)
    proposal = peer_pairing_proposal(program, today=max(first, timezone.localdate()))
    _peer_mentoring(program, proposal, outcome)
    if outcome.peer_offered:
        _pair_interns(program, proposal, outcome, first, acting_user)
    outcome.after = _counts(program, year)
    _record(program, outcome, last, acting_user)
    return outcome


def _preview(program, year) -> Outcome:
    """What `_rollover` would do, by reads alone: the plan and the ending pairings as it
    reads them, the agreements it would renew, the peer pairing of the program as it
    would leave it, and the numbers after, from those."""
    outcome = Outcome(program=program, year=year, dry_run=True)
    if _check_year(program, year, True, outcome):
        return outcome
    first = rules.first_day(year, program.academic_year_start_month)
    outcome.before = _counts(program, year)
    # The preview shows people by name only: it reads no more of them.
    names = ("first_name", "last_name", "email")
    learners = _plan(
        program,
        outcome,
        first,
        _learners(program).only(
            "role", "pgy", "start_date", "user", *(f"user__{f}" for f in names)
        ),
    )
    if outcome.graduates:
        ending = _ending(program, outcome).select_related(None).select_related("learner", "guide")
        fields = [f"{party}__{f}" for party in ("learner", "guide") for f in names]
        outcome.ending = list(ending.only("kind", "state", "learner", "guide", *fields))
    ended = [r.pk for r in outcome.ending]
    outcome.reacknowledge = (
        _continuing(program, year, first).exclude(relationship__in=ended).count()
    )
    today = max(first, timezone.localdate())
    proposal = peer_pairing_proposal(program, today=today, ahead=_year_ahead(outcome))
    _peer_mentoring(program, proposal, outcome)
    if outcome.peer_offered:
        outcome.unpaired = [Unpaired(u.intern, u.why) for u in proposal.unpaired]
        outcome.pairs = [(p.intern, p.volunteer.user) for p in proposal.pairs]
    outcome.after = _counts_after(program, year, outcome, learners)
    return outcome


def _check_year(program, year, dry_run, outcome) -> bool:
    """True when the program is already in `year` (nothing to do); raises when it cannot
    roll into it."""
    done = program.rollovers.filter(year__gte=year).order_by("year").first()
    if done is not None and done.year == year:
        outcome.done_before = done
        return True
    if done is not None:
        raise RolloverError(f"{program.name} is already in {done.label}.")
    last = program.rollovers.order_by("-year").first()
    if last is not None and year > last.year + 1:
        raise RolloverError(
            f"{program.name} is in {last.label}: roll it into "
            f"{rules.year_label(last.year + 1)} first."
        )
    if not dry_run and year > current_year(program):
        raise RolloverError(
            f"The {rules.year_label(year)} academic year has not started yet; "
            "you can preview its rollover, and run it once the year has begun."
        )
    return False


def _learners(program):
    return (
        Membership.objects.active()
        .filter(program=program, role__in=Role.learners(), pgy__isnull=False)
        .select_related("user")
        .order_by("-pgy", "user__last_name", "user__first_name", "pk")
    )


def _plan(program, outcome, first, learners=None) -> list[Membership]:
    """The learners with a PGY level (`_learners`, or as given); who of them graduates and
    who advances, into `outcome`."""
    learners = list(_learners(program) if learners is None else learners)
    plan = rules.plan_levels(
        [rules.Learner(m.pk, m.pgy, m.start_date) for m in learners],
        max_pgy=program.max_pgy,
        year_start=first,
    )
    by_id = {m.pk: m for m in learners}
    outcome.graduates = [by_id[pk] for pk in plan.graduates]
    outcome.advances = [Advance(by_id[pk], f, t) for pk, f, t in plan.advances]
    return learners


def _year_ahead(outcome) -> YearAhead:
    """The plan of `_plan` and the pairings of `_ending` in `outcome`, as conditions on
    the rows: the program as the rollover would leave it."""
    return YearAhead(
        ended_memberships=Q(pk__in=[m.pk for m in outcome.graduates]),
        advanced_memberships=Q(pk__in=[a.membership.pk for a in outcome.advances]),
        ended_relationships=Q(pk__in=[r.pk for r in outcome.ending]),
    )


def _ending(program, outcome):
    """The graduates' pairings as learner, and the interns they peer-mentor: the guide is
    leaving."""
    graduates = {m.user_id for m in outcome.graduates}
    return (
        Relationship.objects.filter(program=program, state__in=SEAT_HOLDING_STATES)
        .filter(Q(learner__in=graduates) | Q(guide__in=graduates, kind=PEER))
        .select_related("learner", "guide", "program")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )


def _graduate(program, outcome, *, first, last) -> None:
    _plan(program, outcome, first)
    if not outcome.graduates:
        return
    outcome.ending = list(_ending(program, outcome))
    Membership.objects.filter(pk__in=[m.pk for m in outcome.graduates]).update(is_active=False)
    ids = [r.pk for r in outcome.ending]
    Relationship.objects.filter(pk__in=ids).update(
        state=State.ENDED, seat=None, end_date=last, end_reason=EndReason.GRADUATED
    )


def _advance(outcome) -> None:
    ids = [a.membership.pk for a in outcome.advances]
    if ids:
        Membership.objects.filter(pk__in=ids).update(pgy=F("pgy") + 1)


def _continuing(program, year, first):
    """The newest agreement of each continuing pair (active, started before the year) not
    already of `year`."""
    newest = (
        Agreement.objects.filter(relationship=OuterRef("relationship"))
        .order_by("-version")
        .values("version")[:1]
    )
    return Agreement.objects.filter(
        relationship__program=program,
        relationship__state=State.ACTIVE,
        relationship__start_date__lt=first,
        version=Subquery(newest),
    ).exclude(academic_year=year)


def _reacknowledge(program, year, first, acting_user) -> int:
    """A new version of each continuing pair's agreement, the same terms, for both to
    acknowledge for the new year. Consent is copied too: nothing more is shared, and
    nothing less, than what the pair agreed."""
    current = _continuing(program, year, first)
    fields = [*AGREEMENT_TERMS, "consent", "relationship_id", "version"]
    versions = [
        Agreement(
            **{**row, "version": row["version"] + 1},
            academic_year=year,
            created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        )
        for row in current.values(*fields)
    ]
    Agreement.objects.bulk_create(versions, batch_size=500)
    return len(versions)


def _peer_mentoring(program, proposal: PeerProposal, outcome) -> None:
    """Whether the program offers peer mentoring, and its interns without a peer mentor."""
    outcome.peer_offered = _offers_peer_mentoring(program, proposal)
    outcome.interns_without_peer = list(proposal.interns)


def _offers_peer_mentoring(program, proposal: PeerProposal) -> bool:
    if proposal.volunteers or proposal.not_accepting:
        return True
    return Relationship.objects.filter(program=program, kind=PEER).exists()


def _pair_interns(program, proposal, outcome, first, acting_user) -> None:
    outcome.unpaired = [Unpaired(u.intern, u.why) for u in proposal.unpaired]
    start = max(first, timezone.localdate())
    for pair in proposal.pairs:
        # Every rule of an assignment applies (evaluative roles, training, places): a pair
        # the service refuses leaves the intern unpaired, with its reason.
        try:
            with transaction.atomic():
                relationship_create(
                    program=program,
                    learner=pair.intern,
                    guide=pair.volunteer.user,
                    kind=PEER,
                    origin=Origin.ASSIGNED,
                    start_date=start,
                    acting_user=acting_user,
                )
        except ValidationError as refusal:
            outcome.unpaired.append(Unpaired(pair.intern, error_text(refusal)))
        else:
            outcome.pairs.append((pair.intern, pair.volunteer.user))


def _counts(program, year) -> dict:
    """The numbers shown before and after: learners by level, open pairings, peer
    mentoring of interns, and pairs still to re-acknowledge their agreement for `year`."""
    levels = (
        Membership.objects.active()
        .filter(program=program, role__in=Role.learners(), pgy__isnull=False)
        .values("pgy")
        .annotate(n=Count("id"))
        .order_by("pgy")
    )
    open_ = Relationship.objects.filter(program=program, state__in=SEAT_HOLDING_STATES)
    by_kind = open_.aggregate(open=Count("id"), peer=Count("id", filter=Q(kind=PEER)))
    return {
        "learners": {f"PGY-{row['pgy']}": row["n"] for row in levels},
        "open_pairings": by_kind["open"],
        "peer_pairings": by_kind["peer"],
        "awaiting_reacknowledgement": awaiting_reacknowledgement(program, year).count(),
    }


def _counts_after(program, year, outcome, learners) -> dict:
    """`_counts` as the rollover would leave the program, from what it does: graduates
    leave their level and the others move up; the ending pairings close and the new peer
    pairs open; the ending pairings' agreements no longer wait, the renewed ones do."""
    graduates = {m.pk for m in outcome.graduates}
    advancing = {a.membership.pk for a in outcome.advances}
    levels = Counter(m.pgy + (m.pk in advancing) for m in learners if m.pk not in graduates)
    ended = [r.pk for r in outcome.ending]
    awaiting = (
        awaiting_reacknowledgement(program, year).exclude(relationship__in=ended).count()
        if ended
        else outcome.before["awaiting_reacknowledgement"]
    )
    new = len(outcome.pairs)
    return {
        "learners": {f"PGY-{pgy}": n for pgy, n in sorted(levels.items())},
        "open_pairings": outcome.before["open_pairings"] - len(ended) + new,
        "peer_pairings": outcome.before["peer_pairings"]
        - sum(r.kind == PEER for r in outcome.ending)
        + new,
        "awaiting_reacknowledgement": awaiting + outcome.reacknowledge,
    }


def _record(program, outcome: Outcome, last, acting_user) -> None:
    actor = acting_user if acting_user and acting_user.is_authenticated else None
    RelationshipEvent.objects.bulk_create(
        RelationshipEvent(
            relationship=r,
            from_state=r.state,
            to_state=State.ENDED,
            actor=actor,
            note="End of the academic year",
        )
        for r in outcome.ending
    )
    RematchRequest.objects.filter(
        relationship__in=[r.pk for r in outcome.ending], resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolved_by=actor, resolution=RematchResolution.ENDED)
    graduates = {m.user_id: m.user for m in outcome.graduates}
    for r in outcome.ending:
        audit_log(
            action=AuditAction.RELATIONSHIP_ENDED,
            actor=actor,
            program=program,
            target=r,
            data={"from": r.state, "reason": EndReason.GRADUATED, "note": "Year rollover"},
        )
        r.state, r.end_date, r.end_reason, r.seat = State.ENDED, last, EndReason.GRADUATED, None
        graduate = graduates.get(r.learner_id) or graduates.get(r.guide_id)
        send_notice(
            to=[r.learner, r.guide],
            subject=f"Your {r.get_kind_display().lower()} pairing: a last meeting to close",
            template="rollover/email/graduated.txt",
            context={
                "relationship": r,
                "graduate": graduate,
                "year_label": rules.year_label(outcome.year - 1),
            },
        )
    rollover = Rollover.objects.create(
        program=program,
        year=outcome.year,
        counts=outcome.counts(),
        started_by=actor,
        finished_at=timezone.now(),
    )
    audit_log(
        action=AuditAction.ROLLOVER_COMPLETED,
        actor=actor,
        program=program,
        target=rollover,
        data={"year": outcome.year, **outcome.counts()},
    )
