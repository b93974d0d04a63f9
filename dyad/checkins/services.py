"""Writes on pairing-fit check-ins: each checks, writes and audits in one transaction.

The audit entries name the relationship as their target, so that a director who is a
party to it never reads them (dyad.policy.visible_audit_entries)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dyad import policy
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.checkins import selectors
from dyad.checkins.models import CheckIn, CheckInReminder
from dyad.lib import checkins as rules
from dyad.lib.dates import format_day
from dyad.notifications import send_notice
from dyad.programs.models import Membership
from dyad.relationships.models import State


@transaction.atomic
def checkin_record(*, relationship, rating, comment, acting_user, today=None) -> CheckIn:
    """The acting party's answer for the period now due. A low rating alerts the program's
    leaders who are not a party to the pairing; the other party learns nothing."""
    today = today or timezone.localdate()
    if not policy.is_party(acting_user, relationship) or relationship.state != State.ACTIVE:
        raise ValidationError("Only the two people of an active pairing check in on it.")
    due = selectors.due_in(relationship, acting_user, today)
    if not rules.is_due(due, today):
        when = f" You will be asked again on {format_day(due)}." if due else ""
        raise ValidationError(f"No check-in is due for this pairing now.{when}")
    if rating not in rules.SCALE:
        raise ValidationError({"rating": "Choose a point from 1 to 5."})
    program = relationship.program
    checkin = CheckIn(
        relationship=relationship,
        rater=acting_user,
        due_on=due,
        rating=rating,
        comment=comment.strip(),
        is_low=rules.is_low(rating, program.checkin_low_threshold),
    )
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        raise ValidationError("You have already answered this check-in.") from None
    audit_log(
        action=AuditAction.CHECKIN_RECORDED,
        actor=acting_user,
        program=program,
        target=relationship,
        data={"checkin": str(checkin.uuid), "low": checkin.is_low},
    )
    if checkin.is_low:
        _alert_leaders(checkin)
    return checkin


def alert_recipients(relationship) -> list:
    leaders = (
        Membership.objects.active()
        .leaders()
        .filter(program=relationship.program)
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in leaders}
    return [u for u in users.values() if policy.receives_checkin_alert(u, relationship)]


def _alert_leaders(checkin: CheckIn) -> None:
    """A neutral notice with a link: never the rating's comment, nor who rated."""
    relationship = checkin.relationship
    program = relationship.program
    send_notice(
        to=alert_recipients(relationship),
        subject=f"A pairing-fit check-in needs your attention · {program.name}",
        template="checkins/email/alert.txt",
        context={
            "program": program,
            "kind": relationship.get_kind_display().lower(),
            "url": reverse("checkins:detail", args=[program.slug, checkin.uuid]),
        },
    )


@transaction.atomic
def checkin_follow_up(*, checkin, acting_user) -> CheckIn:
    """Record that a leader followed up a low rating (who and when)."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if not checkin.is_low:
        raise ValidationError("Only a low rating is followed up.")
    if checkin.followed_up_at is not None:
        raise ValidationError("Already marked as followed up.")
    checkin.followed_up_at = timezone.now()
    checkin.followed_up_by = acting_user
    checkin.save(update_fields=["followed_up_at", "followed_up_by"])
    relationship = checkin.relationship
    audit_log(
        action=AuditAction.CHECKIN_FOLLOWED_UP,
        actor=acting_user,
        program=relationship.program,
        target=relationship,
        data={"checkin": str(checkin.uuid)},
    )
    return checkin


@transaction.atomic
def checkin_settings_save(*, program, interval_months, low_threshold, acting_user):
    program.checkin_interval_months = interval_months
    program.checkin_low_threshold = low_threshold
    program.full_clean()
    program.save(update_fields=["checkin_interval_months", "checkin_low_threshold"])
    audit_log(
        action=AuditAction.CHECKIN_SETTINGS_SAVED,
        actor=acting_user,
        program=program,
        target=program,
        data={"interval_months": interval_months, "low_threshold": low_threshold},
    )
    return program


def _claim(relationship, user, due_on, now: datetime) -> CheckInReminder | None:
    """Claim one period's reminder in its own transaction; None if already claimed."""
    try:
        with transaction.atomic():
            return CheckInReminder.objects.create(
                relationship=relationship, user=user, due_on=due_on, claimed_at=now
            )
    except IntegrityError:
        return None


def reminders_send(*, now=None) -> int:
    """Remind each party whose check-in has been due longer than the reminder waits, once
    per period; returns how many were sent. Call it outside a transaction: each claim
    commits on its own, so a rerun or a run at the same time sends nothing twice. A send
    the mail server refuses releases its claim and stops the run."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for relationship, party, due_on in list(selectors.parties_due(today)):
        if not rules.is_overdue(due_on, today) or not (party.is_active and party.email):
            continue
        claim = _claim(relationship, party, due_on, now)
        if claim is None:
            continue
        program = relationship.program
        path = reverse("checkins:new", args=[program.slug, relationship.uuid])
        body = render_to_string(
            "checkins/email/reminder.txt",
            {
                "recipient": party,
                "program": program,
                "kind": relationship.get_kind_display().lower(),
                "url": settings.SITE_URL + path,
            },
        )
        try:
            send_mail(f"How is your pairing going? · {program.name}", body, None, [party.email])
        except Exception:
            claim.delete()
            raise
        CheckInReminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
