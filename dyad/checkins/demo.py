"""Demo pairing-fit check-ins: a history of answers in the active pairings of the demo
program, some due and a few overdue, one low rating waiting for leadership and one they
followed up. The demo resident's latest check-in is due, so their home page asks it.

`seed_checkins(program, today)` is called by the demo generator once meetings exist.
Deterministic: the same program gives the same answers.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from dyad.checkins.models import CheckIn
from dyad.lib import checkins as rules
from dyad.meetings.models import MeetingStatus
from dyad.programs.models import Membership, Role
from dyad.relationships.models import Relationship, State

LOW_COMMENT = (
    "We have met twice since the summer and both times it felt rushed. I am not sure my "
    "mentor has the time for this right now."
)
FOLLOWED_UP_COMMENT = "Our interests turned out to be quite far apart."


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def seed_checkins(program, today: date, *, resident_email: str | None = None) -> None:
    rng = random.Random(f"checkins-{program.slug}")
    rows = (
        Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .annotate(
            first_held=Min("meetings__starts_at", filter=Q(meetings__status=MeetingStatus.HELD))
        )
        .select_related("learner", "guide")
        .order_by("pk")
    )
    made: list[tuple[CheckIn, datetime]] = []
    for relationship in rows:
        if relationship.first_held is None:
            continue
        first = timezone.localdate(relationship.first_held)
        for party in (relationship.learner, relationship.guide):
            skip_last = party.email == resident_email or rng.random() < 0.3
            made += _history(relationship, party, first, today, rng, skip_last=skip_last)
    CheckIn.objects.bulk_create([c for c, _ in made])
    for checkin, moment in made:
        CheckIn.objects.filter(pk=checkin.pk).update(created_at=moment)
    _alerts(program, today, made)


def _history(relationship, party, first, today, rng, *, skip_last):
    """The party's answers from the first meeting on, each a few days after it was due."""
    interval = relationship.program.checkin_interval_months
    answers = []
    due = rules.due_on(first_meeting=first, last_answered=None, interval_months=interval)
    while due is not None and due <= today:
        answered = due + timedelta(days=rng.randint(0, 10))
        nxt = rules.due_on(first_meeting=first, last_answered=answered, interval_months=interval)
        is_last = nxt > today
        if answered > today or (is_last and skip_last):
            break
        rating = rng.choices([3, 4, 5], weights=[2, 5, 4])[0]
        checkin = CheckIn(
            relationship=relationship,
            rater=party,
            due_on=due,
            rating=rating,
            is_low=False,
        )
        answers.append((checkin, _moment(answered, rng.randint(8, 19))))
        due = nxt
    return answers


def _alerts(program, today, made) -> None:
    """The newest learner's answer of a mentoring pairing becomes a low one, still open;
    an older one of another pairing was low and the coordinator followed it up."""
    coordinator = Membership.objects.filter(program=program, role=Role.COORDINATOR).first()
    learners = [
        (c, m)
        for c, m in made
        if c.rater_id == c.relationship.learner_id and c.relationship.kind == "mentoring"
    ]
    learners.sort(key=lambda pair: pair[1], reverse=True)
    if not learners:
        return
    low, _ = learners[0]
    CheckIn.objects.filter(pk=low.pk).update(rating=2, is_low=True, comment=LOW_COMMENT)
    others = [(c, m) for c, m in learners[1:] if c.relationship_id != low.relationship_id]
    if others and coordinator:
        done, answered = others[len(others) // 2]
        CheckIn.objects.filter(pk=done.pk).update(
            rating=1,
            is_low=True,
            comment=FOLLOWED_UP_COMMENT,
            followed_up_by=coordinator.user,
            followed_up_at=answered + timedelta(days=3),
        )
