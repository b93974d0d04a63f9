"""Demo program surveys: last term's survey, closed with its results, and this term's,
open, half answered.

`seed_surveys(program, today)` is called by the demo generator once pairings exist.
Deterministic: the same program gives the same answers. About three in four learners and
two in three guides answered last term, enough for most groups to be shown; a few people
are in coaching, too few to be shown as a group of their own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dyad.lib.survey_cycles import next_proposal
from dyad.programs.models import Membership, Role
from dyad.surveys import services
from dyad.surveys.models import Cycle, asks

KEEP = [
    "The monthly check-ins with my mentor kept me going through nights.",
    "Being matched with someone outside my own interests was a good surprise.",
    "The career planning session in the fall.",
    "Protected time for the first meeting made it actually happen.",
    "Having a senior resident as a peer mentor in intern year.",
    "The agreement at the start: we both knew what to expect.",
    "Mentors who share their own mistakes, not only their successes.",
    "Letting us pick a second guide for research.",
    "The reminders before a meeting is due; gentle, and they work.",
    "Meeting over lunch instead of after a shift.",
]
CHANGE = [
    "Make it easier to switch mentors without it feeling awkward.",
    "More guidance on what to talk about after the first few meetings.",
    "Faculty need protected time for this; evenings are hard.",
    "Remind us earlier when a meeting is due.",
    "Pair interns before orientation ends, not in September.",
    "A short guide for new mentors on how to give feedback.",
    "Fewer forms; the meeting itself matters more than the log.",
    "Let coaching and mentoring meetings count toward the same cadence.",
    "Share the survey results with us, not only with leadership.",
]
# Share of people who write a comment to each open question.
COMMENTING = 0.3


def _answer(
    cycle: Cycle, user, respondent: str, rng: random.Random, leaning: float, pools: dict
) -> None:
    values = {}
    for q in cycle.questions.all():
        if not asks(q.audience, respondent):
            continue
        if q.is_scale:
            values[q.pk] = max(1, min(5, round(rng.gauss(leaning, 0.8))))
        elif q.is_choice:
            values[q.pk] = rng.choice(q.options)
        else:
            pool = pools.setdefault(q.pk, rng.sample(KEEP if "keep" in q.text else CHANGE, k=6))
            values[q.pk] = pool.pop() if pool and rng.random() < COMMENTING else ""
    services.response_submit(cycle=cycle, acting_user=user, answers=values)


def _run(program, leader, *, name, share: dict, leaning: dict, rng, close: bool) -> Cycle:
    today = timezone.localdate()
    cycle = services.cycle_create(
        program=program,
        acting_user=leader,
        name=name,
        audience="both",
        opens_on=today,
        closes_on=today + timedelta(days=21),
    )
    cycle = services.cycle_open(cycle=cycle, acting_user=leader)
    invitations = list(cycle.invitations.select_related("user").order_by("user__email"))
    pools: dict = {}
    for invitation in invitations:
        if rng.random() < share[invitation.respondent]:
            respondent = invitation.respondent
            _answer(cycle, invitation.user, respondent, rng, leaning[respondent], pools)
    if close:
        cycle = services.cycle_close(cycle=cycle, acting_user=leader)
    return cycle


def seed_surveys(program, today: date) -> tuple[Cycle, Cycle] | None:
    """Last term's closed survey and this term's open one; None if the program has no
    leader or has surveys already."""
    leader = (
        Membership.objects.active()
        .filter(program=program, role=Role.DIRECTOR)
        .select_related("user")
        .first()
    )
    if leader is None or Cycle.objects.filter(program=program).exists():
        return None
    rng = random.Random(f"surveys-{program.slug}")
    start_month = program.academic_year_start_month
    now = next_proposal(today, start_month)
    before = next_proposal(today - timedelta(days=200), start_month)
    if before.name == now.name:
        before = next_proposal(today - timedelta(days=380), start_month)
    with transaction.atomic():
        closed = _run(
            program,
            leader.user,
            name=before.name,
            share={"learner": 0.75, "guide": 0.65},
            leaning={"learner": 3.9, "guide": 3.6},
            rng=rng,
            close=True,
        )
        Cycle.objects.filter(pk=closed.pk).update(
            opens_on=before.opens_on, closes_on=before.closes_on
        )
        current = _run(
            program,
            leader.user,
            name=now.name,
            share={"learner": 0.4, "guide": 0.35},
            leaning={"learner": 4.1, "guide": 3.8},
            rng=rng,
            close=False,
        )
        Cycle.objects.filter(pk=current.pk).update(
            opens_on=min(now.opens_on, today), closes_on=max(now.closes_on, today + timedelta(7))
        )
    closed.refresh_from_db()
    current.refresh_from_db()
    return closed, current
