"""Private content of ended relationships goes after the retention period (SPEC M11)."""

from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.goals import services as goal_services
from dyad.goals.factories import make_goal
from dyad.goals.models import CheckIn, Goal
from dyad.meetings import services as meeting_services
from dyad.meetings.models import Attachment, Meeting, Preparation, PrivateNote, Summary
from dyad.relationships.factories import acknowledge_both, make_relationship
from dyad.relationships.models import Relationship
from dyad.relationships.services import relationship_end
from dyad.retention.services import purge_ended, purge_preview

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.DYAD_RETENTION_DAYS = 365


def pairing_with_history(program, director, *, ended_days_ago=None):
    """A pairing with one held meeting holding everything: preparation and a file, a
    summary, both private notes, and a goal with a check-in. Ended that many days before
    TODAY, if given."""
    rel = make_relationship(
        program=program, acting_user=director, start_date=TODAY - timedelta(days=900)
    )
    acknowledge_both(rel)
    meeting = meeting_services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
        mode="video",
    )
    meeting_services.preparation_save(
        meeting=meeting, acting_user=rel.learner, goals="PREP", progress="", obstacles=""
    )
    meeting_services.attachment_add(
        meeting=meeting, acting_user=rel.learner, upload=SimpleUploadedFile("cv.txt", b"cv")
    )
    meeting_services.summary_save(meeting=meeting, acting_user=rel.guide, text="SUM", topics=[])
    for author in (rel.learner, rel.guide):
        meeting_services.private_note_save(meeting=meeting, author=author, text="NOTE")
    goal = make_goal(relationship=rel)
    goal_services.check_in(goal=goal, acting_user=rel.learner, note="halfway", percent=50)
    if ended_days_ago is not None:
        relationship_end(relationship=rel, acting_user=director, reason="completed")
        Relationship.objects.filter(pk=rel.pk).update(
            end_date=TODAY - timedelta(days=ended_days_ago)
        )
        rel.refresh_from_db()
    return rel


def held_by(rel) -> dict:
    return {
        "private_notes": PrivateNote.objects.filter(meeting__relationship=rel).count(),
        "preparations": Preparation.objects.filter(meeting__relationship=rel).count(),
        "files": Attachment.objects.filter(meeting__relationship=rel).count(),
        "goal_check_ins": CheckIn.objects.filter(goal__relationship=rel).count(),
    }


EVERYTHING = {"private_notes": 2, "preparations": 1, "files": 1, "goal_check_ins": 1}
NOTHING = dict.fromkeys(EVERYTHING, 0)


def test_content_of_a_pairing_ended_longer_ago_than_the_period_is_deleted(
    program, director, django_capture_on_commit_callbacks
):
    old = pairing_with_history(program, director, ended_days_ago=366)
    recent = pairing_with_history(program, director, ended_days_ago=364)
    active = pairing_with_history(program, director)
    with django_capture_on_commit_callbacks(execute=True):
        report = purge_ended(today=TODAY)
    assert held_by(old) == NOTHING
    assert held_by(recent) == EVERYTHING
    assert held_by(active) == EVERYTHING
    assert report.relationships == 1
    assert dict(report.totals) == EVERYTHING


def test_the_shared_record_and_the_goals_stay(program, director):
    old = pairing_with_history(program, director, ended_days_ago=400)
    purge_ended(today=TODAY)
    assert Meeting.objects.filter(relationship=old).count() == 1
    assert Summary.objects.filter(meeting__relationship=old).count() == 1
    assert Goal.objects.filter(relationship=old).count() == 1


def test_the_files_leave_the_disk_once_the_purge_commits(
    program, director, settings, django_capture_on_commit_callbacks
):
    pairing_with_history(program, director, ended_days_ago=400)
    folder = Path(settings.PRIVATE_FILES_ROOT)
    assert [p for p in folder.rglob("*") if p.is_file()]
    with django_capture_on_commit_callbacks(execute=True):
        purge_ended(today=TODAY)
    assert not [p for p in folder.rglob("*") if p.is_file()]


def test_the_preview_counts_what_the_purge_then_deletes_and_changes_nothing(program, director):
    old = pairing_with_history(program, director, ended_days_ago=400)
    preview = purge_preview(today=TODAY)
    assert held_by(old) == EVERYTHING
    assert [(p.program, p.relationships) for p in preview.programs] == [(program.name, 1)]
    assert dict(purge_ended(today=TODAY).totals) == dict(preview.totals)


def test_a_second_run_deletes_nothing_and_audits_nothing(program, director):
    old = pairing_with_history(program, director, ended_days_ago=400)
    purge_ended(today=TODAY)
    assert AuditEntry.objects.filter(action="relationship.content_purged").count() == 1
    again = purge_ended(today=TODAY)
    assert again.programs == []
    assert AuditEntry.objects.filter(action="relationship.content_purged").count() == 1
    entry = AuditEntry.objects.get(action="relationship.content_purged")
    assert entry.target_id == str(old.uuid)
    assert entry.data["private_notes"] == 2 and entry.data["retention_days"] == 365


def test_the_period_is_the_setting(program, director, settings):
    old = pairing_with_history(program, director, ended_days_ago=400)
    settings.DYAD_RETENTION_DAYS = 500
    purge_ended(today=TODAY)
    assert held_by(old) == EVERYTHING


def test_the_command_previews_then_purges(program, director):
    pairing_with_history(program, director, ended_days_ago=400)
    out = StringIO()
    call_command("purge_ended", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Would delete, of relationships that ended before 2025-12-03:" in text
    assert f"{program.name}: 1 relationships" in text
    assert "2 private notes" in text and "1 preparation files" in text
    assert PrivateNote.objects.count() == 2

    out = StringIO()
    call_command("purge_ended", "--today", TODAY.isoformat(), stdout=out)
    assert "Deleted, of relationships" in out.getvalue()
    assert PrivateNote.objects.count() == 0

    out = StringIO()
    call_command("purge_ended", "--today", TODAY.isoformat(), stdout=out)
    assert "Nothing to delete" in out.getvalue()


def test_the_command_refuses_a_day_it_cannot_read():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("purge_ended", "--today", "3/12/2026")


def test_the_queries_do_not_grow_with_the_relationships_to_preview(
    program, director, django_assert_max_num_queries
):
    for _ in range(3):
        pairing_with_history(program, director, ended_days_ago=400)
    # One grouped query per kind of content (the pairing-fit check-ins made it six).
    with django_assert_max_num_queries(6):
        preview = purge_preview(today=TODAY)
    assert preview.relationships == 3


def test_a_crash_midway_leaves_each_relationship_whole_or_purged_and_a_rerun_finishes(
    program, director, monkeypatch
):
    from dyad.goals import retention as goals_retention

    first = pairing_with_history(program, director, ended_days_ago=400)
    second = pairing_with_history(program, director, ended_days_ago=400)
    real_purge = goals_retention.purge

    def crash_on_second(relationship):
        if relationship.pk == second.pk:
            raise RuntimeError("the machine stopped")
        return real_purge(relationship)

    monkeypatch.setattr(goals_retention, "purge", crash_on_second)
    with pytest.raises(RuntimeError):
        purge_ended(today=TODAY)
    assert held_by(first) == NOTHING
    assert held_by(second) == EVERYTHING  # its notes were deleted, then rolled back

    monkeypatch.setattr(goals_retention, "purge", real_purge)
    assert purge_ended(today=TODAY).relationships == 1
    assert held_by(second) == NOTHING
