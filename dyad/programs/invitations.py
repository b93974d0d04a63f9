"""Invitations of new people: queued with the roster, sent by `manage.py send_invitations`.

Why a queue
-----------
Sending thousands of e-mails inside the request that applies a roster outlives any proxy
timeout: the roster committed, a part of the people were invited and nothing said which.
So applying a roster only queues one `Invitation` row per new person, in the same
transaction as the people themselves: either both exist or neither does.

Sending, at most once
---------------------
A run claims one row at a time, committed before its e-mail goes out: the row moves from
*queued* to *sending* by a conditional UPDATE, after a `select_for_update(skip_locked=True)`
pick on PostgreSQL, so two runs at once never claim the same row and never wait on each
other. After the send the row is marked *sent*.

- A send the mail server refuses puts the row back in the queue (the message did not
  leave) and stops the run: a server that is down would refuse the rest too. After
  `MAX_ATTEMPTS` the row is *failed*, and leaders can queue it again.
- A run that dies between a claim and the end of its send leaves that one row in *sending*.
  It is not sent again automatically, because its e-mail may have left. Leaders see such
  rows as not confirmed and can queue them again once they are stale.

Call `invitations_send` outside any transaction (the command does): each claim must
commit on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from dyad.accounts.models import User
from dyad.accounts.services import invitation_url
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.programs.models import Invitation, Program

MAX_ATTEMPTS = 3
# A claim older than this without being marked sent is a run that stopped, not one at work.
STALE_CLAIM = timedelta(minutes=15)


# --- queueing --------------------------------------------------------------------------------


def invitations_queue(*, program: Program, users: Iterable[User], invited_by=None) -> int:
    """Queue an invitation for each of `users` (people just added): one INSERT per batch.
    Runs in the caller's transaction."""
    now = timezone.now()
    rows = [
        Invitation(program=program, user=user, invited_by=invited_by, queued_at=now)
        for user in users
    ]
    Invitation.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def never_invited(program: Program):
    """Members of `program` who cannot log in and were never sent an invitation: people
    added before invitations were queued, whose e-mail was lost with the request."""
    return (
        User.objects.filter(memberships__program=program, memberships__is_active=True)
        .filter(password__startswith=UNUSABLE_PASSWORD_PREFIX, invited_at__isnull=True)
        .exclude(invitations__program=program)
        .distinct()
    )


def to_resend(program: Program, *, now: datetime | None = None):
    """Invitations leaders may queue again: failed, or claimed by a run that stopped."""
    now = now or timezone.now()
    stale = Q(state=Invitation.State.SENDING, claimed_at__lt=now - STALE_CLAIM)
    return program.invitations.filter(Q(state=Invitation.State.FAILED) | stale)


@dataclass(frozen=True)
class InvitationCounts:
    waiting: int
    sent: int
    failed: int
    unconfirmed: int
    never_invited: int

    @property
    def can_resend(self) -> int:
        return self.failed + self.unconfirmed + self.never_invited


def invitation_counts(program: Program, *, now: datetime | None = None) -> InvitationCounts:
    """What the roster page says about invitations, in two queries."""
    now = now or timezone.now()
    stale = Q(state=Invitation.State.SENDING, claimed_at__lt=now - STALE_CLAIM)
    counts = program.invitations.aggregate(
        queued=Count("pk", filter=Q(state=Invitation.State.QUEUED)),
        sending=Count("pk", filter=Q(state=Invitation.State.SENDING) & ~stale),
        unconfirmed=Count("pk", filter=stale),
        sent=Count("pk", filter=Q(state=Invitation.State.SENT)),
        failed=Count("pk", filter=Q(state=Invitation.State.FAILED)),
    )
    return InvitationCounts(
        waiting=counts["queued"] + counts["sending"],
        sent=counts["sent"],
        failed=counts["failed"],
        unconfirmed=counts["unconfirmed"],
        never_invited=never_invited(program).count(),
    )


@transaction.atomic
def invitation_resend(*, program: Program, user: User, acting_user) -> Invitation:
    """Queue the invitation of one person again: one never invited, one whose invitation
    failed, or one a stopped run left unconfirmed. Anything else is refused in words."""
    invitation = program.invitations.select_for_update().filter(user=user).first()
    if invitation is None:
        if not never_invited(program).filter(pk=user.pk).exists():
            raise ValidationError(
                f"{user.email} has already chosen a password or was invited: there is no "
                "invitation to send again."
            )
        invitation = Invitation.objects.create(
            program=program, user=user, invited_by=acting_user, queued_at=timezone.now()
        )
    elif not to_resend(program).filter(pk=invitation.pk).exists():
        raise ValidationError(_not_resendable(invitation))
    else:
        _requeue(program.invitations.filter(pk=invitation.pk), acting_user)
    audit_log(
        action=AuditAction.INVITATION_REQUEUED,
        actor=acting_user,
        program=program,
        target=user,
        data={"email": user.email},
    )
    return invitation


@transaction.atomic
def invitations_resend_all(*, program: Program, acting_user) -> int:
    """Queue again every invitation that failed or was left unconfirmed, and queue one for
    everyone never invited. Returns how many were queued; refuses when there are none."""
    requeued = _requeue(to_resend(program).select_for_update(), acting_user)
    fresh = invitations_queue(
        program=program, users=list(never_invited(program)), invited_by=acting_user
    )
    total = requeued + fresh
    if not total:
        raise ValidationError("Every invitation has been sent or is waiting to be sent.")
    audit_log(
        action=AuditAction.INVITATIONS_REQUEUED,
        actor=acting_user,
        program=program,
        data={"requeued": requeued, "never_invited": fresh},
    )
    return total


def _requeue(invitations, acting_user) -> int:
    pks = list(invitations.values_list("pk", flat=True))
    return Invitation.objects.filter(pk__in=pks).update(
        state=Invitation.State.QUEUED,
        attempts=0,
        last_error="",
        queued_at=timezone.now(),
        claimed_at=None,
        failed_at=None,
        invited_by=acting_user,
    )


def _not_resendable(invitation: Invitation) -> str:
    email = invitation.user.email
    if invitation.state == Invitation.State.SENT:
        return f"The invitation of {email} was sent. Ask them to look for it in their e-mail."
    return f"The invitation of {email} is waiting to be sent: it goes out within minutes."


# --- sending ---------------------------------------------------------------------------------


def invitation_claim() -> Invitation | None:
    """Move the oldest queued invitation to *sending* and commit; None when none is left.

    The conditional UPDATE is what guarantees a single claim (it also holds on SQLite,
    which has no row locks); `skip_locked` lets a concurrent run on PostgreSQL pass over
    the row being claimed instead of waiting for it.
    """
    while True:
        with transaction.atomic():
            pick = (
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(state=Invitation.State.QUEUED)
                .order_by("queued_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if pick is None:
                return None
            won = Invitation.objects.filter(pk=pick, state=Invitation.State.QUEUED).update(
                state=Invitation.State.SENDING,
                claimed_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
        if won:
            return Invitation.objects.select_related("user", "program").get(pk=pick)


def invitation_message(invitation: Invitation, *, connection=None) -> EmailMessage:
    user, program = invitation.user, invitation.program
    context = {"user": user, "program": program, "url": invitation_url(user)}
    return EmailMessage(
        subject=f"You are invited to {program.name} on Dyad",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[user.email],
        connection=connection,
    )


class SendStopped(Exception):
    """The mail server refused an invitation; the run stopped and the row is queued again
    (or failed, after MAX_ATTEMPTS)."""


def invitation_deliver(invitation: Invitation, *, connection) -> None:
    """Send a claimed invitation and mark it sent; on refusal, release it and stop."""
    try:
        invitation_message(invitation, connection=connection).send()
    except Exception as error:
        _release(invitation, error)
        raise SendStopped(f"{invitation.user.email}: {error}") from error
    invitation_mark_sent(invitation)


def invitation_mark_sent(invitation: Invitation) -> None:
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, state=Invitation.State.SENDING).update(
            state=Invitation.State.SENT, sent_at=now
        )
        User.objects.filter(pk=invitation.user_id).update(invited_at=now)


def _release(invitation: Invitation, error: Exception) -> None:
    failed = invitation.attempts >= MAX_ATTEMPTS
    Invitation.objects.filter(pk=invitation.pk, state=Invitation.State.SENDING).update(
        state=Invitation.State.FAILED if failed else Invitation.State.QUEUED,
        failed_at=timezone.now() if failed else None,
        claimed_at=None,
        last_error=str(error)[:500],
    )


def invitations_send(*, limit: int | None = None, report=None) -> int:
    """Send queued invitations, oldest first, until none is left (or `limit`); returns how
    many were sent. Raises SendStopped when the mail server refuses one."""
    sent = 0
    with get_connection() as connection:
        while limit is None or sent < limit:
            invitation = invitation_claim()
            if invitation is None:
                break
            invitation_deliver(invitation, connection=connection)
            sent += 1
            if report:
                report(invitation)
    return sent
