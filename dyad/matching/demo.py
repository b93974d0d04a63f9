"""A large open match round for the synthetic institution (SPEC M6).

`seed_match_round(program, guides=…, seed=…)` opens a mentoring round for every resident
of the program with a pool of the program's mentors, fills in the lists (each learner
ranks as many guides as the round allows, popular guides more often, as in real rounds;
guides mark some of the learners who ranked them) and runs it twice (stable, then with
the fill step), so that the round page, the lists and the run previews all have content.
The round is opened and run through the services; the lists, thousands of rows, are
written in bulk. Deterministic for a given program and seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from dyad.matching import selectors, services
from dyad.matching.models import GuideMark, LearnerRank, Mark, MatchRound
from dyad.programs.models import GuidanceKind, Membership, Role

BATCH_SIZE = 1000


def seed_match_round(program, *, guides: int, seed: int) -> MatchRound | None:
    """Open, fill in and run the round; None when the program has no director, learner or
    mentor to make one."""
    director = (
        Membership.objects.filter(program=program, role=Role.DIRECTOR).select_related("user")
    ).first()
    offers = selectors.pool_candidates(program, GuidanceKind.MENTORING)
    pool = [offer.profile.user for offer in offers if offer.remaining][:guides]
    if director is None or not pool:
        return None
    if not selectors.cohort(program, roles=[Role.RESIDENT]).exists():
        return None
    rng = random.Random(f"round-{seed}")
    match_round = services.round_open(
        program=program,
        acting_user=director.user,
        name="Mentors for every resident",
        kind=GuidanceKind.MENTORING,
        learner_roles=[Role.RESIDENT],
        guides=pool,
        # Three weeks from now, at the end of a working day.
        deadline=(timezone.localtime() + timedelta(days=21)).replace(
            hour=17, minute=0, second=0, microsecond=0
        ),
        include_guided=True,
    )
    learners = list(match_round.learners.order_by("pk"))
    guide_ids = [guide.pk for guide in pool]
    ranked_by = _rank(match_round, learners, guide_ids, rng)
    _mark(match_round, ranked_by, rng)
    services.round_run(match_round=match_round, acting_user=director.user)
    services.round_run(match_round=match_round, acting_user=director.user, fill=True)
    return match_round


def _rank(match_round, learners, guide_ids, rng) -> dict[int, list[int]]:
    """Every learner's list; returns guide id → the learners who ranked that guide."""
    # Zipf-like popularity: a few guides are on many lists.
    weights = [1 / (n + 1) ** 0.8 for n in range(len(guide_ids))]
    length = min(match_round.max_ranks, len(guide_ids))
    ranks, ranked_by = [], defaultdict(list)
    for learner in learners:
        chosen: list[int] = []
        while len(chosen) < length:
            guide = rng.choices(guide_ids, weights)[0]
            if guide not in chosen:
                chosen.append(guide)
        for rank, guide in enumerate(chosen, start=1):
            ranks.append(LearnerRank(round=match_round, learner=learner, guide_id=guide, rank=rank))
            ranked_by[guide].append(learner.pk)
    LearnerRank.objects.bulk_create(ranks, batch_size=BATCH_SIZE)
    return ranked_by


def _mark(match_round, ranked_by, rng) -> None:
    """Most guides prefer (and rank) a few of the learners who ranked them; a few would
    rather not have one."""
    marks = []
    for guide, learner_ids in sorted(ranked_by.items()):
        if rng.random() < 0.2:
            continue  # has not looked yet
        picked = rng.sample(learner_ids, min(len(learner_ids), rng.randint(1, 4)))
        for rank, learner in enumerate(picked, start=1):
            avoid = rank == len(picked) and len(picked) > 1 and rng.random() < 0.15
            marks.append(
                GuideMark(
                    round=match_round,
                    guide_id=guide,
                    learner_id=learner,
                    mark=Mark.AVOID if avoid else Mark.PREFER,
                    rank=None if avoid else rank,
                )
            )
    GuideMark.objects.bulk_create(marks, batch_size=BATCH_SIZE)
