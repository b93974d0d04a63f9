"""A small, complete program for cross-cutting tests: every persona of the privacy table
and one object of every kind, built through the services as users would make them."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dyad.accounts.factories import UserFactory
from dyad.audit.models import AuditEntry
from dyad.matching import services as matching_services
from dyad.matching.models import MatchRound, MatchRun, PairRule, Rule
from dyad.meetings import services as meeting_services
from dyad.meetings.models import ActionItem, Attachment, Meeting
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Program, Role, RosterImport
from dyad.relationships import services
from dyad.relationships.models import (
    EvaluativeKind,
    EvaluativeRole,
    GuideRequest,
    Origin,
    Relationship,
    SafetyConcern,
)

PERSONAS = [
    "anonymous",
    "stranger",
    "outsider",
    "learner",
    "guide",
    "other_learner",
    "other_guide",
    "evaluator",
    "coordinator",
    "director",
    "external_coach",
    "gme_admin",
]


@dataclass
class World:
    program: Program
    other_program: Program
    people: dict
    relationship: Relationship
    other_relationship: Relationship
    guide_request: GuideRequest
    evaluative_role: EvaluativeRole
    concern: SafetyConcern
    roster_import: RosterImport
    audit_entry: AuditEntry
    meeting: Meeting
    action_item: ActionItem
    attachment: Attachment
    resources: dict
    training_module: Any
    match_round: MatchRound
    match_run: MatchRun
    pair_rule: PairRule
    other_match_round: MatchRound
    goals: dict | None = None
    coaching: dict | None = None
    feedback: dict | None = None
    surveys: dict | None = None
    sso_apps: dict | None = None
    faculty: dict | None = None
    expectations: dict | None = None
    checkins: dict | None = None
    rollover: Any = None

    def user(self, persona):
        return self.people.get(persona)


def _member(program, role, email, **kwargs):
    return MembershipFactory(program=program, role=role, user__email=email, **kwargs).user


def build_world() -> World:
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    other_program = ProgramFactory(name="Surgery Residency", slug="surgery")
    p = {
        "stranger": UserFactory(email="stranger@example.org"),
        "outsider": _member(other_program, Role.DIRECTOR, "outsider@example.org"),
        "learner": _member(program, Role.RESIDENT, "learner@example.org", pgy=2),
        "other_learner": _member(program, Role.RESIDENT, "other.learner@example.org", pgy=1),
        "guide": _member(program, Role.FACULTY, "guide@example.org"),
        "other_guide": _member(program, Role.FACULTY, "other.guide@example.org"),
        "evaluator": _member(program, Role.FACULTY, "evaluator@example.org"),
        "coordinator": _member(program, Role.COORDINATOR, "coordinator@example.org"),
        "director": _member(program, Role.DIRECTOR, "director@example.org"),
    }
    for persona in ("guide", "other_guide", "evaluator"):
        GuideProfileFactory(user=p[persona], offers={GuidanceKind.MENTORING: 3})
    director = p["director"]
    evaluative_role = services.evaluative_role_create(
        program=program,
        evaluator=p["evaluator"],
        kind=EvaluativeKind.CCC_MEMBER,
        start_date=date(2020, 7, 1),
        acting_user=director,
    )
    relationship = services.relationship_create(
        program=program,
        learner=p["learner"],
        guide=p["guide"],
        kind=GuidanceKind.MENTORING,
        origin=Origin.ASSIGNED,
        acting_user=director,
        goals="Find a research project in neonatology; plan fellowship applications.",
    )
    agreement = relationship.current_agreement()
    services.agreement_acknowledge(agreement=agreement, acting_user=p["learner"])
    services.agreement_acknowledge(agreement=agreement, acting_user=p["guide"])
    services.rematch_request_create(
        relationship=relationship, acting_user=p["learner"], reason="We never find time."
    )
    concern = services.safety_concern_raise(
        relationship=relationship,
        acting_user=p["guide"],
        description="Seemed exhausted and withdrawn at our last meeting.",
    )
    guide_request = services.guide_request_create(
        program=program,
        learner=p["other_learner"],
        guide=p["guide"],
        kind=GuidanceKind.MENTORING,
        message="I would love your advice on research.",
        acting_user=p["other_learner"],
    )
    # A relationship of the other program, to ask for it through ours.
    surgeon = _member(other_program, Role.FACULTY, "surgeon@example.org")
    GuideProfileFactory(user=surgeon)
    surgery_resident = _member(other_program, Role.RESIDENT, "surgery.resident@example.org")
    other_relationship = services.relationship_create(
        program=other_program,
        learner=surgery_resident,
        guide=surgeon,
        kind=GuidanceKind.MENTORING,
        origin=Origin.ASSIGNED,
        acting_user=p["outsider"],
    )
    meeting = meeting_services.meeting_schedule(
        relationship=relationship,
        acting_user=p["learner"],
        starts_at=timezone.now() + timedelta(days=7),
        duration_minutes=45,
        mode="in_person",
        place="Clinic B, room 4",
    )
    meeting_services.preparation_save(
        meeting=meeting,
        acting_user=p["learner"],
        goals="PREPARATION-SECRET",
        progress="",
        obstacles="",
    )
    meeting_services.summary_save(
        meeting=meeting, acting_user=p["guide"], text="SUMMARY-SECRET", topics=[]
    )
    attachment = meeting_services.attachment_add(
        meeting=meeting,
        acting_user=p["learner"],
        upload=SimpleUploadedFile("ATTACHMENT-SECRET-draft.txt", b"ATTACHMENT-CONTENT-SECRET"),
    )
    action_item = meeting_services.action_item_add(
        meeting=meeting, acting_user=p["guide"], text="ACTION-SECRET", owner=p["learner"]
    )
    for persona in ("learner", "guide"):
        meeting_services.private_note_save(
            meeting=meeting, author=p[persona], text=f"PRIVATE-NOTE-OF-{persona.upper()}"
        )
    resources = _resources(program, p["director"])
    training_module = _training(program, p["director"])
    roster_import = RosterImport.objects.create(
        program=program,
        uploaded_by=p["coordinator"],
        filename="roster.csv",
        content="Email,First Name,Last Name,PGY\nnew.intern@example.org,New,Intern,1\n",
    )
    match_round, match_run, pair_rule, other_match_round = _match_rounds(
        program, other_program, p, surgeon
    )
    coaching = _coaching(program, p)
    p["gme_admin"] = _gme_admin(program)
    return World(
        program=program,
        other_program=other_program,
        people=p,
        relationship=relationship,
        other_relationship=other_relationship,
        guide_request=guide_request,
        evaluative_role=evaluative_role,
        concern=concern,
        roster_import=roster_import,
        audit_entry=AuditEntry.objects.filter(program=program).first(),
        meeting=meeting,
        action_item=action_item,
        attachment=attachment,
        resources=resources,
        training_module=training_module,
        match_round=match_round,
        match_run=match_run,
        pair_rule=pair_rule,
        other_match_round=other_match_round,
        goals=_goals(relationship, other_relationship),
        faculty=_faculty_portfolio(relationship),  # after goals: links to its goal
        coaching=coaching,
        feedback=_feedback(program, p),
        surveys=_surveys(program, p),
        sso_apps=_sso_apps(),
        expectations=_expectations(program, p["director"]),
        checkins=_checkins(relationship),
        rollover=_rollover(program),
    )


def _resources(program, director):
    """The library: a document for the learners, a link for the guides."""
    from dyad.resources.models import Audience
    from dyad.resources.services import resource_add

    common = {"program": program, "acting_user": director, "description": "", "kind": ""}
    return {
        "learners": resource_add(
            **common,
            title="RESOURCE-FOR-LEARNERS",
            audience=Audience.LEARNERS,
            upload=SimpleUploadedFile("orientation.txt", b"Welcome to mentoring."),
        ),
        "guides": resource_add(
            **common,
            title="RESOURCE-FOR-GUIDES",
            audience=Audience.GUIDES,
            link="https://example.org/mentor-orientation",
        ),
    }


def _training(program, director):
    """A module the program offers but does not require (the world's pairings predate it)."""
    from dyad.training.services import module_save

    return module_save(
        program=program,
        acting_user=director,
        title="Mentor orientation",
        description="",
        valid_months=24,
        required_for=[],
    )


def _match_rounds(program, other_program, p, surgeon):
    """An open mentoring round of the residents (learner, other_learner) with the three
    faculty guides: lists, a mark, one run and a forbidden pair; and a round of the other
    program."""
    director = p["director"]
    match_round = matching_services.round_open(
        program=program,
        acting_user=director,
        name="Mentors for the residents",
        kind=GuidanceKind.MENTORING,
        learner_roles=[Role.RESIDENT],
        guides=[p["guide"], p["other_guide"], p["evaluator"]],
        deadline=timezone.now() + timedelta(days=7),
    )
    for learner, guides in (
        ("learner", ["other_guide"]),
        ("other_learner", ["guide", "other_guide"]),
    ):
        matching_services.ranking_save(
            match_round=match_round,
            learner=p[learner],
            guides=[p[g] for g in guides],
            acting_user=p[learner],
        )
    matching_services.guide_marks_save(
        match_round=match_round,
        guide=p["other_guide"],
        marks={p["other_learner"]: ("prefer", None)},
        acting_user=p["other_guide"],
    )
    match_run = matching_services.round_run(match_round=match_round, acting_user=director)
    pair_rule = matching_services.pair_rule_add(
        match_round=match_round,
        learner=p["learner"],
        guide=p["guide"],
        rule=Rule.FORBID,
        acting_user=director,
    )
    other_match_round = matching_services.round_open(
        program=other_program,
        acting_user=p["outsider"],
        name="Surgery mentors",
        kind=GuidanceKind.MENTORING,
        learner_roles=[Role.RESIDENT],
        guides=[surgeon],
        deadline=timezone.now() + timedelta(days=7),
    )
    return match_round, match_run, pair_rule, other_match_round


def _goals(relationship, other_relationship):
    """A goal of the world's pairing with a step, a personal goal the learner keeps to
    themself, a success, and a goal of the other program."""
    from dyad.goals.factories import make_achievement, make_goal
    from dyad.goals.services import step_add

    goal = make_goal(relationship=relationship, title="RELATIONSHIP-GOAL-SECRET present a poster")
    personal = make_goal(
        program=relationship.program,
        learner=relationship.learner,
        title="PERSONAL-GOAL-SECRET run a half marathon",
    )
    return {
        "goal": goal,
        "personal": personal,
        "step": step_add(goal=goal, acting_user=relationship.learner, text="Draft the abstract"),
        "achievement": make_achievement(
            program=relationship.program,
            learner=relationship.learner,
            title="ACHIEVEMENT-SECRET best poster award",
        ),
        "other_program_goal": make_goal(relationship=other_relationship),
        "ilp": _ilp(relationship),
        "other_program_ilp": _other_program_ilp(other_relationship),
    }


def _other_program_ilp(relationship):
    from dyad.goals import services as goal_services
    from dyad.goals.selectors import current_year

    return goal_services.ilp_start(
        program=relationship.program,
        learner=relationship.learner,
        year=current_year(relationship.program),
        acting_user=relationship.learner,
    )


def _ilp(relationship):
    """The learner's learning plan for this year, shared with the world's guide, who
    reviewed it once (version 1 kept): the pairing's consent does not cover it."""
    from dyad.goals import services as goal_services
    from dyad.goals.selectors import current_year

    learner, guide = relationship.learner, relationship.guide
    ilp = goal_services.ilp_start(
        program=relationship.program,
        learner=learner,
        year=current_year(relationship.program),
        acting_user=learner,
    )
    goal_services.ilp_update(
        ilp=ilp, acting_user=learner, strengths="ILP-SECRET calm in codes", timeline="Oct: QI"
    )
    goal_services.ilp_goal_add(
        ilp=ilp,
        acting_user=learner,
        title="ILP-GOAL-SECRET lead sign-out",
        competency="ics",
        measure="10 sign-outs observed",
    )
    goal_services.ilp_share(ilp=ilp, acting_user=learner, shared_with=[relationship])
    goal_services.ilp_submit(ilp=ilp, acting_user=learner)
    goal_services.ilp_review(ilp=ilp, acting_user=guide, note="ILP-REVIEW-SECRET on track")
    return ilp


def _coaching(program, p):
    """Coaching offered in all three ways; the external coach (invited by the director,
    added to the people as a persona) and a resident who is not a persona, referred by the
    director to coaching with them; the resident shares their values with the coach."""
    from dyad.coaching import services as coaching_services

    director = p["director"]
    coaching_services.coaching_settings_save(
        program=program, program_wide=True, targeted=True, executive=True, acting_user=director
    )
    p["external_coach"] = coaching_services.external_coach_invite(
        program=program,
        email="external.coach@example.org",
        first_name="Erin",
        last_name="Outside-Coach",
        agency="Summit Coaching",
        capacity=3,
        acting_user=director,
    )
    p["external_coach"].set_password("correct-horse-battery")
    p["external_coach"].save()
    coachee = _member(program, Role.RESIDENT, "coachee@example.org", pgy=2)
    referral = coaching_services.referral_create(
        program=program,
        learner=coachee,
        coach=p["external_coach"],
        start_date=timezone.localdate(),
        planned_end=timezone.localdate() + timedelta(days=120),
        cadence="biweekly",
        acting_user=director,
    )
    relationship = referral.engagement.relationship
    coaching_services.values_save(
        program=program,
        acting_user=coachee,
        ranked=["Integrity", "Curiosity"],
        reflections={"lived": "VALUES-REFLECTION-SECRET"},
    )
    coaching_services.values_share_set(
        program=program, acting_user=coachee, relationships=[relationship]
    )
    return {"coachee": coachee, "referral": referral, "engagement": referral.engagement}


def _feedback(program, p):
    """A coaching relationship of the learner with the guide, and three 360° cycles: one
    being prepared (a junior named), one open (a peer's link unused) and one closed with
    three peers' answers and a comment."""
    from dyad.feedback.factories import answer, make_cycle, token_for
    from dyad.profiles.models import GuideOffer

    GuideOffer.objects.create(
        profile=p["guide"].guide_profile, kind=GuidanceKind.COACHING, capacity=1
    )
    coaching = services.relationship_create(
        program=program,
        learner=p["learner"],
        guide=p["guide"],
        kind=GuidanceKind.COACHING,
        origin=Origin.ASSIGNED,
        acting_user=p["director"],
        goals="Lead the ward team as a chief resident.",
    )
    agreement = coaching.current_agreement()
    services.agreement_acknowledge(agreement=agreement, acting_user=p["learner"])
    services.agreement_acknowledge(agreement=agreement, acting_user=p["guide"])
    coaching.refresh_from_db()
    closed = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    for rater in closed.raters.all():
        answer(rater, texts=("FEEDBACK-COMMENT-SECRET", ""))
    draft = make_cycle(coaching, raters={"junior": 1})
    open_cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)
    return {
        "relationship": coaching,
        "draft": draft,
        "open": open_cycle,
        "closed": closed,
        "token": token_for(open_cycle.raters.get()),
    }


# A self-signed certificate for the world's SAML IdP (no key: nothing is signed with it).
WORLD_IDP_CERT = (
    "MIIDJTCCAg2gAwIBAgIUQZZk8X/IOSh+tP8ngPShq/PvUjIwDQYJKoZIhvcNAQELBQAwITEfMB0G"
    "A1UEAwwWaWRwLnVuaXZlcnNpdHkuZXhhbXBsZTAgFw0yNjEyMDMwOTIzNTJaGA8yMTI2MTEwOTA5"
    "MjM1MlowITEfMB0GA1UEAwwWaWRwLnVuaXZlcnNpdHkuZXhhbXBsZTCCASIwDQYJKoZIhvcNAQEB"
    "BQADggEPADCCAQoCggEBALxIG9DX55ZeQ2FcVId5ozOJevc++lGQTYt0oLUG5bZnlKqVOwU8L/ig"
    "YZkY7TlGnKUydeC5aIavM09hcedNNQbhIvxRU30xrBrjJcH1XSlU8O5wlh08ncHja/c0e6UR02Hx"
    "Iq5fcE/rVj0S+ZwoCUtwMea6AEwlzvkKO8S1W9S1R+XFP1/3kQuL88CLC5I4uCHCb1VP/OS+Vjkn"
    "Am/oivYdrIXR7IkwJZNiicm5N67srVH73foLO+xGxxMiXKEb1Bz1+pKNL70X3pOTZWIf11lXLXvu"
    "PhYH6gb2JC0T+WbHdM6zIEuCqJ048KHtrlDtHOyo9ATlpDHAUTJoFxf6Bg8CAwEAAaNTMFEwHQYD"
    "VR0OBBYEFEhL33cCVvVN3mpjZubQKdHcDpvsMB8GA1UdIwQYMBaAFEhL33cCVvVN3mpjZubQKdHc"
    "DpvsMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAEo2rEwy8zoF6UxGTUEnGRma"
    "7/Y5UFcdmaH8nB+LpeZ531tlivokSsYKg8GhhEQu3PeyWouxkpy836Fvt5VBVKHZfLjjcEprWAtf"
    "DWVRaLBF3KZNHbgpkCqyMif4KPjAx3v7PNInk9isBie0y2VCpVusEjPVQ74Q+aUFbb/gkZbUhrn0"
    "Vj9weHezs4HRBOBQvB3QBLIU6/sjxwrKZ+/UHWz73slf+Yv22bVJJNeBKTdi3rHzfz6zxtaIb+BG"
    "iUXl0zVDKDwfbLLyEaXzSWikPvVH2TrcZ2d6eeMXHsMUrs5beEiEDCDSeMFtzK5raIOcS8VMgV5y"
    "az/4jsPIbCKEolc="
)


def _sso_apps() -> dict:
    """Two institutions' identity providers, as an admin enters them: one OpenID Connect,
    one SAML. Nothing listens at their addresses; tests/browser/test_sso.py signs in through
    real ones."""
    from allauth.socialaccount.models import SocialApp

    oidc = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="hospital",
        name="Children's Hospital",
        client_id="dyad",
        secret="not-a-secret",
        settings={"server_url": "http://127.0.0.1:9/"},
    )
    saml = SocialApp.objects.create(
        provider="saml",
        provider_id="https://idp.university.example/",
        client_id="university",
        name="State University",
        settings={
            "idp": {
                "entity_id": "https://idp.university.example/",
                "sso_url": "https://idp.university.example/sso",
                "x509cert": WORLD_IDP_CERT,
            },
            # The test client's host, "testserver", has no dot.
            "advanced": {"allow_single_label_domains": True},
        },
    )
    return {"oidc": oidc, "saml": saml}


def _faculty_portfolio(relationship):
    """A success the learner linked to the goal of their pairing with the world's guide:
    the guide's mentoring portfolio lists it; leaders never read it there."""
    from dyad.goals.factories import make_achievement
    from dyad.goals.models import Goal

    goal = Goal.objects.get(relationship=relationship, title__startswith="RELATIONSHIP-GOAL")
    success = make_achievement(
        program=relationship.program,
        learner=relationship.learner,
        goal=goal,
        title="PORTFOLIO-SUCCESS-SECRET first-author paper",
    )
    return {"success": success}


def _gme_admin(program):
    """Someone of the GME office of the world program's institution, member of no program
    (the other program belongs to another institution)."""
    from dyad.programs.models import InstitutionAdmin

    Program.objects.exclude(pk=program.pk).update(institution="Lakeside Medical Center")
    user = UserFactory(email="gme.office@example.org")
    InstitutionAdmin.objects.create(user=user, institution=program.institution)
    return user


def _surveys(program, p):
    """Three survey cycles to the program's learners: one scheduled for next month, one
    open (nobody has answered), one closed that the learner answered, with five earlier
    respondents' answers and comments (enough for results to be shown)."""
    from dyad.surveys import services as survey_services
    from dyad.surveys.factories import answer, make_cycle, past_responses

    director = p["director"]
    closed = make_cycle(program, by=director, audience="learners", open_it=True, name="Mid-year")
    answer(closed, p["learner"], text="SURVEY-COMMENT-SECRET")
    past_responses(closed, 5, text="An earlier comment")
    survey_services.cycle_close(cycle=closed, acting_user=director)
    open_cycle = make_cycle(
        program, by=director, audience="learners", open_it=True, name="End of year"
    )
    scheduled = survey_services.cycle_create(
        program=program,
        acting_user=director,
        name="Next mid-year",
        audience="both",
        opens_on=timezone.localdate() + timedelta(days=30),
        closes_on=timezone.localdate() + timedelta(days=51),
    )
    comment = closed.questions.filter(kind="text").first().answers.first()
    return {
        "closed": closed,
        "open": open_cycle,
        "scheduled": scheduled,
        "question": program.survey_questions.first(),
        "comment": comment,
    }


def _expectations(program, director):
    """This year's expectations sent: a request for every learner and every guide, none
    acknowledged yet; no leader has agreed to the consent terms."""
    from dyad.expectations.selectors import current_year, latest_documents
    from dyad.expectations.services import expectations_send_year

    year = current_year(program)
    expectations_send_year(program=program, year=year, acting_user=director)
    return {"year": year, **latest_documents(program, year)}


def _checkins(relationship):
    """The learner's low pairing-fit check-in of the world's pairing, not yet followed up.
    Stored as answered (the world's pairing has held no meeting, so none is due through
    the service): only the learner and the leaders may ever read it."""
    from dyad.checkins.factories import CheckInFactory

    low = CheckInFactory(
        relationship=relationship,
        rater=relationship.learner,
        rating=1,
        comment="CHECKIN-COMMENT-SECRET",
    )
    return {"low": low}


def _rollover(program):
    """The program's last rollover: the academic year before the current one, so that its
    page offers the rollover into the current year."""
    from dyad.rollover.models import Rollover
    from dyad.rollover.services import current_year

    return Rollover.objects.create(
        program=program,
        year=current_year(program) - 1,
        state=Rollover.State.RECORDED,
        finished_at=timezone.now(),
    )
