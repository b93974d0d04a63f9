"""Demo goals: realistic goals at every stage for some of the demo program's pairings.

`seed_goals(program, today)` is called by the demo generator once pairings and meetings
exist. Deterministic: the same program gives the same goals. Everything is written through
the services, so the audit log and the SMART feedback look as they would in real use.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from dyad.goals import services
from dyad.goals.models import AchievementKind, Competency, Goal, GoalStatus, Progress, StepKind
from dyad.relationships.models import Relationship, State

# (title, description, measure, competency, relevance, milestones, (kind, success))
CATALOGUE = [
    (
        "Present a quality-improvement poster at the regional pediatrics meeting",
        "Turn the hand-off audit from my NICU rotation into a QI project.",
        "Abstract submitted by the deadline; poster presented",
        Competency.PBLI,
        "I want to apply to a neonatology fellowship",
        ["Collect 3 months of hand-off audit data", "Draft the abstract", "Print the poster"],
        (AchievementKind.PRESENTATION, "Poster: safer NICU hand-offs, regional pediatrics meeting"),
    ),
    (
        "Score at or above the 60th percentile on the in-training exam",
        "Do 20 board questions a day on the rotations without nights.",
        "ITE percentile in January",
        Competency.MEDICAL_KNOWLEDGE,
        "",
        ["Finish the cardiology question block", "Take a timed practice test"],
        (AchievementKind.OTHER, "In-training exam: 68th percentile"),
    ),
    (
        "Lead family-centred rounds for my patients on the general ward",
        "Run rounds with the family at the bedside and plain-language plans.",
        "Lead 10 rounds with written feedback from the attending",
        Competency.ICS,
        "Families in clinic tell me they feel left out of decisions",
        ["Ask the attending for the feedback form", "Lead the first 5 rounds"],
        (AchievementKind.NOMINATION, "Nominated for the residents' humanism award"),
    ),
    (
        "Close 90% of my clinic notes the same day",
        "Pre-chart the evening before and use templates for well visits.",
        "Weekly same-day closure rate from the EHR report",
        Competency.PROFESSIONALISM,
        "Late notes are the main thing keeping me at the hospital late",
        ["Build 3 note templates", "Review the EHR report with my mentor"],
        (AchievementKind.OTHER, "Same-day note closure above 90% for a full block"),
    ),
    (
        "Teach the interns the sepsis pathway during my senior ward month",
        "A 15-minute chalk talk in the first week and bedside teaching after.",
        "Chalk talk given; 5 interns complete the pathway quiz",
        Competency.SBP,
        "I am considering a career in medical education",
        ["Write the chalk talk", "Write a 10-question quiz"],
        (AchievementKind.AWARD, "Intern-voted teaching award, senior ward month"),
    ),
]
VAGUE = [
    ("Improve my procedural skills", ""),
    ("Learn more about research", "Get better at reading papers."),
    ("Be more efficient", ""),
]
PERSONAL = (
    "Run a half marathon before graduation",
    "Three runs a week, one long run on the weekend off.",
    "Finish the city half marathon",
    "",
    "Staying active keeps me well during residency",
    ["Run 10 km without stopping"],
)


def seed_goals(program, today: date) -> int:
    """Goals for some of the program's open pairings, at four stages (a vague draft, in
    progress with milestones and check-ins, achieved with a success, dropped), and a
    personal goal for some learners. Returns how many goals it made; does nothing when
    the program already has goals."""
    if Goal.objects.filter(program=program).exists():
        return 0
    pairs = list(
        Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .select_related("learner", "guide", "program")
        .order_by("start_date", "id")
    )
    made = 0
    for index, pair in enumerate(pairs[::2]):
        made += _goals_for(pair, index, today)
    return made


def _goals_for(pair, index: int, today: date) -> int:
    stage = index % 4
    if stage == 0:
        title, description = VAGUE[index % len(VAGUE)]
        _goal(pair, (title, description, "", "", ""), today + timedelta(days=400 + index))
        return 1
    entry = CATALOGUE[index % len(CATALOGUE)]
    goal = _goal(pair, entry[:5], today + timedelta(days=150))
    _progress(goal, pair.learner, entry[5], done=stage)
    if stage == 2:
        _achieve(goal, pair, entry[6], today)
    elif stage == 3:
        services.goal_close(
            goal=goal,
            acting_user=pair.learner,
            outcome=GoalStatus.DROPPED,
            reflection="My schedule changed to nights for two months; I will pick it up "
            "again as a goal for next year.",
        )
    if index % 3 != 1:
        return 1
    personal = _goal(pair, PERSONAL[:5], today + timedelta(days=200), personal=True)
    _progress(personal, pair.learner, PERSONAL[5], done=0)
    return 2


def _goal(pair, fields, target: date, *, personal: bool = False):
    title, description, measure, competency, relevance = fields
    return services.goal_create(
        program=pair.program,
        learner=pair.learner,
        relationship=None if personal else pair,
        acting_user=pair.learner,
        title=title,
        description=description,
        measure=measure,
        competency=competency,
        relevance=relevance,
        target_date=target,
    )


def _progress(goal, learner, milestones, *, done: int) -> None:
    """Milestones, the first `done` of them ticked, and a check-in saying how far along."""
    for position, text in enumerate(milestones):
        step = services.step_add(goal=goal, acting_user=learner, text=text, kind=StepKind.MILESTONE)
        if position < done:
            services.step_toggle(step=step, acting_user=learner)
    if done:
        services.check_in(
            goal=goal,
            acting_user=learner,
            note="Steady progress; the next milestone is booked in my calendar.",
            percent=min(100, 30 * done),
            progress=Progress.ON_TRACK if done > 1 else Progress.BEHIND,
            meeting=_last_meeting(goal),
        )


def _last_meeting(goal):
    """The pairing's last meeting held, where the check-in was made; None for a personal goal."""
    if goal.relationship_id is None:
        return None
    return goal.relationship.meetings.held().order_by("-starts_at").first()


def _achieve(goal, pair, success, today: date) -> None:
    services.goal_close(
        goal=goal,
        acting_user=pair.learner,
        outcome=GoalStatus.ACHIEVED,
        reflection="Breaking it into milestones made it manageable; asking for feedback "
        "early was the most useful step.",
    )
    services.achievement_record(
        program=pair.program,
        learner=pair.learner,
        acting_user=pair.guide,
        kind=success[0],
        title=success[1],
        date=min(today, timezone.localdate()) - timedelta(days=10),
        goal=goal,
    )
