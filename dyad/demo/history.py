"""A history for the synthetic institution: two academic years of relationships of every
kind, their meetings, what was written about the meetings, and goals.

Written with bulk inserts, not through the services: thousands of pairings through the
services (each checks, audits and notifies) would take minutes, and the point of the
large dataset is the shape and size of the data that pages and reports read. The rows
are what the services would have left: an open relationship holding a place of its
guide, an agreement (acknowledged once active), the events that brought it to its state,
meetings held (some missed or cancelled, some ahead), summaries and preparations on a
share of them, and goals with milestones and check-ins."""

import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from dyad.demo.pairs import CONSENTS, GOALS
from dyad.goals.demo import CATALOGUE, VAGUE
from dyad.goals.models import CheckIn, Goal, GoalStatus, Progress, Step, StepKind
from dyad.meetings.models import ActionItem, Meeting, MeetingStatus, Preparation, Summary
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import (
    Agreement,
    EndReason,
    Frequency,
    Origin,
    Relationship,
    RelationshipEvent,
    Scheduler,
    State,
)

BATCH_SIZE = 1000
HABITS = ["keeps", "lapses", "never", "remote"]
HABIT_WEIGHTS = [7, 1, 1, 1]

# The share of a program's residents who have a relationship of each kind (open or ended).
# The match-round program is starting its mentoring program with the round: few of its
# residents have a mentor yet.
SHARE = {
    GuidanceKind.MENTORING: 0.90,
    GuidanceKind.COACHING: 0.55,
    GuidanceKind.ADVISING: 0.45,
    GuidanceKind.PEER_MENTORING: 0.60,  # of the interns, while peer mentors have room
}
ROUND_PROGRAM_MENTORED = 0.10
# Of the residents past their first year with a guide of the kind, the share whose first
# relationship of the kind ended last year (and who then got another guide or none).
ENDED_SHARE = {
    GuidanceKind.MENTORING: 0.35,
    GuidanceKind.COACHING: 0.30,
    GuidanceKind.ADVISING: 0.25,
    GuidanceKind.PEER_MENTORING: 0.0,
}
PROPOSED_SHARE = 0.06
FREQUENCY = {
    GuidanceKind.MENTORING: Frequency.MONTHLY,
    GuidanceKind.COACHING: Frequency.BIWEEKLY,
    GuidanceKind.ADVISING: Frequency.QUARTERLY,
    GuidanceKind.PEER_MENTORING: Frequency.MONTHLY,
}
# Days between meetings: (fewest, most). Pairs that keep at it meet more often than their
# agreement asks (mentors every week or two, coaches weekly), which is what gives the
# institution its 100,000 meetings.
GAP_DAYS = {
    GuidanceKind.MENTORING: (6, 12),
    GuidanceKind.COACHING: (4, 9),
    GuidanceKind.ADVISING: (18, 36),
    GuidanceKind.PEER_MENTORING: (6, 14),
}
SUMMARY_SHARE = 0.45
PREPARATION_SHARE = 0.30
ACTION_ITEM_SHARE = 0.25  # of the summaries

SUMMARIES = [
    "We went over the last block: what went well on the wards, and the one thing to change "
    "for the next rotation. Agreed to look at {area} options before the next meeting.",
    "Talked through the feedback from the attendings and a plan for the in-training exam. "
    "Also discussed a first step in {area}.",
    "Reviewed progress on the project in {area}: the data are in, the abstract is next. "
    "Checked in on sleep and time off.",
    "Discussed fellowship timelines and who to meet in {area}; drafted a list of questions "
    "for the program director.",
    "A short check-in after nights: how the team is doing, and a plan for the next month.",
]
PREPARATIONS = [
    ("Talk about the research project", "Collected the first month of data", "Night float"),
    ("Plan for the in-training exam", "Did 200 questions", "Clinic notes take my evenings"),
    ("Fellowship applications", "Asked two faculty for letters", ""),
    ("Feedback from the ward month", "Led rounds three times", "Not enough time to read"),
    ("Work-life balance", "Took a full weekend off", "Moving apartments"),
]
ACTIONS = [
    "E-mail the research coordinator about the data request",
    "Draft the abstract and send it for comments",
    "Book a meeting with the fellowship director",
    "Do 20 board questions a day for two weeks",
    "Ask the chief about swapping the elective block",
]
CHECK_INS = [
    ("Steady progress; the next milestone is booked in my calendar.", Progress.ON_TRACK),
    ("Nights slowed me down, catching up this month.", Progress.BEHIND),
    ("Waiting on a reply before I can go on.", Progress.STUCK),
]
AREAS = ["research", "teaching", "quality improvement", "advocacy", "global health"]


def build_institution_history(
    programs, *, seed: int, today: date, ids: random.Random, round_program=None
) -> dict:
    """Give the residents of each program relationships of every kind with guides of the
    same program who have room, over this academic year and the last, then their meetings,
    notes and goals. Returns counts of what was written."""
    rng = random.Random(f"history-{seed}")
    capacity = {
        (user_id, kind): places
        for user_id, kind, places in GuideOffer.objects.filter(capacity__gt=0).values_list(
            "profile__user_id", "kind", "capacity"
        )
    }
    taken: Counter[tuple[int, str]] = Counter()
    relationships = []
    for program in programs:
        relationships += _pairs_of(program, capacity, taken, rng, today, ids, round_program)
    Relationship.objects.bulk_create(relationships, batch_size=BATCH_SIZE)
    _agreements_and_events(relationships, rng)
    meetings = []
    for rel in relationships:
        meetings += _meetings_of(rel, today, rng)
    for meeting in meetings:
        meeting.uuid = _uuid(ids)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
    notes = _notes(meetings, rng, today, ids)
    goals = _goals(relationships, meetings, rng, today, ids)
    states = Counter(rel.state for rel in relationships)
    return {
        "relationships": len(relationships),
        **{f"{state} relationships": states[state] for state in State.values},
        "meetings": len(meetings),
        **notes,
        **goals,
    }


def _uuid(ids: random.Random) -> uuid.UUID:
    return uuid.UUID(int=ids.getrandbits(128), version=4)


def _july(today: date, years_back: int) -> date:
    year = today.year if today.month >= 7 else today.year - 1
    return date(year - years_back, 7, 1)


def _pairs_of(program, capacity, taken, rng, today, ids, round_program) -> list[Relationship]:
    members = list(Membership.objects.filter(program=program).order_by("user_id", "role"))
    faculty = [m.user_id for m in members if m.role == Role.FACULTY]
    residents = [m for m in members if m.role == Role.RESIDENT]
    seniors = [m.user_id for m in residents if (m.user_id, GuidanceKind.PEER_MENTORING) in capacity]
    director = next((m.user_id for m in members if m.role == Role.DIRECTOR), None)
    candidates = {
        kind: [g for g in faculty if (g, kind) in capacity]
        for kind in (GuidanceKind.MENTORING, GuidanceKind.COACHING, GuidanceKind.ADVISING)
    }
    candidates[GuidanceKind.PEER_MENTORING] = seniors
    pairs = []
    for membership in residents:
        for kind, share in SHARE.items():
            if kind == GuidanceKind.PEER_MENTORING and membership.pgy != 1:
                continue
            if kind == GuidanceKind.MENTORING and program == round_program:
                share = ROUND_PROGRAM_MENTORED
            if rng.random() >= share:
                continue
            pairs += _pairs_of_kind(
                program, membership, kind, candidates[kind], capacity, taken, rng, today, ids
            )
    for rel in pairs:
        rel.created_by_id = director
    return pairs


def _pairs_of_kind(program, membership, kind, guides, capacity, taken, rng, today, ids):
    """One learner's relationships of one kind: maybe one that ended last year, and (most
    often) an open one, proposed lately or active since it began."""
    learner = membership.user_id
    years_in = (membership.pgy or 1) - 1
    pairs = []
    first_start = _july(today, min(years_in, 1)) + timedelta(days=rng.randint(0, 40))
    if years_in and rng.random() < ENDED_SHARE[kind]:
        ended = [g for g in guides if g != learner]
        if ended:
            end = first_start + timedelta(days=rng.randint(90, 300))
            pairs.append(
                _relationship(
                    program, learner, rng.choice(ended), kind, rng, ids, start=first_start
                )
            )
            pairs[-1].state = State.ENDED
            pairs[-1].end_date = min(end, today - timedelta(days=1))
            pairs[-1].end_reason = rng.choice(
                [EndReason.REMATCH, EndReason.COMPLETED, EndReason.OTHER]
            )
            if rng.random() < 0.3:
                return pairs  # no new guide of this kind
            first_start = pairs[-1].end_date + timedelta(days=rng.randint(7, 40))
    free = [g for g in guides if taken[(g, kind)] < capacity[(g, kind)] and g != learner]
    if not free or first_start >= today:
        return pairs
    guide = rng.choice(free)
    taken[(guide, kind)] += 1
    rel = _relationship(program, learner, guide, kind, rng, ids, start=first_start)
    rel.seat = taken[(guide, kind)]
    if rng.random() < PROPOSED_SHARE:
        rel.state = State.PROPOSED
        rel.origin = Origin.REQUESTED
        rel.start_date = today - timedelta(days=rng.randint(0, 20))
    pairs.append(rel)
    return pairs


def _relationship(program, learner, guide, kind, rng, ids, *, start) -> Relationship:
    return Relationship(
        uuid=_uuid(ids),
        program=program,
        learner_id=learner,
        guide_id=guide,
        kind=kind,
        state=State.ACTIVE,
        origin=rng.choice([Origin.ASSIGNED, Origin.REQUESTED, Origin.MATCHED]),
        start_date=start,
    )


def _agreements_and_events(relationships, rng) -> None:
    now = timezone.now()
    Agreement.objects.bulk_create(
        [
            Agreement(
                relationship=rel,
                version=1,
                goals=rng.choice(GOALS).format(area=rng.choice(AREAS)),
                meeting_frequency=FREQUENCY[GuidanceKind(rel.kind)],
                scheduler=Scheduler.LEARNER,
                preferred_modes=["in_person", "video"],
                consent=[str(c) for c in rng.choice(CONSENTS)],
                learner_ack_at=now if rel.state != State.PROPOSED else None,
                guide_ack_at=now if rel.state != State.PROPOSED else None,
                created_by_id=rel.learner_id,
            )
            for rel in relationships
        ],
        batch_size=BATCH_SIZE,
    )
    events = []
    for rel in relationships:
        events.append(RelationshipEvent(relationship=rel, to_state=State.PROPOSED))
        if rel.state != State.PROPOSED:
            events.append(
                RelationshipEvent(
                    relationship=rel, from_state=State.PROPOSED, to_state=State.ACTIVE
                )
            )
        if rel.state == State.ENDED:
            events.append(
                RelationshipEvent(
                    relationship=rel,
                    from_state=State.ACTIVE,
                    to_state=State.ENDED,
                    actor_id=rel.learner_id,
                    note=rel.get_end_reason_display(),
                )
            )
    RelationshipEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _meetings_of(rel, today, rng) -> list[Meeting]:
    """Meetings from the start to the end (or today), as the pair's habit has them, and
    for most open pairs one meeting ahead."""
    if rel.state == State.PROPOSED:
        return []
    habit = rng.choices(HABITS, HABIT_WEIGHTS)[0]
    until = rel.end_date or today
    fewest, most = GAP_DAYS[GuidanceKind(rel.kind)]
    meetings = []
    day = rel.start_date + timedelta(days=rng.randint(5, 25))
    while day < until and habit != "never":
        if habit == "lapses" and len(meetings) >= 2:
            break
        status = rng.choices(
            [MeetingStatus.HELD, MeetingStatus.MISSED, MeetingStatus.CANCELLED], [92, 4, 4]
        )[0]
        meetings.append(_meeting(rel, day, rng, habit, status))
        day += timedelta(days=rng.randint(fewest, most))
    if rel.state == State.ACTIVE and habit != "never" and rng.random() < 0.7:
        ahead = today + timedelta(days=rng.randint(1, 30))
        meetings.append(_meeting(rel, ahead, rng, habit, MeetingStatus.SCHEDULED))
    return meetings


def _meeting(rel, day, rng, habit, status) -> Meeting:
    in_person = habit != "remote" and rng.random() < 0.7
    mode = "in_person" if in_person else rng.choice(["video", "phone"])
    at = time(rng.choice([7, 12, 16, 17]), rng.choice([0, 30]))
    return Meeting(
        relationship=rel,
        starts_at=datetime.combine(day, at, tzinfo=timezone.get_current_timezone()),
        duration_minutes=rng.choice([30, 45, 60]),
        mode=mode,
        place="Education Center, room 2" if in_person else "",
        link="" if in_person or mode == "phone" else "https://video.northfield.example/meet",
        status=status,
    )


def _notes(meetings, rng, today, ids) -> dict:
    """Shared summaries (some with action items) and the learner's preparation, on a share
    of the meetings held."""
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    summaries, preparations, actions = [], [], []
    for meeting in held:
        rel = meeting.relationship
        if rng.random() < PREPARATION_SHARE:
            goals, progress, obstacles = rng.choice(PREPARATIONS)
            preparations.append(
                Preparation(meeting=meeting, goals=goals, progress=progress, obstacles=obstacles)
            )
        if rng.random() >= SUMMARY_SHARE:
            continue
        text = rng.choice(SUMMARIES).format(area=rng.choice(AREAS))
        author = rng.choice([rel.learner_id, rel.guide_id])
        summaries.append(Summary(meeting=meeting, text=text, updated_by_id=author))
        if rng.random() < ACTION_ITEM_SHARE:
            due = meeting.starts_at.date() + timedelta(days=rng.randint(7, 30))
            done = due < today and rng.random() < 0.7
            actions.append(
                ActionItem(
                    uuid=_uuid(ids),
                    meeting=meeting,
                    text=rng.choice(ACTIONS),
                    owner_id=rel.learner_id,
                    due_date=due,
                    done_at=meeting.starts_at + timedelta(days=5) if done else None,
                )
            )
    Preparation.objects.bulk_create(preparations, batch_size=BATCH_SIZE)
    Summary.objects.bulk_create(summaries, batch_size=BATCH_SIZE)
    ActionItem.objects.bulk_create(actions, batch_size=BATCH_SIZE)
    return {
        "summaries": len(summaries),
        "preparations": len(preparations),
        "action items": len(actions),
    }


def _goals(relationships, meetings, rng, today, ids) -> dict:
    """Goals for about half the active mentoring and coaching relationships: most in
    progress with milestones and check-ins, some achieved or dropped, a few vague drafts."""
    last_held: dict[int, Meeting] = {}
    for meeting in meetings:
        if meeting.status == MeetingStatus.HELD:
            last_held[meeting.relationship_id] = meeting  # in order: the last one wins
    now = timezone.now()
    goals, plans = [], []
    for rel in relationships:
        if rel.state != State.ACTIVE or rel.kind not in (
            GuidanceKind.MENTORING,
            GuidanceKind.COACHING,
        ):
            continue
        if rng.random() >= 0.5:
            continue
        for _ in range(rng.choice([1, 1, 2])):
            status = rng.choices(list(GoalStatus), [75, 15, 10])[0]
            if rng.random() < 0.1:
                title, description = rng.choice(VAGUE)
                fields = {"title": title, "description": description}
                milestones: list[str] = []
            else:
                entry = rng.choice(CATALOGUE)
                fields = dict(
                    zip(
                        ["title", "description", "measure", "competency", "relevance"],
                        entry[:5],
                        strict=True,
                    )
                )
                milestones = entry[5]
            goals.append(
                Goal(
                    uuid=_uuid(ids),
                    program_id=rel.program_id,
                    learner_id=rel.learner_id,
                    relationship=rel,
                    target_date=today + timedelta(days=rng.randint(30, 300)),
                    status=status,
                    closed_at=None if status == GoalStatus.OPEN else now,
                    reflection="" if status == GoalStatus.OPEN else "Looking back, it helped.",
                    created_by_id=rel.learner_id,
                    **fields,
                )
            )
            plans.append((rel, milestones))
    Goal.objects.bulk_create(goals, batch_size=BATCH_SIZE)
    steps, check_ins = [], []
    for goal, (rel, milestones) in zip(goals, plans, strict=True):
        done = rng.randint(0, len(milestones))
        for position, text in enumerate(milestones):
            steps.append(
                Step(
                    uuid=_uuid(ids),
                    goal=goal,
                    kind=StepKind.MILESTONE,
                    text=text,
                    due_date=today + timedelta(days=30 * (position + 1)),
                    done_at=now if position < done else None,
                    done_by_id=rel.learner_id if position < done else None,
                    created_by_id=rel.learner_id,
                )
            )
        if done:
            note, progress = rng.choice(CHECK_INS)
            check_ins.append(
                CheckIn(
                    goal=goal,
                    author_id=rel.learner_id,
                    note=note,
                    percent=min(100, 30 * done),
                    progress=progress,
                    meeting=last_held.get(rel.pk),
                )
            )
    Step.objects.bulk_create(steps, batch_size=BATCH_SIZE)
    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH_SIZE)
    return {"goals": len(goals), "goal steps": len(steps), "check-ins": len(check_ins)}
