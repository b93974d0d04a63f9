from collections import Counter
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import models
from django.test import RequestFactory

from dyad.accounts.models import User
from dyad.audit.models import AuditEntry
from dyad.demo import generator as demo
from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile, LearnerProfile
from dyad.programs.models import GuidanceKind, Membership, Program, Role

TODAY = date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _clock_on_today():
    """The services the demo goes through read the clock: keep it on TODAY."""
    with time_machine.travel(datetime(2026, 9, 15, 12, 0, tzinfo=UTC), tick=False):
        yield


def snapshot():
    """Everything the demo writes, as plain values that two runs can be compared by."""
    users = sorted(User.objects.values_list("email", "first_name", "last_name", "uuid"))
    memberships = sorted(
        Membership.objects.values_list(
            "user__email", "program__slug", "role", "pgy", "track", "start_date",
            "expected_end_date", "external_id",
        )
    )  # fmt: skip
    guides = sorted(
        (
            g.user.email, g.title, g.division, g.bio, g.skills, g.career_path,
            g.clinical_interests, g.outside_interests, g.languages, g.meeting_modes,
            g.accepting_new, g.fte_effort,
            sorted(a.slug for a in g.content_areas.all()),
            sorted((o.kind, o.capacity) for o in g.offers.all()),
        )
        for g in GuideProfile.objects.select_related("user").prefetch_related(
            "content_areas", "offers"
        )
    )  # fmt: skip
    learners = sorted(
        (
            p.user.email, p.interests, p.career_goals, p.outside_interests, p.languages,
            sorted(a.slug for a in p.content_areas_sought.all()),
        )
        for p in LearnerProfile.objects.select_related("user").prefetch_related(
            "content_areas_sought"
        )
    )  # fmt: skip
    programs = sorted(Program.objects.values_list("slug", "name", "specialty", "institution"))
    return {
        "programs": programs,
        "users": users,
        "memberships": memberships,
        "guides": guides,
        "learners": learners,
    }


def wipe():
    AuditEntry.objects.all().delete()  # the log protects the programs it speaks of
    Program.objects.all().delete()
    User.objects.all().delete()


def roles(**filters):
    return Counter(Membership.objects.filter(**filters).values_list("role", flat=True))


@pytest.mark.django_db
def test_demo_is_the_same_every_run():
    demo.build_demo_program(today=TODAY)
    first = snapshot()
    wipe()
    demo.build_demo_program(today=TODAY)
    assert snapshot() == first
    assert len(first["users"]) > 70


@pytest.mark.django_db
def test_another_seed_gives_other_people():
    demo.build_demo_program(today=TODAY)
    first = snapshot()
    wipe()
    demo.build_demo_program(today=TODAY, seed=7)
    assert snapshot()["users"] != first["users"]


@pytest.mark.django_db
def test_demo_has_three_classes_of_twelve_and_chiefs_without_pgy():
    program = demo.build_demo_program(today=TODAY)
    assert (program.slug, program.name, program.institution) == (
        "peds",
        "Pediatrics Residency",
        "Riverside University Hospital",
    )
    residents = Membership.objects.filter(program=program, role=Role.RESIDENT)
    assert Counter(residents.values_list("pgy", flat=True)) == {1: 12, 2: 12, 3: 12}
    interns = residents.filter(pgy=1)
    assert set(interns.values_list("start_date", flat=True)) == {date(2026, 7, 1)}
    assert set(interns.values_list("expected_end_date", flat=True)) == {date(2029, 6, 30)}
    assert {"Categorical", "Primary care"} <= set(residents.values_list("track", flat=True))
    chiefs = Membership.objects.filter(program=program, role=Role.CHIEF_RESIDENT)
    assert 2 <= chiefs.count() <= 3
    assert not chiefs.filter(pgy__isnull=False).exists()


@pytest.mark.django_db
def test_demo_has_leadership_and_about_thirty_faculty_guides():
    demo.build_demo_program(today=TODAY)
    # Of the pediatrics program: the demo's second program is there for the year rollover.
    counts = roles(program__slug="peds")
    assert counts[Role.DIRECTOR] == 1
    assert counts[Role.ASSOCIATE_DIRECTOR] == 2
    assert counts[Role.COORDINATOR] == 1
    assert 28 <= counts[Role.FACULTY] <= 32
    faculty = User.objects.filter(memberships__role=Role.FACULTY)
    assert not faculty.filter(guide_profile__isnull=True).exists()
    assert len({g.division for g in GuideProfile.objects.filter(user__in=faculty)}) >= 10
    leaders = GuideProfile.objects.filter(
        user__memberships__role__in=[Role.DIRECTOR, Role.ASSOCIATE_DIRECTOR]
    )
    assert leaders.count() == 3
    assert all(g.offers.filter(kind=GuidanceKind.ADVISING).exists() for g in leaders)


@pytest.mark.django_db
def test_demo_profiles_vary():
    demo.build_demo_program(today=TODAY)
    offers = Counter(GuideOffer.objects.values_list("kind", flat=True))
    assert offers[GuidanceKind.MENTORING] > offers[GuidanceKind.COACHING] > 0
    assert offers[GuidanceKind.PEER_MENTORING] >= 2
    assert set(GuideOffer.objects.values_list("capacity", flat=True)) <= {1, 2, 3}
    peers = GuideProfile.objects.filter(user__memberships__pgy=3)
    assert peers.exists()
    assert all({o.kind for o in p.offers.all()} == {GuidanceKind.PEER_MENTORING} for p in peers)
    profiles = GuideProfile.objects.exclude(user__memberships__role=Role.RESIDENT).exclude(
        user__memberships__role=Role.EXTERNAL_COACH  # the agency's coach: no FTE here
    )
    assert len({p.bio for p in profiles}) == profiles.count()
    assert all(2 <= p.content_areas.count() <= 6 for p in profiles)
    assert all(5 <= p.fte_effort <= 25 for p in profiles)
    languages = {lang for p in profiles for lang in p.languages}
    assert {"English", "Spanish"} <= languages
    assert LearnerProfile.objects.count() >= 30
    own_area = ContentArea.objects.get(program__slug="peds")
    assert own_area.name == "Child advocacy & policy"
    assert own_area.guides.exists() or own_area.learners.exists()


@pytest.mark.django_db
def test_demo_e_mails_are_firstname_lastname():
    demo.build_demo_program(today=TODAY)
    fixed = {email for email, _ in demo.DEMO_LOGINS}
    for user in User.objects.exclude(email__in=fixed):
        local, domain = user.email.split("@")
        assert domain == "riverside.example"
        assert local.count(".") == 1, user.email


@pytest.mark.django_db
@pytest.mark.parametrize("email", [email for email, _ in demo.DEMO_LOGINS])
def test_demo_logins_work_with_the_known_password(email):
    demo.build_demo_program(today=TODAY)
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username=email, password=demo.DEMO_PASSWORD)
    assert user is not None
    assert user.full_name


@pytest.mark.django_db
def test_demo_login_roles():
    program = demo.build_demo_program(today=TODAY)
    role_of = {
        m.user.email: (m.role, m.pgy)
        for m in Membership.objects.filter(program=program).select_related("user")
    }
    assert role_of["director@riverside.example"] == (Role.DIRECTOR, None)
    assert role_of["coordinator@riverside.example"] == (Role.COORDINATOR, None)
    assert role_of["mentor@riverside.example"] == (Role.FACULTY, None)
    assert role_of["resident@riverside.example"] == (Role.RESIDENT, 2)


@pytest.mark.django_db
def test_command_seeds_an_empty_database_and_prints_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Program.objects.filter(slug="peds").exists()
    assert "director@riverside.example" in out.getvalue()
    assert demo.DEMO_PASSWORD in out.getvalue()


@pytest.mark.django_db
def test_command_twice_leaves_the_database_unchanged():
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == before
    assert "not empty" in out.getvalue()
    assert "resident@riverside.example" in out.getvalue()


@pytest.mark.django_db
def test_command_leaves_a_database_with_other_programs_alone(program):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert list(Program.objects.all()) == [program]
    assert "not empty" in out.getvalue()
    assert "Demo logins" not in out.getvalue()


@pytest.mark.django_db
def test_institution_has_the_requested_counts():
    counts = demo.build_institution(programs=3, residents=50, faculty=40, seed=1, today=TODAY)
    assert Program.objects.count() == 3
    assert Membership.objects.filter(role=Role.RESIDENT).count() == 50
    assert User.objects.filter(memberships__role=Role.FACULTY).distinct().count() == 40
    assert roles()[Role.DIRECTOR] == 3
    assert roles()[Role.COORDINATOR] == 3
    assert User.objects.count() == counts["users"] == 50 + 40 + 3
    assert GuideProfile.objects.count() == counts["guide profiles"] >= 40
    assert LearnerProfile.objects.count() == counts["learner profiles"]
    assert GuideProfile.content_areas.through.objects.count() >= 80
    assert all(m.program.max_pgy >= m.pgy for m in Membership.objects.filter(pgy__isnull=False))


@pytest.mark.django_db
def test_institution_is_the_same_every_run():
    demo.build_institution(programs=3, residents=30, faculty=20, seed=5, today=TODAY)
    first = snapshot()
    wipe()
    demo.build_institution(programs=3, residents=30, faculty=20, seed=5, today=TODAY)
    assert snapshot() == first


@pytest.mark.django_db
def test_command_builds_an_institution():
    out = StringIO()
    call_command("seed_demo", "--programs", "2", "--residents", "10", "--faculty", "8", stdout=out)
    assert Program.objects.count() == 2
    assert Membership.objects.filter(role=Role.RESIDENT).count() == 10
    assert "Created 2 programs" in out.getvalue()


@pytest.mark.django_db
def test_demo_has_pairings_in_every_state_and_no_evaluator_mentors():
    from dyad.relationships import selectors as rel_selectors
    from dyad.relationships.models import EvaluativeRole, Relationship, RematchRequest, State

    program = demo.build_demo_program(today=TODAY)
    relationships = Relationship.objects.filter(program=program)
    states = Counter(relationships.values_list("state", flat=True))
    assert states[State.ACTIVE] >= 25 and states[State.PROPOSED] >= 1 and states[State.ENDED] == 1
    assert {"mentoring", "coaching", "advising"} <= set(
        relationships.values_list("kind", flat=True)
    )
    resident = User.objects.get(email="resident@riverside.example")
    assert relationships.filter(
        learner=resident, guide__email="mentor@riverside.example", state=State.ACTIVE
    ).exists()
    assert EvaluativeRole.objects.filter(program=program).count() >= 4
    assert RematchRequest.objects.filter(resolved_at__isnull=True).count() == 1
    assert not rel_selectors.flagged_conflicts(program).exists()


@pytest.mark.django_db
def test_demo_meetings_give_varied_compliance():
    from dyad.meetings.selectors import compliance_page

    program = demo.build_demo_program(today=TODAY)
    counts = dict(compliance_page(program, {}, today=TODAY)["counts"])
    assert sum(1 for n in counts.values() if n) >= 3, counts
    assert counts[min(counts, key=lambda s: s.severity)] > 0  # most pairs are on track


@pytest.mark.django_db
def test_institution_pairs_residents_within_capacity_and_gives_them_meetings():
    from dyad.meetings.models import Meeting
    from dyad.relationships.models import Relationship

    counts = demo.build_institution(programs=3, residents=60, faculty=40, seed=3, today=TODAY)
    relationships = Relationship.objects.all()
    assert counts["relationships"] == relationships.count()
    assert relationships.filter(state="active", kind=GuidanceKind.MENTORING).count() >= 20
    active = relationships.filter(state="active")
    assert all(r.current_agreement().is_acknowledged for r in active)
    assert not relationships.exclude(learner__memberships__program=models.F("program")).exists()
    capacity = {
        (user, kind): places
        for user, kind, places in GuideOffer.objects.values_list(
            "profile__user_id", "kind", "capacity"
        )
    }
    per_place = Counter(relationships.holding_seats().values_list("guide_id", "kind"))
    assert all(n <= capacity[place] for place, n in per_place.items())
    assert counts["meetings"] == Meeting.objects.count() > counts["relationships"]
    first = Meeting.objects.order_by("starts_at").first().starts_at.date()
    assert first < date(2025, 9, 15)  # pairs go back to the last academic year
    assert not Meeting.objects.filter(relationship__state="proposed").exists()


@pytest.mark.django_db
def test_institution_has_relationships_of_every_kind_and_state_with_notes_and_goals():
    from dyad.goals.models import Goal
    from dyad.meetings.models import Meeting, Preparation, Summary
    from dyad.relationships.models import Relationship

    counts = demo.build_institution(programs=3, residents=90, faculty=60, seed=3, today=TODAY)
    relationships = Relationship.objects.all()
    assert set(relationships.values_list("kind", flat=True)) == set(GuidanceKind.values)
    assert set(relationships.values_list("state", flat=True)) == {"proposed", "active", "ended"}
    ended = relationships.filter(state="ended")
    assert not ended.filter(models.Q(end_date__isnull=True) | models.Q(seat__isnull=False))
    assert not Meeting.objects.filter(
        relationship__state="ended", starts_at__date__gt=models.F("relationship__end_date")
    ).exists()
    assert Summary.objects.count() == counts["summaries"] > 0
    assert Preparation.objects.count() == counts["preparations"] > 0
    assert Goal.objects.count() == counts["goals"] > 0
    assert Meeting.objects.filter(status="scheduled", starts_at__date__gt=TODAY).exists()


@pytest.mark.django_db
def test_institution_has_an_open_match_round_with_lists_and_runs():
    from dyad.matching.models import MatchRound

    counts = demo.build_institution(
        programs=3, residents=60, faculty=60, seed=3, today=TODAY, round_learners=12,
        round_guides=6,
    )  # fmt: skip
    match_round = MatchRound.objects.get()
    assert match_round.lists_open and match_round.program.slug == "internal-medicine"
    assert counts["round learners"] == match_round.learners.count() == 12
    assert counts["round guides"] == match_round.guides.count() == 6
    assert match_round.learner_ranks.count() == 12 * 5
    assert match_round.guide_marks.exists()
    runs = list(match_round.runs.order_by("number"))
    assert [run.filled for run in runs] == [False, True]
    assert runs[-1].pairs.exists()


@pytest.mark.django_db
def test_size_large_builds_the_institution_of_that_size(monkeypatch):
    from dyad.demo.management.commands import seed_demo

    monkeypatch.setitem(seed_demo.SIZES, "large", (2, 12, 9))
    out = StringIO()
    call_command("seed_demo", "--size", "large", stdout=out)
    assert Program.objects.count() == 2
    assert Membership.objects.filter(role=Role.RESIDENT).count() == 12
    assert "relationships" in out.getvalue() and "meetings" in out.getvalue()


@pytest.mark.django_db
def test_every_app_gives_the_round_program_what_the_demo_program_has_beyond_pairings():
    from dyad.checkins.models import CheckIn
    from dyad.goals.models import Ilp
    from dyad.resources.models import Resource
    from dyad.surveys.models import Cycle
    from dyad.training.models import TrainingModule

    call_command(
        "seed_demo",
        *("--programs", "2", "--residents", "40", "--faculty", "30", "--every-app"),
        stdout=StringIO(),
    )
    assert Program.objects.count() == 2
    first = Program.objects.order_by("pk").first()
    for model in (Ilp, Resource, Cycle, TrainingModule):
        assert model.objects.filter(program=first).exists(), model
        assert not model.objects.exclude(program=first).exists(), model
    assert CheckIn.objects.filter(relationship__program=first).exists()
