"""Demo 360° feedback: one finished cycle in a coaching relationship (the demo mentor's).

`seed_feedback(program, today)` is called by the demo generator once pairings exist.
Deterministic: the same program gives the same answers. Peers, supervisors and juniors
answer in groups of three or more; two nurses answer, fewer than three, so the results
page shows their group withheld (and the figure for everyone with it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from dyad.feedback import services
from dyad.feedback.models import Cycle, ItemKind, Rater, new_token
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import Relationship, State

RATERS = {
    "peer": ["Maya Okafor", "Tom Reilly", "Priya Nair", "Sam Whitford"],
    "supervisor": ["Dr. Helen Park", "Dr. Luis Ortega", "Dr. Aisha Bello"],
    "junior": ["Ben Carter", "Yuki Tanaka", "Omar Haddad"],
    "staff": ["Rosa Lima, RN", "Grace Mensah, RN"],
}
# Each group's leaning: a base rating around which its raters answer.
LEANING = {"peer": 4, "supervisor": 4, "junior": 5, "staff": 3}
KEEP = [
    "Stays calm on busy nights and the team follows that lead.",
    "Explains plans to families in plain words.",
    "Always makes time to teach at the bedside.",
    "Checks in on the interns after hard cases.",
    "",
]
CHANGE = [
    "Delegate more: you try to do everything yourself.",
    "Share the plan for the day earlier in the morning.",
    "Ask the nurses for their view before rounds end.",
    "Say no to extra tasks more often.",
    "",
]


def _coaching(program, coach_email: str | None) -> Relationship | None:
    coaching = Relationship.objects.for_program(program).filter(
        kind=GuidanceKind.COACHING, state=State.ACTIVE
    )
    if coach_email:
        coaching = coaching.filter(guide__email=coach_email)
    return coaching.select_related("learner", "guide").order_by("pk").first()


def seed_feedback(
    program,
    today: date,
    *,
    coach_email: str | None = None,
    relationship: Relationship | None = None,
) -> Cycle | None:
    """The finished cycle, in `relationship` if given, else in the coaching given by
    `coach_email` (a demo login) if any."""
    relationship = relationship or _coaching(program, coach_email)
    if relationship is None or relationship.feedback_cycles.exists():
        return None
    rng = random.Random(f"feedback-{program.slug}")
    coachee = relationship.learner
    with transaction.atomic():
        cycle = services.cycle_create(
            relationship=relationship,
            acting_user=coachee,
            name="Chief-year 360° feedback",
            opens_on=today,
            closes_on=today + timedelta(days=21),
        )
        for group, names in RATERS.items():
            for name in names:
                local = name.split(",")[0].replace("Dr. ", "").lower().replace(" ", ".")
                services.rater_add(
                    cycle=cycle,
                    acting_user=coachee,
                    group=group,
                    name=name,
                    email=f"{local}@riverside.example",
                )
        services.cycle_open(cycle=cycle, acting_user=coachee)
        items = list(cycle.items.all())
        texts = [i for i in items if i.kind == ItemKind.TEXT]
        for rater in Rater.objects.filter(cycle=cycle).order_by("pk"):
            token, token_hash = new_token()
            Rater.objects.filter(pk=rater.pk).update(token_hash=token_hash)
            base = LEANING[rater.group]
            ratings = {
                i.pk: max(1, min(5, base + rng.choice((-1, 0, 0, 1))))
                for i in items
                if i.kind == ItemKind.RATING
            }
            services.response_submit(
                token=token,
                ratings=ratings,
                texts={texts[0].pk: rng.choice(KEEP), texts[1].pk: rng.choice(CHANGE)},
            )
        # It ran last month: dates as they were (the last answer closed it).
        Cycle.objects.filter(pk=cycle.pk).update(
            opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=19)
        )
    return Cycle.objects.get(pk=cycle.pk)
