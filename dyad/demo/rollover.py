"""The year rollover in the demo (SPEC M10): the pediatrics residency is in the current
academic year already; a small Internal Medicine–Pediatrics residency of the same
institution is still in the last one, so that its coordinator can roll it over and watch
every number move.

As of last year it has three residents at each of PGY-1 to PGY-4, each with a faculty
mentor and a year of meetings; last year's interns have peer mentors (one of them a PGY-4,
who graduates); three PGY-2s volunteer as peer mentors; the new interns have been imported
with the roster, starting on the first day of this year, and have no peer mentor yet.
"""

import random
import uuid
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from dyad.accounts.models import User
from dyad.demo import personas
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile, MeetingMode
from dyad.programs.models import GuidanceKind, Membership, PairingModel, Program, Role
from dyad.relationships.models import Origin, Relationship
from dyad.relationships.services import agreement_acknowledge, relationship_create
from dyad.rollover.models import Rollover

SLUG = "med-peds"
DOMAIN = "riverside.example"
FACULTY = [
    ("Miriam", "Castellano"),
    ("Oluwaseun", "Bankole"),
    ("Ingrid", "Halvorsen"),
    ("Desmond", "Achterberg"),
]
# By PGY level as of last year; the last three are this year's interns.
RESIDENTS = {
    4: [("Farida", "Nasser"), ("Connor", "Whitlock"), ("Yuki", "Tanabe")],
    3: [("Matteo", "Ricciardi"), ("Adaeze", "Okafor"), ("Liam", "Brennagh")],
    2: [("Sofia", "Lindahl"), ("Rahul", "Venkataraman"), ("Chloe", "Marchetti")],
    1: [("Jonah", "Feldkamp"), ("Amara", "Diallo"), ("Kenji", "Morimoto")],
}
INTERNS = [("Zara", "Pemberton"), ("Mateus", "Carvalho"), ("Hollis", "Ngata")]
BIOS = [
    "Med-peds hospitalist; I care for young adults with childhood-onset chronic illness and "
    "help residents plan the move between adult and pediatric practice.",
    "Primary care in a combined clinic; interested in transitions of care and in residents "
    "who want both continuity panels.",
    "Adult and pediatric infectious diseases; I mentor on research design and first abstracts.",
    "Medical educator; I run the program's quality improvement curriculum and like to help "
    "residents find a project they will finish.",
]
GOALS = (
    "Choose between an adult and a pediatric path for the last years; plan one quality "
    "improvement project and a poster."
)


def seed_rollover(program, today) -> None:
    """Give the demo pediatrics program its rollover into the current year, and create the
    Med-Peds program still in the year before."""
    month = program.academic_year_start_month
    year = today.year if today.month >= month else today.year - 1
    Rollover.objects.create(
        program=program,
        year=year,
        state=Rollover.State.RECORDED,
        finished_at=_aware(date(year, month, 1)),
    )
    _med_peds(year - 1, institution=program.institution)


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _person(first, last, password, email=None) -> User:
    email = email or f"{first}.{last}@{DOMAIN}".lower()
    # The same identifier on every run, like the rest of the demo's people.
    ids = random.Random(f"rollover-{email}")
    return User.objects.create(
        uuid=uuid.UUID(int=ids.getrandbits(128), version=4),
        email=email,
        first_name=first,
        last_name=last,
        password=password,
    )


def _med_peds(last_year: int, institution: str) -> None:
    program = Program.objects.create(
        slug=SLUG,
        name="Internal Medicine–Pediatrics Residency",
        specialty="Internal Medicine–Pediatrics",
        institution=institution,
        pairing_model=PairingModel.ASSIGNED,
        max_pgy=4,
    )
    start = date(last_year, 7, 1)
    Rollover.objects.create(
        program=program, year=last_year, state=Rollover.State.RECORDED, finished_at=_aware(start)
    )
    password = make_password(personas.PASSWORD)
    coordinator = _person("Grace", "Whitfield", password, personas.ROLLOVER_COORDINATOR.email)
    Membership.objects.create(program=program, user=coordinator, role=Role.COORDINATOR)
    faculty = []
    areas = list(ContentArea.objects.filter(program=None).order_by("slug"))
    for n, ((first, last), bio) in enumerate(zip(FACULTY, BIOS, strict=True)):
        person = _person(first, last, password)
        Membership.objects.create(program=program, user=person, role=Role.FACULTY)
        profile = GuideProfile.objects.create(
            user=person,
            title="Assistant Professor of Medicine and Pediatrics",
            department="Internal Medicine–Pediatrics",
            bio=bio,
            languages=["English"],
            meeting_modes=[MeetingMode.IN_PERSON, MeetingMode.VIDEO],
            fte_effort=10,
        )
        profile.content_areas.set(areas[n * 2 : n * 2 + 2] if len(areas) >= 8 else areas[:2])
        GuideOffer.objects.create(profile=profile, kind=GuidanceKind.MENTORING, capacity=3)
        faculty.append(person)
    residents: dict[int, list[User]] = {}
    for pgy, names in RESIDENTS.items():
        for first, last in names:
            person = _person(first, last, password)
            Membership.objects.create(
                program=program,
                user=person,
                role=Role.RESIDENT,
                pgy=pgy,
                start_date=date(last_year - pgy + 1, 7, 1),
                expected_end_date=date(last_year - pgy + 5, 6, 30),
            )
            residents.setdefault(pgy, []).append(person)
    for first, last in INTERNS:
        Membership.objects.create(
            program=program,
            user=_person(first, last, password),
            role=Role.RESIDENT,
            pgy=1,
            start_date=date(last_year + 1, 7, 1),
            expected_end_date=date(last_year + 5, 6, 30),
        )
    for person in residents[2] + residents[4][:1]:
        profile = GuideProfile.objects.create(user=person, department="Internal Medicine")
        GuideOffer.objects.create(profile=profile, kind=GuidanceKind.PEER_MENTORING, capacity=2)
    learners = [person for pgy in (4, 3, 2, 1) for person in residents[pgy]]
    pairs = [
        (learner, faculty[i % len(faculty)], GuidanceKind.MENTORING)
        for i, learner in enumerate(learners)
    ]
    peers = [residents[4][0], residents[2][0], residents[2][1]]
    pairs += [
        (intern, peer, GuidanceKind.PEER_MENTORING)
        for intern, peer in zip(residents[1], peers, strict=True)
    ]
    for n, (learner, guide, kind) in enumerate(pairs):
        _pair(program, learner, guide, kind, coordinator, start + timedelta(days=30 + n))


def _pair(program, learner, guide, kind, leader, start: date) -> Relationship:
    relationship = relationship_create(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        origin=Origin.ASSIGNED,
        acting_user=leader,
        start_date=start,
        goals=GOALS,
    )
    agreement = relationship.current_agreement()
    agreement_acknowledge(agreement=agreement, acting_user=learner)
    agreement_acknowledge(agreement=agreement, acting_user=guide)
    Meeting.objects.bulk_create(
        Meeting(
            relationship=relationship,
            starts_at=_aware(start + timedelta(days=days), 16),
            duration_minutes=45,
            mode=MeetingMode.IN_PERSON if days % 2 == 0 else MeetingMode.VIDEO,
            status=MeetingStatus.HELD,
            created_by=learner,
        )
        for days in (10, 70, 150, 240, 300)
    )
    return relationship
