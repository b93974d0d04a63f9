"""Each demo login meets, on its home page, the situation the README promises."""

from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from dyad.accounts.models import User
from dyad.demo import generator, personas
from dyad.lib.expiry import add_months
from dyad.matching.models import MatchRound, RoundState
from dyad.meetings.models import ActionItem, Meeting, MeetingStatus, Preparation
from dyad.meetings.selectors import agreed_plans, cadence_of
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import selectors
from dyad.relationships.models import (
    GuideRequest,
    Relationship,
    RematchRequest,
    SafetyConcern,
    State,
)

TODAY = date(2026, 11, 16)


@pytest.fixture
def program(db):
    """The demo, built on TODAY with the clock there too (services read the clock)."""
    noon = datetime(2026, 11, 16, 12, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=False):
        yield generator.build_demo_program(today=TODAY)


def user(persona):
    return User.objects.get(email=persona.email)


def test_resident_has_an_unprepared_meeting_soon_and_an_action_item_due(program):
    resident = user(personas.RESIDENT)
    upcoming = Meeting.objects.filter(
        relationship__learner=resident, status=MeetingStatus.SCHEDULED
    ).get(relationship__guide__email=personas.MENTOR.email)
    assert timezone.localtime(upcoming.starts_at).date() == TODAY + timedelta(days=3)
    assert not Preparation.objects.filter(meeting=upcoming).exists()
    due = ActionItem.objects.filter(owner=resident, done_at__isnull=True)
    assert [item.due_date for item in due] == [TODAY + timedelta(days=2)]


def test_resident_has_months_of_history_kept_on_cadence(program):
    mentoring = Relationship.objects.get(
        learner=user(personas.RESIDENT), guide=user(personas.MENTOR)
    )
    held = mentoring.meetings.filter(status=MeetingStatus.HELD)
    months = {(m.starts_at.year, m.starts_at.month) for m in held}
    assert len(months) >= 8
    assert cadence_of([mentoring], program, TODAY)[mentoring.pk].status == "on_track"


def test_history_spans_more_than_a_year_so_monthly_figures_mean_something(program):
    first = Meeting.objects.filter(relationship__program=program).order_by("starts_at").first()
    assert first.starts_at.date() < TODAY - timedelta(days=365)
    statuses = {
        str(result.status)
        for result in cadence_of(
            Relationship.objects.filter(program=program, state=State.ACTIVE), program, TODAY
        ).values()
    }
    assert {"on_track", "overdue"} <= statuses


def test_intern_has_no_guide_and_a_round_to_rank_in(program):
    intern = user(personas.INTERN)
    assert not Relationship.objects.filter(learner=intern).exists()
    assert not GuideRequest.objects.filter(learner=intern).exists()
    match_round = MatchRound.objects.get(program=program)
    assert match_round.state == RoundState.OPEN and match_round.kind == GuidanceKind.COACHING
    assert match_round.learners.filter(pk=intern.pk).exists()
    assert match_round.guides.filter(pk=user(personas.MENTOR).pk).exists()


def test_mentor_has_a_request_waiting_an_overdue_learner_and_a_meeting_to_log(program):
    mentor = user(personas.MENTOR)
    assert selectors.open_requests_for_guide(mentor, program).count() == 1
    mine = Relationship.objects.filter(guide=mentor, state=State.ACTIVE)
    statuses = {str(r.status) for r in cadence_of(mine, program, TODAY).values()}
    assert "overdue" in statuses
    unlogged = Meeting.objects.filter(
        relationship__guide=mentor,
        status=MeetingStatus.SCHEDULED,
        starts_at__lt=timezone.make_aware(datetime(2026, 11, 16)),
    )
    assert unlogged.count() == 1


def test_a_request_expires_within_two_days(program):
    soon = timezone.make_aware(datetime(2026, 11, 18, 12, 0))
    expiring = GuideRequest.objects.pending().filter(expires_at__lte=soon)
    assert expiring.count() == 1
    assert expiring.get().guide.email != personas.MENTOR.email


def test_senior_is_a_learner_and_a_peer_mentor_awaiting_acknowledgement(program):
    senior = user(personas.SENIOR)
    assert Membership.objects.get(user=senior, program=program).pgy == 3
    assert Relationship.objects.filter(
        learner=senior, kind=GuidanceKind.MENTORING, state=State.ACTIVE
    ).exists()
    peer = Relationship.objects.get(guide=senior, kind=GuidanceKind.PEER_MENTORING)
    assert peer.state == State.PROPOSED
    agreement = peer.current_agreement()
    assert agreement.learner_ack_at and not agreement.guide_ack_at
    assert peer in selectors.pending_agreements(program)


def test_director_reads_the_open_rematch_request_and_the_concern(program):
    director = user(personas.DIRECTOR)
    assert selectors.open_rematch_requests(program, director).count() == 1
    assert RematchRequest.objects.filter(resolved_at__isnull=True).count() == 1
    assert selectors.concerns_for_contacts(program, director).count() == 1
    coordinator = user(personas.COORDINATOR)
    assert SafetyConcern.objects.exclude(raised_by__memberships__role=Role.RESIDENT).count() == 1
    assert selectors.open_rematch_requests(program, coordinator).count() == 1


@pytest.mark.django_db
def test_command_prints_what_each_login_shows():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    for persona in personas.PERSONAS:
        assert persona.email in out.getvalue()
        assert persona.shows in out.getvalue()


def test_readme_lists_every_login_with_what_it_shows():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    for persona in personas.PERSONAS:
        assert f"| `{persona.email}` | {persona.label} | {persona.shows} |" in readme


def test_no_persona_is_party_to_the_ended_pairing_or_the_rematch_request(program):
    emails = [persona.email for persona in personas.PERSONAS]
    theirs = Relationship.objects.filter(Q(learner__email__in=emails) | Q(guide__email__in=emails))
    assert not theirs.filter(state=State.ENDED).exists()
    assert not RematchRequest.objects.filter(relationship__in=theirs).exists()


def test_resident_advising_is_monthly_for_the_first_quarter_then_every_three_months(program):
    advising = Relationship.objects.get(learner=user(personas.RESIDENT), kind=GuidanceKind.ADVISING)
    phases, _ = agreed_plans([advising])[advising.pk]
    assert phases == (
        (advising.start_date, "monthly"),
        (add_months(advising.start_date, 3), "quarterly"),
    )
