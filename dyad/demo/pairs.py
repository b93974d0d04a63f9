"""The demo program's pairings: evaluative roles, mentors for most residents, coaches and
advisors for some, agreements in every state, one private rematch request and one ended
pairing. Made through the services, as users would make them, so the audit log and the
histories are real. Deterministic for a given seed."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from dyad.demo import personas
from dyad.meetings.models import ActionItem, Meeting, MeetingStatus, Summary
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services
from dyad.relationships.models import (
    ConsentCategory,
    EndReason,
    EvaluativeKind,
    Frequency,
    Origin,
    Scheduler,
)

GOALS = [
    "Find a research question in {area} and a first step by winter.",
    "Plan for fellowship applications; meet people in {area}.",
    "Balance clinical work and life outside the hospital; build habits that last.",
    "Grow as a teacher of medical students; try a small project in {area}.",
    "Explore careers in {area} and decide on a track by spring.",
    "Get through intern year well: feedback, sleep, and one thing to look forward to.",
]
CONSENTS = [
    [],
    [ConsentCategory.TOPICS],
    [ConsentCategory.TOPICS, ConsentCategory.ACTION_ITEMS],
    [ConsentCategory.SUMMARIES, ConsentCategory.GOALS],
]


def build_demo_pairs(program, *, seed: int, year_start) -> dict[int, str]:
    """Pair the program and return the meeting habit the demo personas' pairs must have
    (relationship id → habit; the others draw theirs)."""
    rng = random.Random(f"pairs-{seed}")
    members = list(
        Membership.objects.filter(program=program).select_related("user").order_by("user__email")
    )
    by_role = {}
    for m in members:
        by_role.setdefault(m.role, []).append(m)
    director = by_role[Role.DIRECTOR][0].user
    apds = [m.user for m in by_role.get(Role.ASSOCIATE_DIRECTOR, [])]
    by_email = {m.user.email: m.user for m in members}
    mentor = by_email[personas.MENTOR.email]

    _evaluative_roles(program, director, apds, by_role, rng, year_start, mentor.email)
    residents = sorted(by_role.get(Role.RESIDENT, []), key=lambda m: (m.pgy, m.user.email))
    pair = _Pairing(program, director, year_start, rng)
    habits = _mentor_persona_pairs(pair, mentor, by_email, residents, apds)
    # The fixed mentor's places are set above; the intern persona has no guide at all.
    mentors = [u for u in _guides_offering(program, GuidanceKind.MENTORING) if u != mentor]
    coaches = [u for u in _guides_offering(program, GuidanceKind.COACHING) if u != mentor]
    taken = {by_email[personas.INTERN.email], *pair.learners, *reserved_interns(residents)}
    pairs = list(pair.made)
    for m in residents:
        always = m.user.email == personas.SENIOR.email
        if m.user in taken or (not always and rng.random() > (0.75 if m.pgy == 1 else 0.95)):
            continue
        state = "proposed" if m.pgy == 1 and rng.random() < 0.3 else "active"
        for guide in rng.sample(mentors, len(mentors)):
            rel = pair(m, guide, GuidanceKind.MENTORING, state=state, consent=rng.choice(CONSENTS))
            if rel:
                pairs.append(rel)
                break
    coached = [m for m in residents if m.user != by_email[personas.INTERN.email]]
    for m in rng.sample(coached, 6):
        for coach in rng.sample(coaches, len(coaches)):
            if pair(m, coach, GuidanceKind.COACHING, state="active", consent=rng.choice(CONSENTS)):
                break
    # Leave the personas' own pairs alone (each login shows what the README says), and
    # keep the director out of the request so that they may read it.
    apart = {mentor.pk, director.pk} | {by_email[p.email].pk for p in personas.PERSONAS}
    _troubles([r for r in pairs if not apart & {r.guide_id, r.learner_id}], director, rng)
    return habits


def reserved_interns(memberships) -> list:
    """Three interns left without a mentor by the pairing, for the demo's requests and
    peer pairing (see states.py)."""
    persona_emails = {p.email for p in personas.PERSONAS}
    interns = [m.user for m in memberships if m.pgy == 1 and m.user.email not in persona_emails]
    return sorted(interns, key=lambda u: u.email)[:3]


class _Pairing:
    """Makes one pairing through the services, with an agreement in the state asked for.
    Mentoring starts in the learner's intern year, so that a senior's pairing has more
    than a year of history; the other kinds start with this academic year."""

    def __init__(self, program, director, year_start, rng):
        self.program, self.director, self.year_start, self.rng = program, director, year_start, rng
        self.made = []
        self.learners = set()

    def __call__(self, membership, guide, kind, *, state, consent, plan=None):
        years_back = (membership.pgy or 1) - 1 if kind == GuidanceKind.MENTORING else 0
        start = self.year_start.replace(year=self.year_start.year - years_back)
        rel = _pair(
            self.program,
            membership.user,
            guide,
            kind,
            self.director,
            start,
            self.rng,
            state=state,
            consent=consent,
            plan=plan,
        )
        if rel:
            self.made.append(rel)
            self.learners.add(membership.user)
        return rel


def _mentor_persona_pairs(pair, mentor, by_email, residents, apds) -> dict[int, str]:
    """The fixed resident with the fixed mentor and an advisor; the mentor's other learners:
    a senior who stopped meeting after the summer (overdue) and a PGY-2 they coach. One
    mentoring place stays free for the request waiting for the mentor."""
    resident = by_email[personas.RESIDENT.email]
    of = {m.user: m for m in residents}
    others = [m for m in residents if m.user.email not in {p.email for p in personas.PERSONAS}]
    overdue = next(m for m in others if m.pgy == 3)
    coached = next(m for m in others if m.pgy == 2)
    habits = {}
    rel = pair(of[resident], mentor, GuidanceKind.MENTORING, state="active", consent=CONSENTS[2])
    habits[rel.pk] = "keeps"
    if apds:
        # Monthly while the resident settles in, then every three months.
        pair(
            of[resident],
            apds[0],
            GuidanceKind.ADVISING,
            state="active",
            consent=CONSENTS[1],
            plan=(3, Frequency.QUARTERLY),
        )
    rel = pair(overdue, mentor, GuidanceKind.MENTORING, state="active", consent=CONSENTS[0])
    habits[rel.pk] = "stops"
    rel = pair(coached, mentor, GuidanceKind.COACHING, state="active", consent=CONSENTS[3])
    habits[rel.pk] = "keeps"
    return habits


def _guides_offering(program, kind):
    members = Membership.objects.filter(program=program).values("user_id")
    offers = GuideOffer.objects.filter(profile__user__in=members, kind=kind, capacity__gt=0)
    return [
        o.profile.user
        for o in offers.select_related("profile__user").order_by("profile__user__email")
    ]


def _evaluative_roles(program, director, apds, by_role, rng, year_start, fixed_mentor):
    start = year_start - timedelta(days=3 * 365)
    services.evaluative_role_create(
        program=program,
        evaluator=director,
        kind=EvaluativeKind.PROGRAM_DIRECTOR,
        start_date=start,
        acting_user=director,
    )
    for apd in apds:
        services.evaluative_role_create(
            program=program,
            evaluator=apd,
            kind=EvaluativeKind.ASSOCIATE_DIRECTOR,
            start_date=start,
            acting_user=director,
        )
    faculty = [m.user for m in by_role.get(Role.FACULTY, []) if m.user.email != fixed_mentor]
    for member in rng.sample(faculty, min(4, len(faculty))):
        services.evaluative_role_create(
            program=program,
            evaluator=member,
            kind=EvaluativeKind.CCC_MEMBER,
            start_date=year_start,
            acting_user=director,
        )


def _pair(program, learner, guide, kind, director, start, rng, *, state, consent, plan=None):
    """`plan`: (after months, later frequency) of a pair that meets monthly at first."""
    try:
        rel = services.relationship_create(
            program=program,
            learner=learner,
            guide=guide,
            kind=kind,
            origin=rng.choice([Origin.ASSIGNED, Origin.REQUESTED]),
            acting_user=director,
            start_date=start + timedelta(days=rng.randint(0, 20)),
        )
    except services.RelationshipError:
        return None  # full, or the guide evaluates this learner: try another guide
    area = rng.choice(
        [
            "research",
            "medical education",
            "global health",
            "advocacy",
            "neonatology",
            "quality improvement",
        ]
    )
    agreement = services.agreement_revise(
        relationship=rel,
        acting_user=learner,
        goals=rng.choice(GOALS).format(area=area),
        meeting_frequency=Frequency.MONTHLY
        if plan or kind != GuidanceKind.ADVISING
        else Frequency.QUARTERLY,
        later_after_months=plan[0] if plan else None,
        later_frequency=plan[1] if plan else "",
        scheduler=Scheduler.LEARNER,
        preferred_modes=rng.sample(["in_person", "video", "phone"], 2),
        confidentiality=rel.current_agreement().confidentiality,
        consent=consent,
    )
    services.agreement_acknowledge(agreement=agreement, acting_user=learner)
    if state == "active":
        services.agreement_acknowledge(agreement=agreement, acting_user=guide)
    return rel


def _troubles(pairs, director, rng):
    """One pairing that did not work and ended without fault, one private request."""
    active = [r for r in pairs if r.state == "active" or r.current_agreement().is_acknowledged]
    if len(active) < 2:
        return
    ended, asking = rng.sample(active, 2)
    services.rematch_request_create(
        relationship=ended,
        acting_user=ended.learner,
        reason="Our schedules never line up; I would like someone on the inpatient side.",
    )
    services.relationship_end(
        relationship=ended, acting_user=director, reason=EndReason.REMATCH, do_not_repair=False
    )
    services.rematch_request_create(
        relationship=asking,
        acting_user=asking.guide,
        reason="I think a mentor in cardiology would serve this resident better.",
    )


PAVILION = "Children's Pavilion, 4th floor lounge"


def build_demo_meetings(program, *, seed: int, today, habits: dict[int, str]) -> None:
    """A history of meetings with varied compliance: most pairs keep the cadence, some
    lapse, a few never met; some have a meeting planned. `habits` fixes the habit of some
    pairs (relationship id → keeps / lapses / stops after this summer / never / remote).
    Dates and modes only, plus summaries for the demo resident's mentor meetings, whose
    next one is in three days."""
    rng = random.Random(f"meetings-{seed}")
    relationships = program.relationships.filter(state="active").select_related("learner")
    meetings = []
    for rel in relationships.order_by("pk"):
        habit = rng.choices(["keeps", "lapses", "never", "remote"], weights=[6, 2, 1, 1])[0]
        habit = habits.get(rel.pk, habit)
        meetings += meeting_history(rel, habit, today, rng)
        fixed = rel.learner.email == personas.RESIDENT.email and rel.kind == "mentoring"
        if fixed or (habit in ("keeps", "remote") and rng.random() < 0.5):
            soon = today + timedelta(days=3 if fixed else rng.randint(2, 20))
            meetings.append(_meeting(rel, soon, time(16, 30), 45, "in_person", scheduled=True))
    Meeting.objects.bulk_create(meetings)
    _summaries(program, today)


def meeting_history(rel, habit, today, rng) -> list[Meeting]:
    """Held meetings of one pair from its start to `today`, as its habit has them."""
    meetings = []
    day = rel.start_date + timedelta(days=rng.randint(5, 25))
    count = 0
    while day < today and habit != "never":
        if habit == "lapses" and count >= 2:
            break
        if habit == "stops" and day > _end_of_summer(today):
            break
        in_person = habit != "remote" and rng.random() < 0.7
        mode = "in_person" if in_person else rng.choice(["video", "phone"])
        at = time(rng.choice([7, 12, 16, 17]), 0)
        meetings.append(_meeting(rel, day, at, rng.choice([30, 45, 60]), mode, scheduled=False))
        count += 1
        day = _next_meeting_day(rel, day, rng)
    return meetings


def _next_meeting_day(rel, day, rng) -> date:
    """Pairs meet as they agreed: advisors every three months or so, mentors and coaches
    once in every calendar month (what "monthly" asks of them)."""
    if rel.kind == GuidanceKind.ADVISING:
        return day + timedelta(days=rng.randint(70, 85))
    first_of_next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next_month + timedelta(days=rng.randint(2, 24))


def _end_of_summer(today) -> date:
    """Mid-August of the academic year (from July) that contains `today`."""
    return date(today.year if today.month >= 7 else today.year - 1, 8, 15)


def _meeting(rel, day, at, minutes, mode, *, scheduled) -> Meeting:
    in_person = mode == "in_person"
    return Meeting(
        relationship=rel,
        starts_at=datetime.combine(day, at, tzinfo=timezone.get_current_timezone()),
        duration_minutes=minutes,
        mode=mode,
        place=PAVILION if in_person else "",
        link="" if in_person else "https://video.riverside.example/mentoring",
        status=MeetingStatus.SCHEDULED if scheduled else MeetingStatus.HELD,
    )


def _summaries(program, today) -> None:
    """The demo resident's mentor meetings held so far have a shared summary; the last
    one left her an action item due in two days, and one she has done."""
    held = list(
        Meeting.objects.filter(
            relationship__program=program,
            relationship__learner__email=personas.RESIDENT.email,
            relationship__kind="mentoring",
            status=MeetingStatus.HELD,
        )
        .select_related("relationship__learner")
        .order_by("starts_at")
    )
    Summary.objects.bulk_create(
        Summary(
            meeting=meeting,
            text="Talked through the research options and what a first abstract needs.",
        )
        for meeting in held
    )
    if not held:
        return
    last, resident = held[-1], held[-1].relationship.learner
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                meeting=last,
                text="Send Samuel the draft abstract for the regional meeting.",
                owner=resident,
                due_date=today + timedelta(days=2),
            ),
            ActionItem(
                meeting=last,
                text="Read the two papers on central-line infections.",
                owner=resident,
                due_date=today - timedelta(days=7),
                done_at=timezone.now(),
            ),
        ]
    )
