"""The moments a new user meets on their home page, made on purpose rather than left to
chance: a request waiting for the demo mentor and one about to expire, a meeting the
mentor has not logged, a wellbeing concern for the designated contacts, a match round
open for ranking, and the demo senior's peer mentee whose agreement waits for them.

Made through the services where their rules hold for a demo made today, so that the
audit log and the e-mails are real; dates a service would set to "now" are then moved
back, as if the demo had been running for a while."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from dyad.demo import personas
from dyad.demo.pairs import CONSENTS, PAVILION, reserved_interns
from dyad.matching import services as matching
from dyad.matching.selectors import pool_candidates
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services
from dyad.relationships.models import (
    Frequency,
    GuideRequest,
    Origin,
    Relationship,
    Scheduler,
    State,
)

REQUEST_MESSAGE = (
    "I am an intern interested in neonatology and in quality improvement. Your work on "
    "central-line infections is exactly what I would like to learn about: would you be "
    "my mentor?"
)
EXPIRING_MESSAGE = (
    "I would love a mentor who knows the hospitalist job market and can help me plan a "
    "small project this year."
)
CONCERN = (
    "My mentee told me she has been sleeping very little for weeks and feels she cannot "
    "ask for help. I said I would let the program's contacts know, with her agreement."
)


def build_demo_states(program, *, today) -> None:
    people = _people(program)
    interns = people["interns"]
    _request_waiting(program, people["mentor"], interns[0])
    _request_expiring(program, interns[1])
    _meeting_not_logged(program, people["mentor"], today)
    _concern(program, people["director"], people["apds"])
    _match_round(program, people["director"], today)
    _peer_agreement_waiting(program, people["senior"], interns[2], people["director"], today)


def _people(program) -> dict:
    members = Membership.objects.filter(program=program).select_related("user")
    by_email = {m.user.email: m.user for m in members}
    interns = reserved_interns([m for m in members if m.role == Role.RESIDENT])
    return {
        "director": by_email[personas.DIRECTOR.email],
        "mentor": by_email[personas.MENTOR.email],
        "senior": by_email[personas.SENIOR.email],
        "apds": [m.user for m in members if m.role == Role.ASSOCIATE_DIRECTOR],
        "interns": interns,
    }


def _request_waiting(program, mentor, intern) -> None:
    services.guide_request_create(
        program=program,
        learner=intern,
        guide=mentor,
        kind=GuidanceKind.MENTORING,
        message=REQUEST_MESSAGE,
        acting_user=intern,
    )


def _request_expiring(program, intern) -> None:
    """A request to a guide with room (a hospitalist if one has), sent long enough ago to
    expire tomorrow."""
    offers = sorted(
        pool_candidates(program, GuidanceKind.MENTORING),
        key=lambda offer: "Hospital" not in offer.profile.division,
    )
    for offer in offers:
        guide = offer.profile.user
        if offer.remaining == 0 or not offer.profile.accepting_new:
            continue
        if guide.email == personas.MENTOR.email:
            continue
        try:
            request = services.guide_request_create(
                program=program,
                learner=intern,
                guide=guide,
                kind=GuidanceKind.MENTORING,
                message=EXPIRING_MESSAGE,
                acting_user=intern,
            )
        except services.RelationshipError:
            continue  # this guide evaluates the intern: ask another
        sent = timezone.now() - services.request_expiry(program) + timedelta(days=1)
        GuideRequest.objects.filter(pk=request.pk).update(
            created_at=sent, expires_at=sent + services.request_expiry(program)
        )
        return


def _meeting_not_logged(program, mentor, today) -> None:
    """The coaching meeting of two days ago is still "scheduled": the mentor is asked to
    log whether it took place."""
    coaching = Relationship.objects.get(program=program, guide=mentor, kind=GuidanceKind.COACHING)
    Meeting.objects.create(
        relationship=coaching,
        starts_at=datetime.combine(
            today - timedelta(days=2), time(12, 0), tzinfo=timezone.get_current_timezone()
        ),
        duration_minutes=30,
        mode="in_person",
        place=PAVILION,
        status=MeetingStatus.SCHEDULED,
        created_by=coaching.learner,
    )


def _concern(program, director, apds) -> None:
    """The director and the first associate director receive concerns; a faculty mentor
    (not a demo login) raised one about a resident."""
    services.safety_contacts_set(program=program, users=[director, *apds[:1]], acting_user=director)
    relationship = (
        Relationship.objects.filter(
            program=program, kind=GuidanceKind.MENTORING, state=State.ACTIVE
        )
        .exclude(guide__email__in=[p.email for p in personas.PERSONAS])
        .exclude(guide__in=[director, *apds])
        .exclude(learner__email__in=[p.email for p in personas.PERSONAS])
        .order_by("pk")
        .select_related("guide")
        .first()
    )
    services.safety_concern_raise(
        relationship=relationship, acting_user=relationship.guide, description=CONCERN
    )


def _match_round(program, director, today) -> None:
    """Interns rank coaches until ten days from now; the demo mentor is in the pool."""
    coaches = [
        offer.profile.user
        for offer in pool_candidates(program, GuidanceKind.COACHING)
        if offer.remaining > 0
    ]
    matching.round_open(
        program=program,
        acting_user=director,
        name="Intern coaching match",
        kind=GuidanceKind.COACHING,
        learner_roles=[Role.RESIDENT],
        pgy_levels=[1],
        guides=coaches,
        deadline=datetime.combine(
            today + timedelta(days=10), time(17, 0), tzinfo=timezone.get_current_timezone()
        ),
    )


def _peer_agreement_waiting(program, senior, intern, director, today) -> None:
    """The demo senior peer-mentors an intern; the intern has acknowledged the agreement,
    the senior has not yet."""
    relationship = services.relationship_create(
        program=program,
        learner=intern,
        guide=senior,
        kind=GuidanceKind.PEER_MENTORING,
        origin=Origin.ASSIGNED,
        acting_user=director,
        start_date=today - timedelta(days=5),
    )
    agreement = services.agreement_revise(
        relationship=relationship,
        acting_user=intern,
        goals="Get through the first months of intern year well: nights, feedback, sleep.",
        meeting_frequency=Frequency.MONTHLY,
        scheduler=Scheduler.LEARNER,
        preferred_modes=["in_person", "phone"],
        confidentiality=relationship.current_agreement().confidentiality,
        consent=CONSENTS[0],
    )
    services.agreement_acknowledge(agreement=agreement, acting_user=intern)
