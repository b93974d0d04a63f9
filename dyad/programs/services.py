"""Roster import against the database: read an upload, plan it, apply it.

The plan is computed from the stored text each time (preview and apply), so that apply
does what the database calls for at that moment. A person is identified by e-mail (case
does not matter) and, within the program, by external ID; a membership by (program, user,
role). Blank cells never erase what Dyad already holds, and names a person has set are
never overwritten.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from dyad.accounts.models import User
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.programs import roster
from dyad.programs.invitations import invitations_queue
from dyad.programs.models import Membership, Program, Role, RosterImport

logger = logging.getLogger(__name__)

# Rows written per INSERT or UPDATE statement when a roster is applied.
BATCH_SIZE = 500


class RosterFileError(ValidationError):
    """The upload cannot be read as a roster; nothing was stored. The message concerns the
    form's file field, so that the upload page shows it beside the file."""

    def __init__(self, message: str):
        super().__init__({"file": [message]})


class RosterApplyError(ValidationError):
    """Applying was refused; nothing was written."""


class RowAction(models.TextChoices):
    CREATE = "create", "New person"
    ADD_ROLE = "add_role", "New role for an existing person"
    UPDATE = "update", "Update"
    UNCHANGED = "unchanged", "Unchanged"
    ERROR = "error", "Error"


# Membership fields a roster sets, with the label shown in the preview.
MEMBERSHIP_FIELDS = {
    "pgy": "PGY",
    "track": "Track",
    "department": "Department",
    "start_date": "Start date",
    "expected_end_date": "Expected end date",
    "external_id": "External ID",
}
NAME_FIELDS = {"first_name": "First name", "last_name": "Last name"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object

    @property
    def old_text(self) -> str:
        return _display(self.old)

    @property
    def new_text(self) -> str:
        return _display(self.new)


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%b} {value.day}, {value.year}"
    return str(value)


@dataclass
class RowPlan:
    row: roster.RosterRow
    action: str
    errors: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    user: User | None = None
    membership: Membership | None = None

    @property
    def is_error(self) -> bool:
        return self.action == RowAction.ERROR

    @property
    def action_label(self) -> str:
        return RowAction(self.action).label

    @property
    def role_label(self) -> str:
        if self.row.role is None:
            return self.row.role_text
        return Role(self.row.role).label


@dataclass
class RosterPlan:
    parsed: roster.ParsedRoster
    rows: list[RowPlan]

    @property
    def file_errors(self) -> list[str]:
        return self.parsed.errors

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.is_error]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowAction.values, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        return any(row.action not in (RowAction.UNCHANGED, RowAction.ERROR) for row in self.rows)


# --- reading ---------------------------------------------------------------------------------


def roster_read(uploaded_file) -> roster.Decoded:
    """The decoded text of an uploaded file, or RosterFileError (too large, not text)."""
    limit = settings.DYAD_ROSTER_MAX_BYTES
    too_large = RosterFileError(
        f"This file is larger than {filesizeformat(limit)}, the most Dyad accepts. "
        "A roster is far smaller: check that you exported a CSV file."
    )
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise too_large
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data.strip():
        raise RosterFileError("The file is empty.")
    try:
        return roster.decode_roster(data)
    except roster.NotText as exc:
        raise RosterFileError(str(exc)) from None


def roster_import_create(*, program: Program, uploaded_file, acting_user) -> RosterImport:
    """Store an upload for preview. Raises RosterFileError, storing nothing, when the file
    is too large or not text."""
    decoded = roster_read(uploaded_file)
    return RosterImport.objects.create(
        program=program,
        uploaded_by=acting_user,
        filename=os.path.basename(uploaded_file.name or "roster.csv")[:255],
        content=decoded.text,
        summary={"encoding": decoded.encoding},
    )


def roster_import_parse(roster_import: RosterImport) -> roster.ParsedRoster:
    return roster.parse_roster_text(
        roster_import.content,
        max_pgy=roster_import.program.max_pgy,
        encoding=roster_import.summary.get("encoding", "utf-8"),
    )


# --- planning --------------------------------------------------------------------------------


def roster_plan(*, program: Program, parsed: roster.ParsedRoster) -> RosterPlan:
    """What applying `parsed` to `program` would do, row by row, in two queries."""
    candidates = [row for row in parsed.rows if not row.errors]
    emails = {row.email for row in candidates}
    external_ids = {row.external_id for row in candidates if row.external_id}
    users = _users_by_email(emails)
    memberships = _memberships(program, users=users.values(), external_ids=external_ids)
    by_role = {(m.user_id, m.role): m for m in memberships}
    id_owners: dict[str, dict[int, str]] = {}
    for m in memberships:
        if m.external_id:
            id_owners.setdefault(m.external_id, {})[m.user_id] = m.user.email
    rows = [
        _plan_row(row, users.get(row.email), by_role, id_owners)
        if not row.errors
        # Errors found while reading are copied: a row's plan carries all of its errors.
        else RowPlan(row=row, action=RowAction.ERROR, errors=list(row.errors))
        for row in parsed.rows
    ]
    return RosterPlan(parsed=parsed, rows=rows)


def roster_import_plan(*, roster_import: RosterImport) -> RosterPlan:
    return roster_plan(program=roster_import.program, parsed=roster_import_parse(roster_import))


def _users_by_email(emails: set[str]) -> dict[str, User]:
    if not emails:
        return {}
    users = User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=emails)
    return {user.email.lower(): user for user in users}


def _memberships(program, *, users, external_ids) -> list[Membership]:
    users = list(users)
    if not users and not external_ids:
        return []
    return list(
        program.memberships.filter(Q(user__in=users) | Q(external_id__in=external_ids))
        .select_related("user")
        .order_by("pk")
    )


def _plan_row(row, user, by_role, id_owners) -> RowPlan:
    owners = id_owners.get(row.external_id, {}) if row.external_id else {}
    others = sorted(
        email for user_id, email in owners.items() if user is None or user_id != user.pk
    )
    if others:
        return RowPlan(
            row=row,
            action=RowAction.ERROR,
            errors=[
                f"External ID “{row.external_id}” already belongs to {others[0]} in this "
                f"program, not to {row.email}. If this person's e-mail address changed, "
                "change it in Dyad first; otherwise correct the ID."
            ],
        )
    if user is None:
        return RowPlan(row=row, action=RowAction.CREATE)
    changes = _name_changes(user, row)
    membership = by_role.get((user.pk, row.role))
    if membership is None:
        return RowPlan(row=row, action=RowAction.ADD_ROLE, changes=changes, user=user)
    changes += _membership_changes(membership, row)
    action = RowAction.UPDATE if changes else RowAction.UNCHANGED
    return RowPlan(row=row, action=action, changes=changes, user=user, membership=membership)


def _name_changes(user, row) -> list[FieldChange]:
    """Names fill blanks only: a name someone has set is theirs."""
    return [
        FieldChange(name, label, "", getattr(row, name))
        for name, label in NAME_FIELDS.items()
        if not getattr(user, name) and getattr(row, name)
    ]


def _membership_changes(membership, row) -> list[FieldChange]:
    changes = [
        FieldChange(name, label, getattr(membership, name), getattr(row, name))
        for name, label in MEMBERSHIP_FIELDS.items()
        if getattr(row, name) not in (None, "") and getattr(row, name) != getattr(membership, name)
    ]
    if not membership.is_active:
        changes.append(FieldChange("is_active", "Active", False, True))
    return changes


# --- applying --------------------------------------------------------------------------------


def roster_import_apply(
    *, roster_import: RosterImport, skip_errors: bool, acting_user
) -> RosterImport:
    """Apply a previewed import in one transaction, or raise RosterApplyError and write
    nothing. Rows in error are refused unless `skip_errors`; they are then kept in the
    summary for the skipped-rows report. New people's invitations are queued in the same
    transaction, for `send_invitations` to send."""
    try:
        with transaction.atomic():
            return _apply_locked(roster_import, skip_errors=skip_errors, acting_user=acting_user)
    except IntegrityError:
        logger.warning("Roster import %s collided with a concurrent change", roster_import.uuid)
        raise RosterApplyError(
            "Someone changed these people while the roster was being applied, so nothing was "
            "imported. Open the preview again and apply it once more."
        ) from None


def _apply_locked(roster_import, *, skip_errors, acting_user) -> RosterImport:
    program = roster_import.program
    # The lock makes a second, concurrent apply wait here and then see APPLIED.
    locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if locked.status == RosterImport.Status.APPLIED:
        raise RosterApplyError(
            "This roster has already been applied. Upload it again to re-run it."
        )
    locked.program = program
    plan = roster_import_plan(roster_import=locked)
    if plan.file_errors:
        raise RosterApplyError(" ".join(plan.file_errors))
    errors = plan.error_rows
    if errors and not skip_errors:
        raise RosterApplyError(
            f"{len(errors)} row{'s' if len(errors) != 1 else ''} of this roster "
            f"{'have' if len(errors) != 1 else 'has'} errors, so nothing was imported. "
            "Correct the file and upload it again, or tick “skip the rows in error”."
        )
    new_users = _apply_rows(plan.rows, program=program)
    counts = plan.counts
    locked.summary = {
        **locked.summary,
        "created": counts[RowAction.CREATE],
        "roles_added": counts[RowAction.ADD_ROLE],
        "updated": counts[RowAction.UPDATE],
        "unchanged": counts[RowAction.UNCHANGED],
        "skipped": len(errors),
        "skipped_rows": [{"line": rp.row.line, "errors": rp.errors} for rp in errors],
        "applied_by": acting_user.email if acting_user else "",
    }
    locked.status = RosterImport.Status.APPLIED
    locked.skipped_errors = bool(errors)
    locked.applied_at = timezone.now()
    locked.save(update_fields=["summary", "status", "skipped_errors", "applied_at"])
    audit_log(
        action=AuditAction.ROSTER_APPLIED,
        actor=acting_user,
        program=program,
        target=locked,
        data={k: v for k, v in locked.summary.items() if k != "skipped_rows"},
    )
    # Queued with the people, sent by `send_invitations`: never lost, never in the request.
    invitations_queue(program=program, users=new_users, invited_by=acting_user)
    return locked


def _apply_rows(rows: list[RowPlan], *, program: Program) -> list[User]:
    """Write the planned rows set-wise, a few queries per batch of rows whatever their
    number; return the people created."""
    creates = [rp for rp in rows if rp.action == RowAction.CREATE]
    new_users = User.objects.bulk_create(
        [_new_user(rp.row) for rp in creates], batch_size=BATCH_SIZE
    )
    roles = [(user, rp.row) for user, rp in zip(new_users, creates, strict=True)]
    roles += [(rp.user, rp.row) for rp in rows if rp.action == RowAction.ADD_ROLE]
    Membership.objects.bulk_create(
        [
            Membership(program=program, user=user, role=row.role, **_values(row))
            for user, row in roles
        ],
        batch_size=BATCH_SIZE,
    )
    changed = [rp for rp in rows if rp.action in (RowAction.ADD_ROLE, RowAction.UPDATE)]
    _bulk_save(User, [(rp.user, rp.changes) for rp in changed], NAME_FIELDS)
    _bulk_save(
        Membership,
        [(rp.membership, rp.changes) for rp in changed if rp.action == RowAction.UPDATE],
        {**MEMBERSHIP_FIELDS, "is_active": ""},
    )
    return new_users


def roster_plan_write(*, plan: RosterPlan, program: Program) -> list[User]:
    """Write the rows of a plan (the caller has refused or left out those in error), in
    the caller's transaction; return the people created. The REST API's roster sync
    applies its plans with it, as the import does."""
    return _apply_rows(plan.rows, program=program)


def _new_user(row: roster.RosterRow) -> User:
    # As create_user makes them, without a query each: no password until the invitation.
    # The random part (as make_password(None) writes, at a fraction of its cost) keeps each
    # person's invitation token their own.
    return User(
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
    )


def _values(row: roster.RosterRow) -> dict:
    return {name: getattr(row, name) for name in MEMBERSHIP_FIELDS}


def _bulk_save(model, items: list[tuple[models.Model, list[FieldChange]]], fields) -> None:
    """Set each object's changes among `fields` and write them in batches. Objects without
    such a change are not written (an unchanged row keeps its `updated_at`)."""
    touched, names = [], set()
    for obj, changes in items:
        mine = [change for change in changes if change.field in fields]
        for change in mine:
            setattr(obj, change.field, change.new)
        if mine:
            touched.append(obj)
            names.update(change.field for change in mine)
    if not touched:
        return
    if model is Membership:
        now = timezone.now()  # bulk_update does not apply auto_now
        for obj in touched:
            obj.updated_at = now
        names.add("updated_at")
    model.objects.bulk_update(touched, sorted(names), batch_size=BATCH_SIZE)


# --- reporting -------------------------------------------------------------------------------


def roster_error_report(*, roster_import: RosterImport) -> str:
    """The rows in error as CSV (see roster.error_report_csv): those skipped, once applied;
    those that would be, before."""
    parsed = roster_import_parse(roster_import)
    if roster_import.status == RosterImport.Status.APPLIED:
        skipped = {
            item["line"]: item["errors"] for item in roster_import.summary.get("skipped_rows", [])
        }
        rows = [(row, skipped[row.line]) for row in parsed.rows if row.line in skipped]
    else:
        plan = roster_plan(program=roster_import.program, parsed=parsed)
        rows = [(rp.row, rp.errors) for rp in plan.error_rows]
    return roster.error_report_csv(parsed.columns, rows)
