"""Program surveys: the program's questions, cycles, invitations, answers, reminders.

The audit log records changes to questions, cycles opened and closed with how many were
invited, and comments picked for the report; never who answered nor what. An answer is
written as a `Response` that names nobody, in the same transaction as the invitation's
`answered` (see models).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dyad import policy
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.notifications import send_notice
from dyad.programs.models import Membership, Role
from dyad.relationships.models import Relationship, State
from dyad.surveys.models import (
    DEFAULT_QUESTIONS,
    Answer,
    Audience,
    Cycle,
    CycleQuestion,
    CycleState,
    Invitation,
    Question,
    QuestionKind,
    Respondent,
    Response,
    asks,
)

COPIED = ("position", "kind", "audience", "text", "low_label", "high_label", "options")


def _require_leader(program, acting_user) -> None:
    from dyad.access import viewer_for

    if not policy.can_run_surveys(viewer_for(acting_user, program)):
        raise ValidationError("Only the program's leaders run its surveys.")


# --- questions ----------------------------------------------------------------------------


def questions_ensure(program) -> None:
    """Give the program the default questions the first time its surveys are used."""
    if Question.objects.filter(program=program).exists():
        return
    Question.objects.bulk_create(
        Question(
            program=program,
            position=n,
            kind=kind,
            audience=audience,
            text=text,
            low_label=low,
            high_label=high,
            options=options,
            satisfaction=satisfaction,
        )
        for n, (kind, audience, text, low, high, options, satisfaction) in enumerate(
            DEFAULT_QUESTIONS, start=1
        )
    )


def _clean_question(
    *, kind: str, low_label: str, high_label: str, options: list[str], satisfaction: bool
) -> dict:
    if kind == QuestionKind.CHOICE and len(options) < 2:
        raise ValidationError({"options": "A single-choice question needs two options or more."})
    if kind != QuestionKind.SCALE and satisfaction:
        raise ValidationError({"satisfaction": "Only a 1–5 scale counts toward satisfaction."})
    return {
        "low_label": low_label if kind == QuestionKind.SCALE else "",
        "high_label": high_label if kind == QuestionKind.SCALE else "",
        "options": options if kind == QuestionKind.CHOICE else [],
        "satisfaction": satisfaction and kind == QuestionKind.SCALE,
    }


@transaction.atomic
def question_create(
    *,
    program,
    acting_user,
    kind: str,
    audience: str,
    text: str,
    low_label: str = "",
    high_label: str = "",
    options: list[str] | None = None,
    satisfaction: bool = False,
) -> Question:
    _require_leader(program, acting_user)
    questions_ensure(program)
    cleaned = _clean_question(
        kind=kind,
        low_label=low_label,
        high_label=high_label,
        options=options or [],
        satisfaction=satisfaction,
    )
    last = Question.objects.filter(program=program).aggregate(last=Max("position"))["last"] or 0
    question = Question.objects.create(
        program=program, position=last + 1, kind=kind, audience=audience, text=text, **cleaned
    )
    audit_log(
        action=AuditAction.SURVEY_QUESTIONS_CHANGED,
        actor=acting_user,
        program=program,
        target=question,
        data={"change": "added"},
    )
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    acting_user,
    audience: str,
    text: str,
    low_label: str = "",
    high_label: str = "",
    options: list[str] | None = None,
    satisfaction: bool = False,
) -> Question:
    """Change a question's wording (its kind stays: past answers were given to that kind).
    Cycles already open keep the wording they were opened with."""
    _require_leader(question.program, acting_user)
    cleaned = _clean_question(
        kind=question.kind,
        low_label=low_label,
        high_label=high_label,
        options=options or [],
        satisfaction=satisfaction,
    )
    question.audience, question.text = audience, text
    for name, value in cleaned.items():
        setattr(question, name, value)
    question.save()
    _question_changed(question, acting_user, "edited")
    return question


@transaction.atomic
def question_move(*, question: Question, acting_user, up: bool) -> Question:
    """Swap the question with the one before (up) or after it among the active ones."""
    _require_leader(question.program, acting_user)
    siblings = list(
        Question.objects.select_for_update()
        .filter(program=question.program, retired=False)
        .order_by("position", "pk")
    )
    index = next((i for i, q in enumerate(siblings) if q.pk == question.pk), None)
    if index is None:
        raise ValidationError("A retired question has no place in the list.")
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return question
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            Question.objects.filter(pk=sibling.pk).update(position=position)
    _question_changed(question, acting_user, "moved up" if up else "moved down")
    return question


@transaction.atomic
def question_retire(*, question: Question, acting_user) -> Question:
    """Stop asking the question in new cycles; answers already given stay."""
    _require_leader(question.program, acting_user)
    question.retired = True
    question.save(update_fields=["retired"])
    _question_changed(question, acting_user, "retired")
    return question


def _question_changed(question: Question, acting_user, change: str) -> None:
    audit_log(
        action=AuditAction.SURVEY_QUESTIONS_CHANGED,
        actor=acting_user,
        program=question.program,
        target=question,
        data={"change": change},
    )


# --- cycles -------------------------------------------------------------------------------


def _check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on <= opens_on:
        raise ValidationError({"closes_on": "The survey must close after it opens."})


@transaction.atomic
def cycle_create(
    *, program, acting_user, name: str, audience: str, opens_on: date, closes_on: date
) -> Cycle:
    """Schedule a cycle. It opens on its date (the scheduled command), or when a leader
    opens it; its questions are copied then."""
    _require_leader(program, acting_user)
    _check_dates(opens_on, closes_on)
    questions_ensure(program)
    cycle = Cycle.objects.create(
        program=program,
        name=name,
        audience=audience,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=acting_user,
    )
    audit_log(
        action=AuditAction.SURVEY_CYCLE_CREATED, actor=acting_user, program=program, target=cycle
    )
    return cycle


def audience_of(program, audience: str) -> dict[int, str]:
    """The program's current members a cycle for `audience` asks, each as one respondent:
    as a learner if they hold a learner role, otherwise as a guide (faculty who guide)."""
    rows = Membership.objects.active().filter(program=program, user__is_active=True)
    roles: dict[int, set[str]] = {}
    for user_id, role in rows.values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    guide_roles = Role.guides() - Role.leaders()
    asked = {}
    for user_id, held in roles.items():
        if held & Role.learners():
            respondent = Respondent.LEARNER
        elif held & guide_roles:
            respondent = Respondent.GUIDE
        else:
            continue
        if asks(audience, respondent):
            asked[user_id] = respondent
    return asked


def _lock(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().select_related("program").get(pk=cycle.pk)


def _open(cycle: Cycle, acting_user) -> Cycle:
    now = timezone.now()
    cycle.state, cycle.opened_at = CycleState.OPEN, now
    cycle.save(update_fields=["state", "opened_at"])
    questions_ensure(cycle.program)
    sources = [
        q
        for q in Question.objects.filter(program=cycle.program, retired=False)
        if cycle.audience == Audience.BOTH
        or q.audience == Audience.BOTH
        or q.audience == cycle.audience
    ]
    CycleQuestion.objects.bulk_create(
        CycleQuestion(
            cycle=cycle,
            source=q,
            satisfaction=q.satisfaction,
            **{name: getattr(q, name) for name in COPIED},
        )
        for q in sources
    )
    asked = audience_of(cycle.program, cycle.audience)
    Invitation.objects.bulk_create(
        Invitation(cycle=cycle, user_id=user_id, respondent=respondent)
        for user_id, respondent in asked.items()
    )
    audit_log(
        action=AuditAction.SURVEY_CYCLE_OPENED,
        actor=acting_user,
        program=cycle.program,
        target=cycle,
        data={"invited": len(asked)},
    )
    from dyad.accounts.models import User

    send_notice(
        to=[
            u for u in User.objects.filter(pk__in=list(asked)) if policy.can_receive_survey_mail(u)
        ],
        subject=f"{cycle.program.name}: a short survey about mentoring",
        template="surveys/email/invitation.txt",
        context={"cycle": cycle, "url": answer_url(cycle)},
    )
    return cycle


def answer_url(cycle: Cycle) -> str:
    from django.urls import reverse

    return reverse("surveys:answer", args=[cycle.program.slug, cycle.uuid])


@transaction.atomic
def cycle_open(*, cycle: Cycle, acting_user) -> Cycle:
    """Open a scheduled cycle now: copy the questions, invite the audience, write to them."""
    cycle = _lock(cycle)
    _require_leader(cycle.program, acting_user)
    if cycle.state != CycleState.SCHEDULED:
        raise ValidationError("This survey has already been opened.")
    if timezone.localdate() > cycle.closes_on:
        raise ValidationError("Its closing date has passed: schedule a new survey instead.")
    return _open(cycle, acting_user)


def _close(cycle: Cycle, acting_user, *, why: str) -> Cycle:
    cycle.state, cycle.closed_at = CycleState.CLOSED, timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    audit_log(
        action=AuditAction.SURVEY_CYCLE_CLOSED,
        actor=acting_user,
        program=cycle.program,
        target=cycle,
        data={"why": why, "answered": cycle.invitations.filter(answered=True).count()},
    )
    return cycle


@transaction.atomic
def cycle_close(*, cycle: Cycle, acting_user) -> Cycle:
    cycle = _lock(cycle)
    _require_leader(cycle.program, acting_user)
    if cycle.state != CycleState.OPEN:
        raise ValidationError("Only an open survey can be closed.")
    return _close(cycle, acting_user, why="closed by a leader")


def cycles_open_due(*, today: date | None = None) -> int:
    """Open the scheduled cycles whose opening date has come (the scheduled command)."""
    today = today or timezone.localdate()
    opened = 0
    due = Cycle.objects.filter(
        state=CycleState.SCHEDULED, opens_on__lte=today, closes_on__gte=today
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            cycle = _lock(Cycle(pk=pk))
            if cycle.state == CycleState.SCHEDULED:
                _open(cycle, None)
                opened += 1
    return opened


def cycles_close_due(*, today: date | None = None) -> int:
    """Close the cycles past their closing date (the scheduled command)."""
    today = today or timezone.localdate()
    closed = 0
    due = Cycle.objects.filter(state=CycleState.OPEN, closes_on__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            cycle = _lock(Cycle(pk=pk))
            if cycle.state == CycleState.OPEN:
                _close(cycle, None, why="closing date")
                closed += 1
    return closed


# --- answering ----------------------------------------------------------------------------


class AlreadyAnswered(ValidationError):
    """The person has answered this cycle: each answers once."""


def pgy_band(pgy: int | None) -> str:
    if not pgy:
        return ""
    return f"PGY-{pgy}" if pgy < 3 else "PGY-3+"


def attributes_of(cycle: Cycle, user, respondent: str) -> dict:
    """The coarse attributes a response keeps: PGY band (learners) and the kinds of
    guidance the person is in today (as learner, or as guide)."""
    band = ""
    if respondent == Respondent.LEARNER:
        levels = Membership.objects.active().filter(
            program=cycle.program, user=user, role__in=Role.learners(), pgy__isnull=False
        )
        band = pgy_band(levels.aggregate(top=Max("pgy"))["top"])
    side = "learner" if respondent == Respondent.LEARNER else "guide"
    kinds = (
        Relationship.objects.filter(program=cycle.program, state=State.ACTIVE, **{side: user})
        .values_list("kind", flat=True)
        .distinct()
    )
    return {"pgy_band": band, "guidance": sorted(set(kinds))}


@transaction.atomic
def response_submit(*, cycle: Cycle, acting_user, answers: dict) -> Cycle:
    """Record a person's answers once. `answers` maps the cycle's question pks to a scale
    value, a choice or a text. The response names nobody; the invitation only learns
    that it was answered, in the same transaction."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("cycle__program")
        .filter(cycle=cycle, user=acting_user)
        .first()
    )
    if invitation is None:
        raise ValidationError("This survey was not sent to you.")
    if invitation.answered:
        raise AlreadyAnswered("You have already answered this survey.")
    cycle = invitation.cycle
    if not cycle.takes_answers_on(timezone.localdate()):
        raise ValidationError("This survey has closed: answers are no longer taken.")
    questions = [q for q in cycle.questions.all() if asks(q.audience, invitation.respondent)]
    response = Response.objects.create(
        cycle=cycle,
        respondent=invitation.respondent,
        **attributes_of(cycle, acting_user, invitation.respondent),
    )
    rows = []
    for q in questions:
        value = answers.get(q.pk)
        if q.is_scale:
            if value is None or not 1 <= int(value) <= 5:
                raise ValidationError("Choose a value from 1 to 5 for every scale.")
            rows.append(Answer(response=response, question=q, scale=int(value)))
        elif q.is_choice:
            if value not in q.options:
                raise ValidationError("Choose one of the options of every question.")
            rows.append(Answer(response=response, question=q, choice=value))
        elif text := (value or "").strip():
            rows.append(Answer(response=response, question=q, text=text))
    Answer.objects.bulk_create(rows)
    # Nothing of when: the reminder's date goes too, so that it cannot bound the answer's.
    Invitation.objects.filter(pk=invitation.pk).update(answered=True, reminded_at=None)
    return cycle


@transaction.atomic
def answer_pick(*, answer: Answer, acting_user, picked: bool) -> Answer:
    """Pick (or unpick) a comment for the annual report."""
    cycle = answer.question.cycle
    _require_leader(cycle.program, acting_user)
    if not answer.question.is_text:
        raise ValidationError("Only comments are picked for the report.")
    Answer.objects.filter(pk=answer.pk).update(picked=picked)
    answer.picked = picked
    audit_log(
        action=AuditAction.SURVEY_ANSWER_PICKED,
        actor=acting_user,
        program=cycle.program,
        target=cycle,
        data={"question": str(answer.question.uuid), "picked": picked},
    )
    return answer


# --- reminders (the scheduled command) ------------------------------------------------------


def reminders_due(*, now=None):
    """Invitations not answered, of cycles still taking answers, never reminded or reminded
    at least DYAD_SURVEY_REMIND_EVERY_DAYS ago, and opened at least that long ago."""
    from django.db.models import Q

    now = now or timezone.now()
    every = timedelta(days=settings.DYAD_SURVEY_REMIND_EVERY_DAYS)
    return Invitation.objects.filter(
        answered=False,
        cycle__state=CycleState.OPEN,
        cycle__closes_on__gte=timezone.localdate(now),
        cycle__opened_at__lte=now - every,
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - every))


def reminder_claim(pk: int, *, now=None) -> Invitation | None:
    """Claim one reminder, committed before anything is sent: a conditional UPDATE, so two
    runs never both win it."""
    now = now or timezone.now()
    every = timedelta(days=settings.DYAD_SURVEY_REMIND_EVERY_DAYS)
    from django.db.models import Q

    with transaction.atomic():
        won = (
            Invitation.objects.filter(pk=pk, answered=False)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - every))
            .update(reminded_at=now)
        )
    if not won:
        return None
    return Invitation.objects.select_related("cycle__program", "user").get(pk=pk)


def reminders_send(*, now=None) -> int:
    """Remind everyone due a reminder, once; returns how many were sent. Call it outside a
    transaction (the command does): each claim commits on its own."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    sent = 0
    for pk in list(reminders_due(now=now).values_list("pk", flat=True)):
        invitation = reminder_claim(pk, now=now)
        if invitation is None or not policy.can_receive_survey_mail(invitation.user):
            continue
        cycle = invitation.cycle
        body = render_to_string(
            "surveys/email/reminder.txt",
            {
                "recipient": invitation.user,
                "cycle": cycle,
                "url": answer_url(cycle),
                "site_url": settings.SITE_URL,
            },
        )
        try:
            send_mail(f"Reminder: {cycle.name}", body, None, [invitation.user.email])
        except Exception:
            Invitation.objects.filter(pk=pk).update(reminded_at=None)
            raise
        sent += 1
    return sent
