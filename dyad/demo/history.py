"""A history for the synthetic institution: mentoring pairs and a year of meetings.

Written with bulk inserts, not through the services: thousands of pairings through the
services (each checks, audits and notifies) would take minutes, and the point of the
large dataset is the shape and size of the data that pages and reports read. The rows
are what the services would have left: an active relationship holding a place of its
guide, an acknowledged agreement, the event that made it active, held meetings."""

import random
import uuid
from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from dyad.demo.pairs import CONSENTS, GOALS, meeting_history
from dyad.meetings.models import Meeting
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import (
    Agreement,
    Frequency,
    Origin,
    Relationship,
    RelationshipEvent,
    Scheduler,
    State,
)

BATCH_SIZE = 1000
HABITS = ["keeps", "lapses", "never", "remote"]
HABIT_WEIGHTS = [6, 2, 1, 1]


def build_institution_history(programs, *, seed: int, today: date, ids: random.Random) -> dict:
    """Pair most residents of each program with a mentor of the same program who has room,
    and give each pair its meetings. Returns counts of what was written."""
    rng = random.Random(f"history-{seed}")
    capacity = dict(
        GuideOffer.objects.filter(kind=GuidanceKind.MENTORING, capacity__gt=0).values_list(
            "profile__user_id", "capacity"
        )
    )
    taken: Counter[int] = Counter()
    relationships = []
    for program in programs:
        relationships += _pairs_of(program, capacity, taken, rng, today, ids)
    Relationship.objects.bulk_create(relationships, batch_size=BATCH_SIZE)
    _agreements_and_events(relationships, rng, today)
    meetings = []
    for rel in relationships:
        habit = rng.choices(HABITS, HABIT_WEIGHTS)[0]
        meetings += meeting_history(rel, habit, today, rng)
    for meeting in meetings:
        meeting.uuid = _uuid(ids)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
    return {"relationships": len(relationships), "meetings": len(meetings)}


def _uuid(ids: random.Random) -> uuid.UUID:
    return uuid.UUID(int=ids.getrandbits(128), version=4)


def _pairs_of(program, capacity, taken, rng, today, ids) -> list[Relationship]:
    members = Membership.objects.filter(program=program).order_by("user_id")
    guides = [m.user_id for m in members if m.role == Role.FACULTY and m.user_id in capacity]
    learners = [m for m in members if m.role == Role.RESIDENT]
    director = next((m.user_id for m in members if m.role == Role.DIRECTOR), None)
    pairs = []
    for membership in learners:
        free = [g for g in guides if taken[g] < capacity[g] and g != membership.user_id]
        if not free or rng.random() > 0.85:
            continue
        guide = rng.choice(free)
        taken[guide] += 1
        years_back = (membership.pgy or 1) - 1
        start = _july(today, years_back) + timedelta(days=rng.randint(0, 25))
        pairs.append(
            Relationship(
                uuid=_uuid(ids),
                program=program,
                learner_id=membership.user_id,
                guide_id=guide,
                kind=GuidanceKind.MENTORING,
                state=State.ACTIVE,
                origin=rng.choice([Origin.ASSIGNED, Origin.REQUESTED, Origin.MATCHED]),
                seat=taken[guide],
                start_date=start,
                created_by_id=director,
            )
        )
    return pairs


def _july(today: date, years_back: int) -> date:
    year = today.year if today.month >= 7 else today.year - 1
    return date(year - years_back, 7, 1)


def _agreements_and_events(relationships, rng, today) -> None:
    now = timezone.now()
    Agreement.objects.bulk_create(
        [
            Agreement(
                relationship=rel,
                version=1,
                goals=rng.choice(GOALS).format(area=rng.choice(["research", "teaching"])),
                meeting_frequency=Frequency.MONTHLY,
                scheduler=Scheduler.LEARNER,
                preferred_modes=["in_person", "video"],
                consent=[str(c) for c in rng.choice(CONSENTS)],
                learner_ack_at=now,
                guide_ack_at=now,
                created_by_id=rel.learner_id,
            )
            for rel in relationships
        ],
        batch_size=BATCH_SIZE,
    )
    RelationshipEvent.objects.bulk_create(
        [
            RelationshipEvent(relationship=rel, from_state=State.PROPOSED, to_state=State.ACTIVE)
            for rel in relationships
        ],
        batch_size=BATCH_SIZE,
    )
