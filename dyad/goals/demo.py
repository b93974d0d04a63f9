"""Demo goals: realistic goals at every stage for some of the demo program's pairings.

`seed_goals(program, today)` is called by the demo generator once pairings and meetings
exist. Deterministic: the same program gives the same goals. Everything is written through
the services, so the audit log and the SMART feedback look as they would in real use.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

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


# --- Learning plans (ILP) -----------------------------------------------------------------

# (strengths, growth areas, {competency: self-assessment}, strategies, resources, timeline)
PLANS = [
    (
        "Calm and organised in resuscitations; families say I explain plans clearly.",
        "Delivering bad news; closing notes the same day.",
        {
            Competency.ICS: "I avoid the hardest conversations; I want guided practice.",
            Competency.PROFESSIONALISM: "Late notes keep me at the hospital late.",
        },
        "Shadow the palliative care team twice; SPIKES practice in simulation; pre-chart "
        "the evening before clinic.",
        "Palliative care fellow; simulation centre slots; note templates from my mentor.",
        "Oct: palliative shadowing\nDec: first review\nFeb: lead a family meeting\nMay: review",
    ),
    (
        "Strong fund of knowledge in neonatology; I enjoy teaching students.",
        "Running the ward team as a senior; quality-improvement methods.",
        {
            Competency.PBLI: "I have never run a PDSA cycle from start to end.",
            Competency.SBP: "I want to understand how discharge delays happen.",
        },
        "Join the discharge QI project; ask for feedback after each senior week.",
        "QI curriculum modules; the hospital's discharge data analyst.",
        "Sep: join the QI team\nJan: first PDSA cycle\nApr: present at the QI meeting",
    ),
    (
        "Reliable, thorough histories; good rapport with adolescents.",
        "Board preparation; procedural confidence (lumbar punctures).",
        {
            Competency.MEDICAL_KNOWLEDGE: "ITE below the 40th percentile in cardiology.",
            Competency.PATIENT_CARE: "Two supervised LPs so far; I want ten by spring.",
        },
        "20 board questions a day outside nights; procedure clinic every other week.",
        "Question bank; simulation lab LP trainer; my advisor's board study plan.",
        "Oct: start question bank\nJan: ITE\nMar: 10 LPs signed off",
    ),
]

# (title, competency, measure)
PLAN_GOALS = [
    ("Lead three family meetings on the wards", Competency.ICS, "3 meetings with feedback"),
    ("Run one PDSA cycle on discharge delays", Competency.PBLI, "Cycle run, results shared"),
    (
        "Score at or above the 60th percentile on the in-training exam",
        Competency.MEDICAL_KNOWLEDGE,
        "ITE percentile in January",
    ),
    ("Perform ten supervised lumbar punctures", Competency.PATIENT_CARE, "10 LPs signed off"),
]


def seed_ilps(program, today: date) -> int:
    """Learning plans for every other learner with an active pairing, at four stages: a
    draft, shared for review, reviewed once (version 1 kept), and last year's plan
    completed (this year's not started). Returns how many plans it made; does nothing when
    the program already has plans."""
    from dyad.goals.models import Ilp
    from dyad.lib.cadence import academic_year_start

    if Ilp.objects.filter(program=program).exists():
        return 0
    year = academic_year_start(today, program.academic_year_start_month).year
    seen, pairs = set(), []
    for pair in (
        Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .select_related("learner", "guide", "program")
        .order_by("start_date", "id")
    ):
        if pair.learner_id not in seen:
            seen.add(pair.learner_id)
            pairs.append(pair)
    made = 0
    for index, pair in enumerate(pairs[::2]):
        made += _plan_for(pair, index, year, today)
    return made


def _plan_for(pair, index: int, year: int, today: date) -> int:
    stage = index % 4
    if stage == 3:
        _completed_last_year(pair, index, year - 1, today)
        return 1
    ilp = _written_plan(pair, index, year, goals=1 + stage)
    if stage == 0:
        return 1
    services.ilp_share(ilp=ilp, acting_user=pair.learner, shared_with=[pair])
    services.ilp_submit(ilp=ilp, acting_user=pair.learner)
    if stage == 2:
        services.ilp_review(
            ilp=ilp,
            acting_user=pair.guide,
            note="Good self-assessment. We agreed to book the first steps before the next "
            "review and to check the measures at each meeting.",
            reviewed_on=min(today, timezone.localdate()),
        )
    return 1


def _written_plan(pair, index: int, year: int, *, goals: int):
    strengths, growth, notes, strategies, resources, timeline = PLANS[index % len(PLANS)]
    ilp = services.ilp_start(
        program=pair.program, learner=pair.learner, year=year, acting_user=pair.learner
    )
    ilp = services.ilp_update(
        ilp=ilp,
        acting_user=pair.learner,
        strengths=strengths,
        growth_areas=growth,
        competency_notes={str(code): text for code, text in notes.items()},
        strategies=strategies,
        resources=resources,
        timeline=timeline,
    )
    for offset in range(goals):
        title, competency, measure = PLAN_GOALS[(index + offset) % len(PLAN_GOALS)]
        services.ilp_goal_add(
            ilp=ilp,
            acting_user=pair.learner,
            title=title,
            competency=competency,
            measure=measure,
            target_date=date(year + 1, 5, 1),
        )
    return ilp


def _completed_last_year(pair, index: int, year: int, today: date) -> None:
    """Last year's plan: shared, reviewed at both review dates, completed. The services
    stamp today's time; the dates are then set to when it happened."""
    from dyad.goals.models import Ilp

    ilp = _written_plan(pair, index, year, goals=2)
    services.ilp_share(ilp=ilp, acting_user=pair.learner, shared_with=[pair])
    services.ilp_submit(ilp=ilp, acting_user=pair.learner)
    for number, reviewed_on in enumerate(ilp.review_days, start=1):
        services.ilp_review(
            ilp=ilp,
            acting_user=pair.guide,
            note="Mid-year: on track; keep the measures in view."
            if number == 1
            else "End of year: goals met or carried into next year's plan.",
            reviewed_on=min(reviewed_on, today),
        )
    services.ilp_complete(ilp=ilp, acting_user=pair.learner)
    days = ilp.review_days
    Ilp.objects.filter(pk=ilp.pk).update(
        shared_at=timezone.make_aware(datetime.combine(days[0] - timedelta(days=30), time(9))),
        completed_at=timezone.make_aware(datetime.combine(days[-1] + timedelta(days=7), time(9))),
    )
