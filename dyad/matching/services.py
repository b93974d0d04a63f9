"""Writes of match rounds: each checks its rules, writes, audits and notifies in one
transaction. Views call these and nothing else to change a round."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.matching import engine, selectors
from dyad.matching.models import (
    GuideMark,
    LearnerRank,
    Mark,
    MatchRound,
    MatchRun,
    PairRule,
    RoundState,
    Rule,
    RunPair,
    RunUnmatched,
    Solver,
    UnmatchedReason,
    Via,
)
from dyad.notifications import send_notice
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.models import Origin
from dyad.relationships.services import RelationshipError, relationship_create
from dyad.training.selectors import training_refusal


class RoundError(ValidationError):
    """A rule of the round refused the change; the message says why and what to do."""


def _locked(match_round) -> MatchRound:
    return MatchRound.objects.select_for_update().select_related("program").get(pk=match_round.pk)


# --- Opening and closing ---------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    program,
    acting_user,
    name: str,
    kind: str,
    learner_roles,
    pgy_levels=(),
    guides,
    deadline,
    solver: str = Solver.STABLE,
    max_ranks: int = 5,
    weights: dict | None = None,
    include_guided: bool = False,
) -> MatchRound:
    """Open a round for the cohort (active learners of the program in `learner_roles` and,
    if given, `pgy_levels`), fixed now; the pool is `guides`, who must offer `kind`.
    Learners who already have a guide of the kind take part only with `include_guided`;
    the others are not invited."""
    if kind not in GuidanceKind.values:
        raise RoundError("Choose the kind of guidance the round pairs.")
    roles = [r for r in learner_roles if r in Role.learners()]
    if not roles:
        raise RoundError("Choose at least one learner role for the cohort.")
    if deadline <= timezone.now():
        raise RoundError("The deadline must be in the future.")
    if not 1 <= int(max_ranks) <= 20:
        raise RoundError("Learners may rank between 1 and 20 guides.")
    learners = list(selectors.cohort(program, roles=roles, pgy_levels=list(pgy_levels)))
    if not learners:
        raise RoundError("No active learner of the program fits this cohort.")
    offering = {offer.profile.user_id for offer in selectors.pool_candidates(program, kind)}
    guides = list(guides)
    strangers = [g for g in guides if g.pk not in offering]
    if strangers:
        raise RoundError(
            f"{', '.join(str(g) for g in strangers)} do not offer "
            f"{GuidanceKind(kind).label.lower()} in {program}."
        )
    if not guides:
        raise RoundError("Choose at least one guide for the pool.")
    untrained = [
        refusal
        for g in guides
        if (
            refusal := training_refusal(
                program=program, person=g, kind=kind, on=timezone.localdate()
            )
        )
    ]
    if untrained:
        raise RoundError(" ".join(untrained))
    match_round = MatchRound.objects.create(
        program=program,
        name=name.strip() or f"{GuidanceKind(kind).label} match",
        kind=kind,
        learner_roles=roles,
        pgy_levels=sorted({int(level) for level in pgy_levels}),
        deadline=deadline,
        solver=solver,
        max_ranks=int(max_ranks),
        weights={**engine.default_weights(), **(weights or {})},
        include_guided=bool(include_guided),
        created_by=acting_user,
    )
    match_round.learners.set(learners)
    match_round.guides.set(guides)
    taking_part, _ = selectors.run_learners(match_round)
    audit_log(
        action=AuditAction.MATCH_ROUND_OPENED,
        actor=acting_user,
        program=program,
        target=match_round,
        data={
            "name": match_round.name,
            "kind": kind,
            "learners": len(learners),
            "guides": len(guides),
            "deadline": deadline.isoformat(),
            "solver": solver,
            "max_ranks": match_round.max_ranks,
            "include_guided": match_round.include_guided,
            "left_out": len(learners) - len(taking_part),
        },
    )
    send_notice(
        to=taking_part,
        subject=f"Rank your {GuidanceKind(kind).label.lower()} guides in {program.name}",
        template="matching/email/round_opened_learner.txt",
        context={"round": match_round},
    )
    send_notice(
        to=guides,
        subject=f"A {GuidanceKind(kind).label.lower()} match round is open in {program.name}",
        template="matching/email/round_opened_guide.txt",
        context={"round": match_round},
    )
    return match_round


def _close(match_round, acting_user, *, why: str) -> None:
    match_round.state = RoundState.CLOSED
    match_round.closed_at = timezone.now()
    match_round.save(update_fields=["state", "closed_at"])
    audit_log(
        action=AuditAction.MATCH_ROUND_CLOSED,
        actor=acting_user,
        program=match_round.program,
        target=match_round,
        data={"why": why},
    )


@transaction.atomic
def round_close(*, match_round, acting_user) -> MatchRound:
    """Close the lists before the deadline."""
    match_round = _locked(match_round)
    if match_round.state != RoundState.OPEN:
        raise RoundError(f"This round is already {match_round.get_state_display().lower()}.")
    _close(match_round, acting_user, why="deadline" if match_round.deadline_passed else "leader")
    return match_round


@transaction.atomic
def round_settings_change(*, match_round, include_guided: bool, acting_user) -> MatchRound:
    """Choose whether learners who already have a guide of the kind take part in the runs.
    Until the round is published; the next run follows the new setting."""
    match_round = _locked(match_round)
    _check_changeable(match_round)
    include_guided = bool(include_guided)
    if match_round.include_guided != include_guided:
        match_round.include_guided = include_guided
        match_round.save(update_fields=["include_guided"])
        audit_log(
            action=AuditAction.MATCH_ROUND_CHANGED,
            actor=acting_user,
            program=match_round.program,
            target=match_round,
            data={"include_guided": include_guided},
        )
    return match_round


# --- Lists -------------------------------------------------------------------------------


def check_lists_open(match_round) -> None:
    if match_round.lists_open:
        return
    when = timezone.localtime(match_round.deadline).strftime("%b %-d, %Y %H:%M")
    if match_round.state == RoundState.OPEN:
        raise RoundError(
            f"The deadline of this round passed on {when}; lists can no longer change."
        )
    raise RoundError(
        f"This round is {match_round.status_label.lower()}; lists can no longer change."
    )


@transaction.atomic
def ranking_save(*, match_round, learner, guides, acting_user) -> list[LearnerRank]:
    """Replace the learner's list with `guides`, best first (an empty list withdraws it)."""
    if acting_user != learner:
        raise PermissionDenied("Only the learner keeps their list.")
    match_round = _locked(match_round)
    check_lists_open(match_round)
    if not match_round.has_learner(learner):
        raise PermissionDenied("You are not in this round.")
    guides = list(guides)
    if len(guides) > match_round.max_ranks:
        raise RoundError(f"Rank at most {match_round.max_ranks} guides.")
    seen = set()
    for guide in guides:
        if guide.pk in seen:
            raise RoundError(f"You chose {guide} twice: each guide once, please.")
        seen.add(guide.pk)
    pool = set(match_round.guides.values_list("pk", flat=True))
    outside = [g for g in guides if g.pk not in pool or g.pk == learner.pk]
    if outside:
        raise RoundError(f"{outside[0]} is not a guide you can rank in this round.")
    LearnerRank.objects.filter(round=match_round, learner=learner).delete()
    return LearnerRank.objects.bulk_create(
        LearnerRank(round=match_round, learner=learner, guide=guide, rank=rank)
        for rank, guide in enumerate(guides, start=1)
    )


@transaction.atomic
def guide_marks_save(*, match_round, guide, marks: dict, acting_user) -> list[GuideMark]:
    """Replace the guide's marks: {learner: (mark, rank)} with mark "", "prefer" or "avoid"
    and rank None or 1, 2, … (each rank once)."""
    if acting_user != guide:
        raise PermissionDenied("Only the guide keeps their marks.")
    match_round = _locked(match_round)
    check_lists_open(match_round)
    if not match_round.has_guide(guide):
        raise PermissionDenied("You are not in this round's pool.")
    cohort = set(match_round.learners.values_list("pk", flat=True))
    rows, ranks = [], {}
    for learner, (mark, rank) in marks.items():
        if learner.pk not in cohort:
            raise RoundError(f"{learner} is not in this round.")
        if mark not in ("", *Mark.values):
            raise RoundError(f"Choose prefer, avoid or nothing for {learner}.")
        if rank is not None:
            if rank < 1:
                raise RoundError(f"Ranks start at 1 ({learner}).")
            if rank in ranks:
                raise RoundError(f"You gave rank {rank} to both {ranks[rank]} and {learner}.")
            ranks[rank] = learner
        if mark or rank is not None:
            rows.append(
                GuideMark(round=match_round, guide=guide, learner=learner, mark=mark, rank=rank)
            )
    GuideMark.objects.filter(round=match_round, guide=guide).delete()
    return GuideMark.objects.bulk_create(rows)


# --- Pins and forbids --------------------------------------------------------------------


def _check_changeable(match_round) -> None:
    if match_round.is_published:
        raise RoundError("This round is published; it can no longer change.")


@transaction.atomic
def pair_rule_add(*, match_round, learner, guide, rule: str, acting_user) -> PairRule:
    """Pin a pair (it will be in every run) or forbid it (never)."""
    match_round = _locked(match_round)
    _check_changeable(match_round)
    if rule not in Rule.values:
        raise RoundError("Choose whether to pin or to forbid the pair.")
    if not match_round.has_learner(learner) or not match_round.has_guide(guide):
        raise RoundError(f"{learner} and {guide} are not both in this round.")
    existing = match_round.rules.filter(learner=learner).select_related("guide")
    for other in existing:
        if other.guide_id == guide.pk:
            raise RoundError(
                f"{guide} → {learner} is already {other.get_rule_display().lower()}; "
                "remove that first."
            )
        if rule == Rule.PIN and other.rule == Rule.PIN:
            raise RoundError(
                f"{learner} is already pinned to {other.guide}; remove that pin first."
            )
    if rule == Rule.PIN:
        _check_takes_part(match_round, learner)
        why = selectors.forbidden_pairs(match_round, [learner.pk], [guide.pk]).get(
            (learner.pk, guide.pk)
        )
        if why:
            raise RoundError(f"{guide} cannot be pinned to {learner}: {why}.")
        places = selectors.places_left(match_round, [guide.pk])[guide.pk]
        pins = match_round.rules.filter(rule=Rule.PIN, guide=guide).count()
        if pins >= places:
            raise RoundError(
                f"{guide} has {places} place{'s' if places != 1 else ''} left, all pinned already."
            )
    pair_rule = PairRule.objects.create(
        round=match_round, learner=learner, guide=guide, rule=rule, created_by=acting_user
    )
    audit_log(
        action=AuditAction.for_pair_rule(rule),
        actor=acting_user,
        program=match_round.program,
        target=match_round,
        data={"learner": learner.email, "guide": guide.email},
    )
    return pair_rule


def _check_takes_part(match_round, learner) -> None:
    """A learner left out for already having a guide of the kind cannot be pinned."""
    if match_round.include_guided:
        return
    current = selectors.current_guides(match_round).get(learner.pk)
    if current:
        raise RoundError(
            f"{learner} already has {match_round.guide_noun}: "
            f"{', '.join(str(g) for g in current)}, and is left out of this round. To pair "
            f"them all the same, include learners who already have {match_round.guide_noun} "
            "in the round's settings first."
        )


@transaction.atomic
def pair_rule_remove(*, pair_rule, acting_user) -> None:
    match_round = _locked(pair_rule.round)
    _check_changeable(match_round)
    audit_log(
        action=AuditAction.for_pair_rule(pair_rule.rule, removed=True),
        actor=acting_user,
        program=match_round.program,
        target=match_round,
        data={"learner": pair_rule.learner.email, "guide": pair_rule.guide.email},
    )
    pair_rule.delete()


# --- Running -----------------------------------------------------------------------------

_UNMATCHED = {
    engine.RANKED_NONE: UnmatchedReason.RANKED_NONE,
    engine.ALL_CONFLICT: UnmatchedReason.ALL_CONFLICT,
    engine.NO_ROOM: UnmatchedReason.NO_ROOM,
}


@transaction.atomic
def round_run(*, match_round, acting_user, solver: str | None = None, fill: bool = False):
    """Run the solver on the lists as they are now and keep the run, numbered. A round
    whose deadline has passed is closed first. `fill` only applies after a stable run."""
    match_round = _locked(match_round)
    _check_changeable(match_round)
    if match_round.state == RoundState.OPEN and match_round.deadline_passed:
        _close(match_round, acting_user, why="deadline")
    solver = solver or match_round.solver
    if solver not in Solver.values:
        raise RoundError("Choose the stable or the optimal solver.")
    fill = bool(fill) and solver == Solver.STABLE
    data = selectors.round_input(match_round)
    try:
        outcome = engine.solve(data, solver=solver, fill=fill)
    except engine.RoundInputError as error:
        raise RoundError(str(error)) from error
    number = (
        match_round.runs.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    run = MatchRun.objects.create(
        round=match_round,
        number=number,
        solver=solver,
        filled=fill,
        parameters={
            "solver": solver,
            "fill": fill,
            "max_ranks": match_round.max_ranks,
            "weights": match_round.weights,
            "pinned": len(data.pinned),
            "forbidden_by_leader": sum(
                1 for why in data.forbidden.values() if "program leadership" in why
            ),
            "forbidden": len(data.forbidden),
            "lists": len(data.prefs),
            "include_guided": match_round.include_guided,
            "guided": len(data.guided),
            "left_out": match_round.learners.count() - len(data.learners),
        },
        stats=outcome.stats,
        created_by=acting_user,
    )
    RunPair.objects.bulk_create(
        RunPair(
            run=run,
            learner_id=p.learner,
            guide_id=p.guide,
            score=p.score,
            reasons=list(p.reasons),
            learner_rank=p.rank,
            via={"solver": Via.SOLVER, "pinned": Via.PINNED, "fill": Via.FILL}[p.via],
        )
        for p in outcome.pairs
    )
    RunUnmatched.objects.bulk_create(
        RunUnmatched(run=run, learner_id=u.learner, reason=_UNMATCHED[u.reason], detail=u.detail)
        for u in outcome.unmatched
    )
    audit_log(
        action=AuditAction.MATCH_ROUND_RUN,
        actor=acting_user,
        program=match_round.program,
        target=match_round,
        data={
            "run": number,
            "solver": solver,
            "fill": fill,
            "matched": outcome.stats["matched"],
            "learners": outcome.stats["learners"],
        },
    )
    return run


# --- Publishing --------------------------------------------------------------------------


@transaction.atomic
def run_publish(*, run, acting_user) -> list:
    """Make every pair of the run a proposed relationship (origin "matched"), all or none.

    relationship_create checks each pair again as it stands today (capacity, evaluative
    roles, "do not re-pair", duplicates) and tells both parties; the first refusal names
    the pair and undoes everything, e-mails included (they leave only on commit).
    """
    match_round = _locked(run.round)
    if match_round.is_published:
        raise RoundError("This round is already published.")
    if run.round_id != match_round.pk:
        raise RoundError("This run belongs to another round.")
    relationships = []
    for pair in run.pairs.select_related("learner", "guide"):
        try:
            relationships.append(
                relationship_create(
                    program=match_round.program,
                    learner=pair.learner,
                    guide=pair.guide,
                    kind=match_round.kind,
                    origin=Origin.MATCHED,
                    acting_user=acting_user,
                )
            )
        except RelationshipError as error:
            raise RoundError(
                f"{pair.guide} and {pair.learner} cannot be paired: {' '.join(error.messages)} "
                "Nothing was published: pin or forbid pairs and run the round again."
            ) from error
    now = timezone.now()
    match_round.state = RoundState.PUBLISHED
    match_round.published_at = now
    match_round.published_run = run
    match_round.closed_at = match_round.closed_at or now
    match_round.save(update_fields=["state", "published_at", "published_run", "closed_at"])
    audit_log(
        action=AuditAction.MATCH_ROUND_PUBLISHED,
        actor=acting_user,
        program=match_round.program,
        target=match_round,
        data={"run": run.number, "relationships": len(relationships)},
    )
    unmatched = [u.learner for u in run.unmatched.select_related("learner")]
    send_notice(
        to=unmatched,
        subject=f"The results of {match_round.name} are out",
        template="matching/email/unmatched.txt",
        context={"round": match_round},
    )
    return relationships
