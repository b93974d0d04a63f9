"""Ending a relationship and the no-fault rematch (SPEC M3): private requests to leadership,
a neutral notice to both parties, "do not re-pair"."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.models import AuditEntry
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import selectors, services
from dyad.relationships.factories import (
    make_active_relationship,
    make_guide,
    make_guide_request,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import (
    DoNotRepair,
    EndReason,
    Relationship,
    RelationshipEvent,
    RematchRequest,
    State,
)
from dyad.relationships.services import RelationshipError

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
REASON = "He keeps cancelling, and I feel judged when we do meet."


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def rel(program, director, faculty, resident):
    """An active mentoring relationship of the resident with the faculty member."""
    return make_active_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )


def end(rel, by, reason=EndReason.REMATCH, **kwargs):
    return services.relationship_end(relationship=rel, acting_user=by, reason=reason, **kwargs)


def ask_rematch(rel, by, reason=REASON):
    return services.rematch_request_create(relationship=rel, acting_user=by, reason=reason)


# --- Ending -----------------------------------------------------------------------------


def test_ending_records_the_end_and_an_event(rel, director):
    ended = end(rel, director, EndReason.COMPLETED)

    ended.refresh_from_db()
    assert ended.state == State.ENDED
    assert ended.end_reason == EndReason.COMPLETED
    assert ended.end_date == NOW.date()
    event = RelationshipEvent.objects.filter(relationship=rel).last()
    assert (event.from_state, event.to_state, event.actor) == (State.ACTIVE, State.ENDED, director)
    assert event.note == ""  # the history says only that it ended (see can_view_end_reason)
    entry = AuditEntry.objects.get(action="relationship.ended")
    assert entry.actor == director and entry.target_id == str(rel.uuid)
    assert entry.data["reason"] == EndReason.COMPLETED


def test_ending_frees_the_guides_place(program, director, rel, faculty):
    make_relationship(program=program, guide=faculty, acting_user=director)  # now full
    assert selectors.guides_at_capacity(program).filter(profile__user=faculty).exists()

    ended = end(rel, director)

    assert ended.seat is None
    assert not selectors.guides_at_capacity(program).exists()
    newcomer = make_relationship(program=program, guide=faculty, acting_user=director)
    assert newcomer.seat == rel.seat


def test_a_proposed_relationship_can_be_ended_too(program, director, faculty):
    proposed = make_relationship(program=program, guide=faculty, acting_user=director)

    assert end(proposed, director, EndReason.OTHER).state == State.ENDED


def test_ending_twice_is_refused(rel, director):
    end(rel, director)

    with pytest.raises(RelationshipError, match="already ended"):
        end(rel, director)
    assert RelationshipEvent.objects.filter(to_state=State.ENDED).count() == 1


def test_ending_needs_a_known_reason(rel, director):
    with pytest.raises(RelationshipError, match="Choose why"):
        end(rel, director, reason="personality")

    rel.refresh_from_db()
    assert rel.state == State.ACTIVE


def test_ending_resolves_the_open_rematch_requests(rel, director, resident, faculty):
    mine = ask_rematch(rel, resident)
    theirs = ask_rematch(rel, faculty, reason="We do not seem to click.")

    end(rel, director)

    for request in (mine, theirs):
        request.refresh_from_db()
        assert request.resolved_at == NOW
        assert request.resolved_by == director
    assert not selectors.open_rematch_requests(rel.program, director).exists()


def test_both_parties_get_the_same_neutral_notice_whatever_the_reason(
    program, director, rel, resident, faculty, mailoutbox, django_capture_on_commit_callbacks
):
    ask_rematch(rel, resident)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        end(rel, director, EndReason.REMATCH)
    after_rematch = {m.to[0]: (m.subject, m.body) for m in mailoutbox}

    # The same pair, ended later for a quite different reason, gets the very same notices.
    again = make_active_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        end(again, director, EndReason.COMPLETED)
    after_completion = {m.to[0]: (m.subject, m.body) for m in mailoutbox}

    assert set(after_rematch) == {resident.email, faculty.email}
    assert after_rematch == after_completion
    assert after_rematch[resident.email][0] == after_rematch[faculty.email][0]
    for _subject, body in after_rematch.values():
        assert "cancelling" not in body and "judged" not in body
        assert "rematch" not in body.lower() and "request" not in body.lower()


def test_do_not_repair_records_the_pair_and_refuses_any_later_pairing(
    program, director, rel, resident, faculty
):
    make_guide(program)  # unrelated guides stay available
    end(rel, director, do_not_repair=True)

    assert DoNotRepair.objects.filter(program=program, learner=resident, guide=faculty).exists()
    assert AuditEntry.objects.filter(action="relationship.do_not_repair").count() == 1
    with pytest.raises(RelationshipError, match="do not re-pair"):
        make_relationship(program=program, learner=resident, guide=faculty, acting_user=director)
    with pytest.raises(RelationshipError, match="do not re-pair"):
        make_guide_request(program=program, learner=resident, guide=faculty)


def test_without_do_not_repair_the_pair_may_meet_again(program, director, rel, resident, faculty):
    end(rel, director)

    assert not DoNotRepair.objects.exists()
    again = make_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )
    assert again.state == State.PROPOSED


def test_the_learner_can_be_offered_a_new_guide_after_a_rematch(program, director, rel, resident):
    end(rel, director, do_not_repair=True)
    new_guide = make_guide(program, "Nina", "New")

    new = make_relationship(
        program=program, learner=resident, guide=new_guide, acting_user=director
    )

    assert new.kind == GuidanceKind.MENTORING
    assert Relationship.objects.filter(learner=resident).holding_seats().get() == new


# --- Rematch requests -------------------------------------------------------------------


def test_a_rematch_request_by_the_learner_is_seen_by_leaders_but_not_by_the_guide(
    program, rel, director, coordinator, resident, faculty, outsider
):
    apd = MembershipFactory(program=program, role=Role.ASSOCIATE_DIRECTOR).user
    request = ask_rematch(rel, resident)

    def can_view(user):
        return policy.can_view_rematch_request(viewer_for(user, program), request)

    assert can_view(resident)
    assert can_view(director) and can_view(coordinator) and can_view(apd)
    assert not can_view(faculty)
    assert not can_view(outsider)
    assert not can_view(make_learner(program, "Other"))


def test_a_rematch_request_by_the_guide_is_not_seen_by_the_learner(
    program, rel, director, resident, faculty
):
    request = ask_rematch(rel, faculty, reason="I do not have the time this year.")

    assert policy.can_view_rematch_request(viewer_for(faculty, program), request)
    assert policy.can_view_rematch_request(viewer_for(director, program), request)
    assert not policy.can_view_rematch_request(viewer_for(resident, program), request)


def test_leaders_are_told_of_a_rematch_request_without_its_reason(
    program,
    rel,
    director,
    coordinator,
    resident,
    faculty,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    MembershipFactory(program=program, role=Role.COORDINATOR, is_active=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = ask_rematch(rel, resident)

    assert request.reason == REASON
    assert sorted(m.to[0] for m in mailoutbox) == sorted([director.email, coordinator.email])
    for message in mailoutbox:
        assert "cancelling" not in message.body and "judged" not in message.body
        assert resident.last_name not in message.body and faculty.last_name not in message.body
    entry = AuditEntry.objects.get(action="rematch.requested")
    assert "cancelling" not in str(entry.data)


def test_the_rematch_reason_is_in_no_email_at_all(
    program, rel, director, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_rematch(rel, resident)
        end(rel, director, do_not_repair=True)
        make_relationship(program=program, learner=resident, acting_user=director)

    assert mailoutbox
    for message in mailoutbox:
        assert "cancelling" not in message.body and "cancelling" not in message.subject


@pytest.mark.parametrize("who", ["director", "coordinator", "stranger"])
def test_only_a_party_can_ask_for_a_rematch(request, rel, who):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        ask_rematch(rel, person)
    assert not RematchRequest.objects.exists()


def test_a_rematch_request_needs_a_reason(rel, resident):
    with pytest.raises(RelationshipError, match="Say in a few words"):
        ask_rematch(rel, resident, reason="  ")


def test_an_ended_relationship_takes_no_rematch_request(rel, director, resident):
    ended = end(rel, director)

    with pytest.raises(RelationshipError, match="already ended"):
        ask_rematch(ended, resident)
