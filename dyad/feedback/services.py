"""360° feedback: preparing a cycle, inviting raters, taking their answers, closing.

The audit log records that a cycle was prepared, opened and closed and how many raters
were invited, never who answered nor what, and keeps these entries out of the program's
audit page (see `_audit`). Raters have no account: they are written to
directly, and their link carries a token of which only the hash is kept (see models).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dyad import policy
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.feedback.models import (
    DEFAULT_ITEMS,
    Answer,
    Cycle,
    CycleState,
    Item,
    ItemKind,
    Rater,
    Response,
    hash_token,
    new_token,
)
from dyad.notifications import send_notice

# How long a cycle stays open by default, and when a rater who has not answered is reminded.
DEFAULT_DAYS_OPEN = 21
REMIND_AFTER_DAYS = 7
REMIND_DAYS_BEFORE_CLOSE = 3


def _audit(action: AuditAction, cycle: Cycle, actor, **data) -> None:
    """Recorded outside the program's audit log (no program): its readers are leaders, who
    may not learn that a 360° feedback exists. The institution's administrators see it."""
    relationship = cycle.relationship
    audit_log(
        action=action,
        actor=actor,
        target=cycle,
        data={"program": relationship.program.slug, "relationship": str(relationship.uuid), **data},
    )


def _require_party(cycle: Cycle, acting_user) -> None:
    if not policy.is_party(acting_user, cycle.relationship):
        raise ValidationError("Only the coachee and the coach take part in a 360° cycle.")


def _require_draft(cycle: Cycle) -> None:
    if not cycle.is_draft:
        raise ValidationError("The cycle is open: its dates and questions can no longer change.")


def _check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on <= opens_on:
        raise ValidationError({"closes_on": "The cycle must close after it opens."})


@transaction.atomic
def cycle_create(*, relationship, acting_user, name: str, opens_on: date, closes_on: date) -> Cycle:
    """Prepare a cycle with the default questions, which stay editable until it opens."""
    if not policy.is_party(acting_user, relationship):
        raise ValidationError("Only the coachee and the coach prepare a 360° cycle.")
    if not policy.can_run_360(relationship):
        raise ValidationError("360° feedback runs in an active coaching relationship.")
    _check_dates(opens_on, closes_on)
    cycle = Cycle.objects.create(
        relationship=relationship,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=acting_user,
    )
    Item.objects.bulk_create(
        Item(cycle=cycle, position=n, kind=kind, area=area, text=text)
        for n, (kind, area, text) in enumerate(DEFAULT_ITEMS, start=1)
    )
    _audit(AuditAction.FEEDBACK_CYCLE_CREATED, cycle, acting_user)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, acting_user, name: str, opens_on: date, closes_on: date) -> Cycle:
    cycle = Cycle.objects.select_for_update().select_related("relationship").get(pk=cycle.pk)
    _require_party(cycle, acting_user)
    _require_draft(cycle)
    _check_dates(opens_on, closes_on)
    cycle.name, cycle.opens_on, cycle.closes_on = name, opens_on, closes_on
    cycle.save(update_fields=["name", "opens_on", "closes_on"])
    return cycle


@transaction.atomic
def item_add(*, cycle: Cycle, acting_user, kind: str, area: str, text: str) -> Item:
    cycle = Cycle.objects.select_for_update().select_related("relationship").get(pk=cycle.pk)
    _require_party(cycle, acting_user)
    _require_draft(cycle)
    if kind == ItemKind.RATING and not area:
        raise ValidationError({"area": "Choose the area a rated statement is about."})
    last = cycle.items.aggregate(last=Max("position"))["last"] or 0
    return Item.objects.create(
        cycle=cycle,
        position=last + 1,
        kind=kind,
        area=area if kind == ItemKind.RATING else "",
        text=text,
    )


@transaction.atomic
def item_remove(*, item: Item, acting_user) -> Cycle:
    cycle = Cycle.objects.select_for_update().select_related("relationship").get(pk=item.cycle_id)
    _require_party(cycle, acting_user)
    _require_draft(cycle)
    others = cycle.items.exclude(pk=item.pk)
    if item.kind == ItemKind.RATING and not others.filter(kind=ItemKind.RATING).exists():
        raise ValidationError("Keep at least one rated statement.")
    item.delete()
    return cycle


def _answer_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("feedback:answer", args=[token])


def _mail_rater(rater: Rater, token: str, *, template: str, subject: str) -> None:
    """Write to a rater once the transaction commits. The e-mail names the coachee and the
    closing date, and carries the link; nothing of anyone's answers."""
    cycle = rater.cycle
    context = {
        "rater": rater,
        "coachee": cycle.relationship.learner,
        "cycle": cycle,
        "url": _answer_url(token),
    }
    body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [rater.email]))


def _invite(rater: Rater, now) -> None:
    token, rater.token_hash = new_token()
    rater.invited_at = now
    rater.save(update_fields=["token_hash", "invited_at"])
    coachee = rater.cycle.relationship.learner.full_name
    _mail_rater(
        rater,
        token,
        template="feedback/email/invitation.txt",
        subject=f"{coachee} asks for your feedback",
    )


@transaction.atomic
def rater_add(*, cycle: Cycle, acting_user, group: str, name: str, email: str) -> Rater:
    """Name a rater (the coachee only). Once the cycle is open they are invited at once."""
    cycle = Cycle.objects.select_for_update().select_related("relationship").get(pk=cycle.pk)
    if not policy.is_coachee(acting_user, cycle.relationship):
        raise ValidationError("The coachee names the raters.")
    if cycle.is_closed_on(timezone.localdate()):
        raise ValidationError("The cycle is closed: no one can be added.")
    email = email.strip().lower()
    if cycle.raters.filter(email__iexact=email).exists():
        raise ValidationError({"email": "This person is already on the list."})
    try:
        with transaction.atomic():
            rater = Rater.objects.create(cycle=cycle, group=group, name=name, email=email)
    except IntegrityError:
        raise ValidationError({"email": "This person is already on the list."}) from None
    if cycle.state == CycleState.OPEN:
        _invite(rater, timezone.now())
        _audit(AuditAction.FEEDBACK_RATERS_INVITED, cycle, acting_user, count=1)
    return rater


@transaction.atomic
def rater_remove(*, rater: Rater, acting_user) -> Cycle:
    cycle = Cycle.objects.select_for_update().select_related("relationship").get(pk=rater.cycle_id)
    if not policy.is_coachee(acting_user, cycle.relationship):
        raise ValidationError("The coachee names the raters.")
    if not cycle.is_draft:
        raise ValidationError("Invitations have gone out: the list can grow but not shrink.")
    rater.delete()
    return cycle


def _check_ready(cycle: Cycle) -> list[Rater]:
    if timezone.localdate() >= cycle.closes_on:
        raise ValidationError("The closing date has come: move it later to open the cycle.")
    raters = list(cycle.raters.all())
    if not raters:
        raise ValidationError("Name at least one rater before opening the cycle.")
    if not cycle.items.filter(kind=ItemKind.RATING).exists():
        raise ValidationError("Keep at least one rated statement.")
    return raters


def _open(cycle: Cycle, raters: list[Rater], acting_user) -> Cycle:
    now = timezone.now()
    cycle.state, cycle.opened_at, cycle.opens_by_itself = CycleState.OPEN, now, False
    cycle.save(update_fields=["state", "opened_at", "opens_by_itself"])
    for rater in raters:
        rater.cycle = cycle
        _invite(rater, now)
    _audit(AuditAction.FEEDBACK_CYCLE_OPENED, cycle, acting_user)
    groups = Counter(rater.group for rater in raters)
    _audit(AuditAction.FEEDBACK_RATERS_INVITED, cycle, acting_user, count=len(raters), **groups)
    return cycle


def _locked(pk: int) -> Cycle:
    return (
        Cycle.objects.select_for_update()
        .select_related("relationship__learner", "relationship__program")
        .get(pk=pk)
    )


@transaction.atomic
def cycle_open(*, cycle: Cycle, acting_user) -> Cycle:
    """Open the cycle and send every rater their link; before its opening date, mark it
    to open by itself on that date (the scheduled command does it)."""
    cycle = _locked(cycle.pk)
    _require_party(cycle, acting_user)
    _require_draft(cycle)
    raters = _check_ready(cycle)
    if timezone.localdate() < cycle.opens_on:
        cycle.opens_by_itself = True
        cycle.save(update_fields=["opens_by_itself"])
        return cycle
    return _open(cycle, raters, acting_user)


def cycles_open_due(*, today: date | None = None) -> int:
    """Open the cycles marked to open by themselves whose date has come. One that is no
    longer ready (its raters removed, its closing date passed) waits for its coachee."""
    today = today or timezone.localdate()
    opened = 0
    due = Cycle.objects.filter(state=CycleState.DRAFT, opens_by_itself=True, opens_on__lte=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            cycle = _locked(pk)
            if not (cycle.is_draft and cycle.opens_by_itself):
                continue
            try:
                raters = _check_ready(cycle)
            except ValidationError:
                cycle.opens_by_itself = False
                cycle.save(update_fields=["opens_by_itself"])
                continue
            _open(cycle, raters, None)
            opened += 1
    return opened


def _close(cycle: Cycle, acting_user, *, why: str) -> Cycle:
    cycle.state, cycle.closed_at = CycleState.CLOSED, timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    _audit(AuditAction.FEEDBACK_CYCLE_CLOSED, cycle, acting_user, why=why)
    relationship = cycle.relationship
    send_notice(
        to=[
            u
            for u in (relationship.learner, relationship.guide)
            if policy.can_receive_360_mail(u, cycle)
        ],
        subject="360° feedback: the results are ready",
        template="feedback/email/results_ready.txt",
        context={"cycle": cycle, "url": cycle.get_absolute_url()},
    )
    return cycle


@transaction.atomic
def cycle_close(*, cycle: Cycle, acting_user) -> Cycle:
    """Close an open cycle before its date: links stop working, the results can be read."""
    cycle = (
        Cycle.objects.select_for_update()
        .select_related("relationship__learner", "relationship__guide", "relationship__program")
        .get(pk=cycle.pk)
    )
    _require_party(cycle, acting_user)
    if cycle.state != CycleState.OPEN:
        raise ValidationError("Only an open cycle can be closed.")
    return _close(cycle, acting_user, why="closed early")


def cycles_close_due(*, today: date | None = None) -> int:
    """Close the open cycles whose closing date has passed (the scheduled command)."""
    today = today or timezone.localdate()
    closed = 0
    for pk in Cycle.objects.filter(state=CycleState.OPEN, closes_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            cycle = (
                Cycle.objects.select_for_update()
                .select_related(
                    "relationship__learner", "relationship__guide", "relationship__program"
                )
                .get(pk=pk)
            )
            if cycle.state == CycleState.OPEN:
                _close(cycle, None, why="closing date")
                closed += 1
    return closed


# --- answering ---------------------------------------------------------------------------


class LinkRefused(Exception):
    """A rater's link that cannot be used: `reason` is "unknown", "used" or "closed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


REFUSALS = {
    "unknown": "This link is not valid. Check that it was copied whole from the e-mail.",
    "used": "This link has already been used: your answers were recorded. Each link works once.",
    "closed": "This feedback round has closed: answers are no longer taken.",
}


def rater_for_token(token: str, *, today: date | None = None, lock: bool = False) -> Rater:
    """The rater whose link this is, if it can still be used; LinkRefused otherwise."""
    if not token or len(token) > 100 or "\x00" in token:
        raise LinkRefused("unknown")
    raters = Rater.objects.select_related(
        "cycle__relationship__learner", "cycle__relationship__program"
    )
    if lock:
        raters = raters.select_for_update()
    rater = raters.filter(token_hash=hash_token(token)).first()
    if rater is None:
        raise LinkRefused("unknown")
    if rater.answered:
        raise LinkRefused("used")
    if not rater.cycle.takes_answers_on(today or timezone.localdate()):
        raise LinkRefused("closed")
    return rater


@transaction.atomic
def response_submit(*, token: str, ratings: dict, texts: dict) -> Cycle:
    """Record a rater's answers, once. `ratings` maps rated items to 1–5 or None ("can't
    say"), `texts` free-text items to their text. The response is stored apart from the
    rater, who keeps only "answered"; the last answer closes the cycle."""
    try:
        rater = rater_for_token(token, lock=True)
    except LinkRefused as refused:
        raise ValidationError(REFUSALS[refused.reason]) from None
    cycle = rater.cycle
    items = {item.pk: item for item in cycle.items.all()}
    response = Response.objects.create(cycle=cycle, group=rater.group)
    rows = []
    for item in items.values():
        if item.kind == ItemKind.RATING:
            value = ratings.get(item.pk)
            if value is not None and not 1 <= value <= 5:
                raise ValidationError("Ratings go from 1 to 5.")
            rows.append(Answer(response=response, item=item, rating=value))
        elif text := (texts.get(item.pk) or "").strip():
            rows.append(Answer(response=response, item=item, text=text))
    Answer.objects.bulk_create(rows)
    Rater.objects.filter(pk=rater.pk).update(answered=True)
    if not cycle.raters.filter(answered=False).exists():
        cycle = (
            Cycle.objects.select_for_update()
            .select_related("relationship__learner", "relationship__guide", "relationship__program")
            .get(pk=cycle.pk)
        )
        if cycle.state == CycleState.OPEN:
            _close(cycle, None, why="everyone answered")
    return cycle


# --- reminders (the scheduled command) -------------------------------------------------------


def reminder_due(*, now=None):
    """Raters who have not answered, were invited, were never reminded, and whose cycle
    still takes answers: either invited a week ago or more, or the cycle closes soon."""
    from datetime import timedelta

    from django.db.models import Q

    now = now or timezone.now()
    today = timezone.localdate(now)
    return Rater.objects.filter(
        answered=False,
        reminded_at__isnull=True,
        invited_at__isnull=False,
        cycle__state=CycleState.OPEN,
        cycle__closes_on__gte=today,
    ).filter(
        Q(invited_at__lte=now - timedelta(days=REMIND_AFTER_DAYS))
        | Q(cycle__closes_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE_CLOSE))
    )


def reminder_claim(rater_pk: int, *, now=None) -> tuple[Rater, str] | None:
    """Claim one rater's reminder and give them a new link, committed before anything is
    sent: the claim is a conditional UPDATE, so two runs never both win it. The new link
    replaces the invitation's (only a hash is kept, so the old one cannot be sent again)."""
    now = now or timezone.now()
    token, token_hash = new_token()
    with transaction.atomic():
        won = Rater.objects.filter(pk=rater_pk, reminded_at__isnull=True, answered=False).update(
            reminded_at=now, token_hash=token_hash
        )
    if not won:
        return None
    rater = Rater.objects.select_related("cycle__relationship__learner").get(pk=rater_pk)
    return rater, token


def reminders_send(*, now=None) -> int:
    """Remind every rater due a reminder, once; returns how many were sent. Call it
    outside a transaction (the command does): each claim commits on its own. A rerun, or
    a run at the same time, finds the claimed raters taken and sends nothing twice.

    A send the mail server refuses releases the claim (the rater is reminded, with yet
    another link, on the next run) and stops the run: a server that is down would refuse
    the rest too."""
    sent = 0
    for pk in list(reminder_due(now=now).values_list("pk", flat=True)):
        claimed = reminder_claim(pk, now=now)
        if claimed is None:
            continue
        rater, token = claimed
        coachee = rater.cycle.relationship.learner
        context = {"rater": rater, "coachee": coachee, "cycle": rater.cycle}
        body = render_to_string(
            "feedback/email/reminder.txt", {**context, "url": _answer_url(token)}
        )
        subject = f"Reminder: {coachee.full_name} asks for your feedback"
        try:
            send_mail(subject, body, None, [rater.email])
        except Exception:
            Rater.objects.filter(pk=rater.pk, answered=False).update(reminded_at=None)
            raise
        sent += 1
    return sent
