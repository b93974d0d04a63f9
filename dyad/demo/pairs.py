"""The demo program's pairings: evaluative roles, mentors for most residents, coaches and
advisors for some, agreements in every state, one private rematch request and one ended
pairing. Made through the services, as users would make them, so the audit log and the
histories are real. Deterministic for a given seed."""

import random
from datetime import timedelta

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


def build_demo_pairs(program, *, seed: int, year_start, logins) -> None:
    rng = random.Random(f"pairs-{seed}")
    members = list(
        Membership.objects.filter(program=program).select_related("user").order_by("user__email")
    )
    by_role = {}
    for m in members:
        by_role.setdefault(m.role, []).append(m)
    director = by_role[Role.DIRECTOR][0].user
    apds = [m.user for m in by_role.get(Role.ASSOCIATE_DIRECTOR, [])]
    fixed_mentor, fixed_resident = logins[2][0], logins[3][0]

    _evaluative_roles(program, director, apds, by_role, rng, year_start, fixed_mentor)
    mentors = _guides_offering(program, GuidanceKind.MENTORING)
    coaches = _guides_offering(program, GuidanceKind.COACHING)
    residents = sorted(by_role.get(Role.RESIDENT, []), key=lambda m: (m.pgy, m.user.email))

    resident_by_email = {m.user.email: m for m in residents}
    pairs = []
    fixed = resident_by_email[fixed_resident].user
    mentor = next(u for u in mentors if u.email == fixed_mentor)
    pairs.append(
        _pair(
            program,
            fixed,
            mentor,
            GuidanceKind.MENTORING,
            director,
            year_start,
            rng,
            state="active",
            consent=CONSENTS[2],
        )
    )
    if apds:
        pairs.append(
            _pair(
                program,
                fixed,
                apds[0],
                GuidanceKind.ADVISING,
                director,
                year_start,
                rng,
                state="active",
                consent=CONSENTS[1],
            )
        )
    for m in residents:
        if m.user == fixed or rng.random() > (0.75 if m.pgy == 1 else 0.95):
            continue
        state = "proposed" if m.pgy == 1 and rng.random() < 0.3 else "active"
        for guide in rng.sample(mentors, len(mentors)):
            rel = _pair(
                program,
                m.user,
                guide,
                GuidanceKind.MENTORING,
                director,
                year_start,
                rng,
                state=state,
                consent=rng.choice(CONSENTS),
            )
            if rel:
                pairs.append(rel)
                break
    for m in rng.sample(residents, 6):
        for coach in rng.sample(coaches, len(coaches)):
            if _pair(
                program,
                m.user,
                coach,
                GuidanceKind.COACHING,
                director,
                year_start,
                rng,
                state="active",
                consent=rng.choice(CONSENTS),
            ):
                break
    _troubles(pairs, director, rng)


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


def _pair(program, learner, guide, kind, director, year_start, rng, *, state, consent):
    try:
        rel = services.relationship_create(
            program=program,
            learner=learner,
            guide=guide,
            kind=kind,
            origin=rng.choice([Origin.ASSIGNED, Origin.REQUESTED]),
            acting_user=director,
            start_date=year_start + timedelta(days=rng.randint(0, 20)),
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
        if kind != GuidanceKind.ADVISING
        else Frequency.QUARTERLY,
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
    active = [r for r in pairs[2:] if r.state == "active" or r.current_agreement().is_acknowledged]
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


def build_demo_meetings(program, *, seed: int, today) -> None:
    """A history of meetings with varied compliance: most pairs keep the cadence, some
    lapse, a few never met; some have a meeting planned. Dates and modes only, plus a
    preparation and a summary for the demo resident's mentor meetings."""
    from datetime import datetime, time

    from django.utils import timezone

    from dyad.meetings.models import Meeting, MeetingStatus, Preparation, Summary

    rng = random.Random(f"meetings-{seed}")
    zone = timezone.get_current_timezone()
    relationships = program.relationships.filter(state="active").select_related("learner")
    meetings = []
    for rel in relationships.order_by("pk"):
        habit = rng.choices(["keeps", "lapses", "never", "remote"], weights=[6, 2, 1, 1])[0]
        if rel.learner.email == "resident@riverside.example":
            habit = "keeps"
        day = rel.start_date + timedelta(days=rng.randint(5, 25))
        count = 0
        while day < today and habit != "never":
            if habit == "lapses" and count >= 2:
                break
            in_person = habit != "remote" and rng.random() < 0.7
            starts = datetime.combine(day, time(rng.choice([7, 12, 16, 17]), 0), tzinfo=zone)
            meetings.append(
                Meeting(
                    relationship=rel,
                    starts_at=starts,
                    duration_minutes=rng.choice([30, 45, 60]),
                    mode="in_person" if in_person else rng.choice(["video", "phone"]),
                    place="Children's Pavilion, 4th floor lounge" if in_person else "",
                    link="" if in_person else "https://video.riverside.example/mentoring",
                    status=MeetingStatus.HELD,
                )
            )
            count += 1
            gap = 30 if count < 3 else rng.randint(40, 80)
            day += timedelta(days=gap + rng.randint(-4, 4))
        if habit in ("keeps", "remote") and rng.random() < 0.5:
            soon = today + timedelta(days=rng.randint(2, 20))
            meetings.append(
                Meeting(
                    relationship=rel,
                    starts_at=datetime.combine(soon, time(16, 30), tzinfo=zone),
                    duration_minutes=45,
                    mode="in_person",
                    place="Children's Pavilion, 4th floor lounge",
                    status=MeetingStatus.SCHEDULED,
                )
            )
    Meeting.objects.bulk_create(meetings)
    fixed = [
        m
        for m in Meeting.objects.filter(
            relationship__program=program,
            relationship__learner__email="resident@riverside.example",
            relationship__kind="mentoring",
        ).order_by("starts_at")
    ]
    for meeting in fixed:
        if meeting.status == MeetingStatus.HELD:
            Summary.objects.create(
                meeting=meeting,
                text="Talked through the research options and what a first abstract needs.",
            )
        else:
            Preparation.objects.create(
                meeting=meeting,
                goals="Decide on the QI project; ask about the fellowship timeline.",
                progress="Read the two papers Samuel sent.",
                obstacles="Night float this month.",
            )
