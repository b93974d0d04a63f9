"""Writes on meetings: each checks its rule, writes, audits and notifies in one
transaction. Calendar invitations carry no confidential text (see calendar.py)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dyad import policy
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.files import accept_upload
from dyad.meetings import calendar
from dyad.meetings.models import (
    ActionItem,
    Attachment,
    Meeting,
    MeetingStatus,
    Preparation,
    PrivateNote,
    Summary,
)


class MeetingError(ValidationError):
    """A rule refused the change; the message says why and what to do."""


# Said when someone outside the pair reaches a service; views never let it happen.
NOT_A_PARTY = "Only the two people of this relationship plan its meetings."
NOT_THE_LEARNER = "The learner prepares the meeting."
ENDED = "This relationship has ended: its meetings' preparation no longer changes."


def _require_open(relationship):
    if not relationship.is_open:
        raise MeetingError("This relationship has ended; its meetings can no longer change.")


def _audit(action, meeting, actor, **data):
    audit_log(
        action=action,
        actor=actor,
        program=meeting.relationship.program,
        target=meeting,
        data={"relationship": str(meeting.relationship.uuid), **data},
    )


@transaction.atomic
def meeting_schedule(
    *, relationship, acting_user, starts_at, duration_minutes, mode, place="", link=""
) -> Meeting:
    """Plan a meeting ahead; both parties receive a calendar invitation."""
    if not policy.is_party(acting_user, relationship):
        raise PermissionDenied(NOT_A_PARTY)
    _require_open(relationship)
    if starts_at < timezone.now():
        raise MeetingError(
            "That time has passed. To record a meeting that already took place, log it."
        )
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place,
        link=link,
        created_by=acting_user,
    )
    _audit(AuditAction.MEETING_SCHEDULED, meeting, acting_user, mode=mode)
    calendar.send_invitation(meeting)
    return meeting


@transaction.atomic
def meeting_log(
    *, relationship, acting_user, starts_at, duration_minutes, mode, place="", link=""
) -> Meeting:
    """Record a meeting after the fact: it is held, and no invitation goes out."""
    if not policy.is_party(acting_user, relationship):
        raise PermissionDenied(NOT_A_PARTY)
    _require_open(relationship)
    if starts_at > timezone.now():
        raise MeetingError("That time is in the future. Schedule the meeting instead.")
    if starts_at.date() < relationship.start_date:
        raise MeetingError("That date is before this relationship started.")
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place,
        link=link,
        status=MeetingStatus.HELD,
        created_by=acting_user,
    )
    _audit(AuditAction.MEETING_LOGGED, meeting, acting_user, mode=mode)
    return meeting


def _lock(meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("relationship").get(pk=meeting.pk)


@transaction.atomic
def meeting_reschedule(
    *, meeting, acting_user, starts_at, duration_minutes, mode, place="", link=""
) -> Meeting:
    meeting = _lock(meeting)
    if not policy.is_party(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    _require_open(meeting.relationship)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError(f"This meeting is {meeting.get_status_display().lower()}.")
    if starts_at < timezone.now():
        raise MeetingError("Choose a time in the future.")
    meeting.starts_at, meeting.duration_minutes = starts_at, duration_minutes
    meeting.mode, meeting.place, meeting.link = mode, place, link
    meeting.ics_sequence += 1
    meeting.save()
    _audit(AuditAction.MEETING_RESCHEDULED, meeting, acting_user, sequence=meeting.ics_sequence)
    calendar.send_invitation(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting, acting_user) -> Meeting:
    meeting = _lock(meeting)
    if not policy.is_party(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError(f"This meeting is {meeting.get_status_display().lower()}.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.ics_sequence += 1
    meeting.save(update_fields=["status", "ics_sequence", "updated_at"])
    _audit(AuditAction.MEETING_CANCELLED, meeting, acting_user)
    calendar.send_invitation(meeting, cancel=True)
    return meeting


@transaction.atomic
def meeting_set_outcome(*, meeting, acting_user, held: bool) -> Meeting:
    """Mark a scheduled meeting as held or missed (once its time has come)."""
    meeting = _lock(meeting)
    if not policy.is_party(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    if meeting.status in (MeetingStatus.CANCELLED,):
        raise MeetingError("This meeting was cancelled.")
    if not meeting.has_started(timezone.now()):
        raise MeetingError(
            "This meeting has not started yet: say whether it took place once its time has come."
        )
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.MISSED
    meeting.save(update_fields=["status", "updated_at"])
    _audit(AuditAction(f"meeting.{meeting.status}"), meeting, acting_user)
    return meeting


@transaction.atomic
def preparation_save(*, meeting, acting_user, goals, progress, obstacles) -> Preparation:
    if not policy.can_prepare_meetings(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_THE_LEARNER)
    preparation, _ = Preparation.objects.update_or_create(
        meeting=meeting, defaults={"goals": goals, "progress": progress, "obstacles": obstacles}
    )
    _audit(AuditAction.MEETING_PREPARATION_SAVED, meeting, acting_user)
    return preparation


@transaction.atomic
def attachment_add(*, meeting, acting_user, upload) -> Attachment:
    """Attach a file to the meeting's preparation, if it is what its name says and within
    the limits. The file is written before the row; if the row cannot be written the file
    is removed again, so nothing is left half done."""
    if not policy.can_prepare_meetings(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_THE_LEARNER)
    if not meeting.relationship.is_open:
        raise MeetingError(ENDED)
    # One upload at a time per meeting, so two at once cannot both pass the count.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    attached = list(meeting.attachments.all())
    limit = settings.DYAD_ATTACHMENTS_PER_MEETING
    if len(attached) >= limit:
        raise MeetingError(
            f"This preparation already has {limit} files. Remove one before adding another."
        )
    accepted = accept_upload(upload, max_size=settings.DYAD_ATTACHMENT_MAX_BYTES)
    if any(a.sha256 == accepted.sha256 for a in attached):
        raise MeetingError(f"“{accepted.name}” is attached already.")
    attachment = Attachment(
        meeting=meeting,
        name=accepted.name,
        content_type=accepted.kind.mime,
        size=accepted.size,
        sha256=accepted.sha256,
        uploaded_by=acting_user,
    )
    attachment.file.save(accepted.name, upload, save=False)
    try:
        attachment.save()
        # The file's name is preparation content: the audit log (read by leaders) keeps
        # only that a file was attached.
        _audit(AuditAction.MEETING_FILE_ATTACHED, meeting, acting_user)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, acting_user) -> None:
    meeting = attachment.meeting
    if not policy.can_prepare_meetings(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_THE_LEARNER)
    if not meeting.relationship.is_open:
        raise MeetingError(ENDED)
    stored = attachment.file.name
    attachment.delete()
    _audit(AuditAction.MEETING_FILE_REMOVED, meeting, acting_user)
    # Only once the row is gone for good: a rolled-back removal keeps its file.
    transaction.on_commit(lambda: Attachment.file.field.storage.delete(stored))


@transaction.atomic
def summary_save(*, meeting, acting_user, text, topics) -> Summary:
    if not policy.is_party(acting_user, meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    summary, _ = Summary.objects.update_or_create(
        meeting=meeting, defaults={"text": text, "updated_by": acting_user}
    )
    summary.topics.set(topics)
    _audit(AuditAction.MEETING_SUMMARY_SAVED, meeting, acting_user)
    return summary


@transaction.atomic
def action_item_add(*, meeting, acting_user, text, owner, due_date=None) -> ActionItem:
    relationship = meeting.relationship
    if not policy.is_party(acting_user, relationship):
        raise PermissionDenied(NOT_A_PARTY)
    if owner.pk not in (relationship.learner_id, relationship.guide_id):
        raise MeetingError("An action item belongs to the learner or the guide.")
    item = ActionItem.objects.create(meeting=meeting, text=text, owner=owner, due_date=due_date)
    _audit(AuditAction.MEETING_ACTION_ITEM_ADDED, meeting, acting_user)
    return item


@transaction.atomic
def action_item_toggle(*, item, acting_user) -> ActionItem:
    if not policy.is_party(acting_user, item.meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    item.done_at = None if item.done_at else timezone.now()
    item.save(update_fields=["done_at"])
    return item


def private_note_save(*, meeting, author, text) -> PrivateNote:
    """Not audited: even that a private note exists is its author's own business."""
    if not policy.is_party(author, meeting.relationship):
        raise PermissionDenied(NOT_A_PARTY)
    note, _ = PrivateNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"text": text}
    )
    return note


def private_note_of(meeting, author) -> PrivateNote | None:
    """The only way the application reads a private note: by its author."""
    return PrivateNote.objects.filter(meeting=meeting, author=author).first()


@transaction.atomic
def cadence_policy_save(*, form, acting_user):
    policy = form.save()
    audit_log(
        action=AuditAction.CADENCE_POLICY_SAVED,
        actor=acting_user,
        program=policy.program,
        target=policy,
        data={"kind": policy.kind, **{f: form.cleaned_data[f] for f in form.Meta.fields}},
    )
    return policy
