from datetime import date, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.lib.cadence import Status
from dyad.meetings.models import Meeting, MeetingMode, MeetingStatus
from dyad.meetings.selectors import cadence_of
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.models import Membership
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import EvaluativeRoleFactory, make_active_relationship
from dyad.relationships.models import Agreement, EndReason, Relationship, State
from dyad.rollover import services
from dyad.rollover.models import Rollover
from dyad.rollover.selectors import awaiting_reacknowledgement
from dyad.rollover.tests.conftest import PEER, THIS_YEAR, resident


def run(year, *, dry_run=False, into=2026):
    return services.program_rollover(
        program=year.program, year=into, acting_user=year.director, dry_run=dry_run
    )


def pgy(user, program):
    return Membership.objects.get(user=user, program=program).pgy


def snapshot(program):
    return (
        sorted(Membership.objects.filter(program=program).values_list("pk", "pgy", "is_active")),
        sorted(Relationship.objects.filter(program=program).values_list("pk", "state", "seat")),
        Agreement.objects.filter(relationship__program=program).count(),
        Rollover.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_the_preview_lists_every_change_and_keeps_none(year):
    before = snapshot(year.program)
    outcome = run(year, dry_run=True)
    assert snapshot(year.program) == before
    assert [(a.membership.user, a.from_pgy, a.to_pgy) for a in outcome.advances] == [
        (year.senior, 2, 3),
        (year.old_intern, 1, 2),
    ]
    assert [m.user for m in outcome.graduates] == [year.graduate]
    assert {r.pk for r in outcome.ending} == {year.graduate_mentoring.pk, year.graduate_peer.pk}
    assert outcome.pairs == [(year.new_intern, year.senior)]
    assert outcome.interns_without_peer == [year.new_intern]
    assert outcome.reacknowledge == 1
    assert not outcome.unpaired


@pytest.mark.django_db
def test_the_rollover_does_what_the_preview_said(year):
    preview = run(year, dry_run=True)
    done = run(year)
    assert done.counts() == preview.counts()
    assert Rollover.objects.get(program=year.program, year=2026).counts == done.counts()


@pytest.mark.django_db
def test_levels_advance_and_the_intern_of_the_new_year_stays(year):
    run(year)
    assert pgy(year.senior, year.program) == 3
    assert pgy(year.old_intern, year.program) == 2
    assert pgy(year.new_intern, year.program) == 1


@pytest.mark.django_db
def test_a_graduate_leaves_and_their_pairings_end_as_graduated_on_the_last_day(year):
    run(year)
    membership = Membership.objects.get(user=year.graduate, program=year.program)
    assert not membership.is_active and membership.pgy == 3
    for rel in (year.graduate_mentoring, year.graduate_peer):
        rel.refresh_from_db()
        assert rel.state == State.ENDED
        assert rel.end_reason == EndReason.GRADUATED
        assert rel.end_date == date(2026, 6, 30)
        assert rel.seat is None
    assert year.continuing.__class__.objects.get(pk=year.continuing.pk).state == State.ACTIVE


@pytest.mark.django_db
def test_both_parties_are_invited_to_a_last_meeting_once_committed(
    year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(year)
    closing = [m for m in mail.outbox if "a last meeting to close" in m.subject]
    recipients = sorted(m.to[0] for m in closing)
    assert recipients == sorted(
        [year.graduate.email, year.faculty.email, year.old_intern.email, year.graduate.email]
    )
    assert "a last meeting to close" in closing[0].body


@pytest.mark.django_db
def test_the_preview_sends_nothing(year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(year, dry_run=True)
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_intern_of_the_new_year_gets_a_peer_mentor_through_the_assign_service(year):
    run(year)
    pair = Relationship.objects.get(learner=year.new_intern, kind=PEER)
    assert pair.guide == year.senior
    assert pair.state == State.PROPOSED
    assert pair.start_date == date(2026, 8, 14)
    assert AuditEntry.objects.filter(action="relationship.created", target_id=str(pair.uuid))


@pytest.mark.django_db
def test_an_intern_who_cannot_be_paired_is_listed_with_the_reason(year):
    EvaluativeRoleFactory(program=year.program, evaluator=year.senior)
    outcome = run(year)
    assert [u.intern for u in outcome.unpaired] == [year.new_intern]
    assert "evaluates" in outcome.unpaired[0].why
    assert not Relationship.objects.filter(learner=year.new_intern, kind=PEER).exists()


@pytest.mark.django_db
def test_a_pair_the_service_refuses_stays_unpaired_with_its_reason(year, monkeypatch):
    def refuse(**kwargs):
        raise relationship_services.RelationshipError("Training required.")

    monkeypatch.setattr(services, "relationship_create", refuse)
    outcome = run(year)
    assert [(u.intern, u.why) for u in outcome.unpaired] == [
        (year.new_intern, "Training required.")
    ]
    assert Rollover.objects.get(program=year.program, year=2026).counts["unpaired_interns"] == 1


@pytest.mark.django_db
def test_continuing_pairs_re_acknowledge_with_the_same_terms_and_consent(year):
    current = year.continuing.current_agreement()
    relationship_services.agreement_revise(
        relationship=year.continuing,
        acting_user=year.senior,
        goals=current.goals,
        meeting_frequency=current.meeting_frequency,
        scheduler=current.scheduler,
        preferred_modes=current.preferred_modes,
        confidentiality=current.confidentiality,
        consent=["topics"],
        later_after_months=3,
        later_frequency="quarterly",
    )
    revised = year.continuing.current_agreement()
    for party in (year.senior, year.faculty):
        relationship_services.agreement_acknowledge(agreement=revised, acting_user=party)
    shared = relationship_services.consent_in_force(year.continuing)
    run(year)
    latest = year.continuing.current_agreement()
    assert latest.academic_year == 2026 and latest.year_label == "2026–27"
    assert not latest.is_acknowledged
    assert latest.goals == current.goals and latest.consent == ["topics"]
    assert (latest.later_after_months, latest.later_frequency) == (3, "quarterly")
    assert relationship_services.consent_in_force(year.continuing) == shared == {"topics"}
    assert list(awaiting_reacknowledgement(year.program, 2026)) == [latest]
    relationship_services.agreement_acknowledge(agreement=latest, acting_user=year.senior)
    assert awaiting_reacknowledgement(year.program, 2026).count() == 1
    relationship_services.agreement_acknowledge(agreement=latest, acting_user=year.faculty)
    assert awaiting_reacknowledgement(year.program, 2026).count() == 0


@pytest.mark.django_db
def test_the_year_starts_again_with_a_first_meeting(year):
    Meeting.objects.create(
        relationship=year.continuing,
        starts_at=timezone.make_aware(datetime(2026, 6, 20, 10)),
        duration_minutes=45,
        mode=MeetingMode.IN_PERSON,
        status=MeetingStatus.HELD,
        created_by=year.senior,
    )
    run(year)
    result = cadence_of([year.continuing], year.program, date(2026, 8, 14))[year.continuing.pk]
    assert result.status == Status.FIRST_MEETING_MISSING


@pytest.mark.django_db
def test_running_again_into_the_same_year_changes_nothing_and_says_so(year):
    first = run(year)
    before = snapshot(year.program)
    again = run(year)
    assert again.done_before is not None and again.done_before.year == 2026
    assert not again.advances and not again.pairs
    assert snapshot(year.program) == before
    assert first.done_before is None


@pytest.mark.django_db
def test_a_crash_midway_leaves_nothing_half_done_and_a_rerun_succeeds(year, monkeypatch):
    before = snapshot(year.program)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_reacknowledge", crash)
    with pytest.raises(RuntimeError):
        run(year)
    assert snapshot(year.program) == before
    monkeypatch.undo()
    outcome = run(year)
    assert outcome.done_before is None and len(outcome.advances) == 2
    assert pgy(year.senior, year.program) == 3


@pytest.mark.django_db
def test_a_year_that_has_not_begun_can_be_previewed_but_not_run(year):
    year.program.rollovers.update(year=2026)
    assert run(year, dry_run=True, into=2027).year == 2027
    with pytest.raises(services.RolloverError, match="has not started yet"):
        run(year, into=2027)


@pytest.mark.django_db
def test_a_year_cannot_be_skipped_nor_gone_back_to(year):
    year.program.rollovers.update(year=2024)
    with pytest.raises(services.RolloverError, match="roll it into 2025–26 first"):
        run(year)
    Rollover.objects.create(program=year.program, year=2027, finished_at=timezone.now())
    with pytest.raises(services.RolloverError, match="already in 2027–28"):
        run(year)


@pytest.mark.django_db
def test_the_rollover_is_audited_with_its_counts(year):
    run(year)
    entry = AuditEntry.objects.get(action="rollover.completed")
    assert entry.data["year"] == 2026
    assert entry.data["advanced"] == 2 and entry.data["graduated"] == 1
    assert entry.data["pairings_ended"] == 2 and entry.data["peer_pairs"] == 1
    ended = AuditEntry.objects.filter(action="relationship.ended")
    assert {e.data["reason"] for e in ended} == {"graduated"} and ended.count() == 2


@pytest.mark.django_db
def test_the_next_year_follows_the_last_rollover(year):
    assert services.next_year(year.program) == 2026
    run(year)
    assert services.next_year(year.program) == 2027


@pytest.mark.django_db
def test_a_program_new_to_dyad_rolls_over_next_year(year):
    year.program.rollovers.all().delete()
    assert services.next_year(year.program) == 2027


def _queries(year):
    with CaptureQueriesContext(connection) as ctx:
        run(year, dry_run=True)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_preview_reads_the_same_number_of_queries_whatever_the_size(year):
    small = _queries(year)
    for i in range(6):
        resident(year.program, f"Grad{i}", 3)
        resident(year.program, f"Mid{i}", 2, peer_places=2)
        resident(year.program, f"New{i}", 1, start=THIS_YEAR)
    assert _queries(year) == small


def _same(preview, done):
    assert done.counts() == preview.counts()
    assert done.pairs == preview.pairs
    assert [(u.intern, u.why) for u in done.unpaired] == [
        (u.intern, u.why) for u in preview.unpaired
    ]
    assert done.interns_without_peer == preview.interns_without_peer


@pytest.mark.django_db
def test_the_preview_reads_only(year):
    with CaptureQueriesContext(connection) as ctx:
        run(year, dry_run=True)
    sql = [q["sql"].upper() for q in ctx.captured_queries]
    assert sql and all(s.lstrip("(").startswith("SELECT") for s in sql), sql
    assert not any("FOR UPDATE" in s for s in sql)


@pytest.mark.django_db
def test_an_intern_of_last_year_who_volunteers_is_a_peer_mentor_of_the_new_year(year):
    GuideProfileFactory(user=year.old_intern, offers={PEER: 2})
    for i in range(3):
        resident(year.program, f"New{i}", 1, start=THIS_YEAR)
    preview = run(year, dry_run=True)
    assert year.old_intern in {mentor for _, mentor in preview.pairs}
    _same(preview, run(year))


@pytest.mark.django_db
def test_a_new_intern_whose_peer_mentor_graduates_gets_another_as_previewed(year):
    make_active_relationship(
        program=year.program,
        learner=year.new_intern,
        guide=year.graduate,
        kind=PEER,
        start_date=date(2026, 7, 1),
    )
    preview = run(year, dry_run=True)
    assert preview.interns_without_peer == [year.new_intern]
    assert preview.pairs == [(year.new_intern, year.senior)]
    _same(preview, run(year))


@pytest.mark.django_db
def test_the_preview_follows_every_change_of_the_program(year):
    """Each thing the preview reads, changed, gives the preview of the program as it now
    is, and the rollover does what that preview said."""
    first = run(year, dry_run=True)
    Membership.objects.filter(user=year.senior).update(pgy=3)  # a second graduate
    second = run(year, dry_run=True)
    assert {m.user for m in second.graduates} == {year.senior, year.graduate}
    assert second.counts() != first.counts()
    Membership.objects.filter(user=year.senior).update(pgy=2)
    EvaluativeRoleFactory(program=year.program, evaluator=year.senior)
    third = run(year, dry_run=True)
    assert not third.pairs and [u.intern for u in third.unpaired] == [year.new_intern]
    _same(third, run(year))
