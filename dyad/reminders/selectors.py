"""Which reminders a program owes at a given moment (SPEC M5).

Everything is read in a fixed number of queries per program, whatever its number of
relationships and meetings: the open relationships' scheduled meetings, the active
relationships (with their cadence through `cadence_of`), their acknowledged agreements,
the grace periods, the coordinators, the recipients' choices and the keys already claimed.

A reminder's key names one occurrence: the same meeting version, the same missed due date,
the same recipient. The claim in services.py makes each key go out at most once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dyad import policy
from dyad.lib.cadence import Status
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.meetings.selectors import cadence_of
from dyad.programs.models import Membership, Program
from dyad.relationships.models import SEAT_HOLDING_STATES, Agreement, Relationship, Scheduler, State
from dyad.reminders.models import Kind, ReminderLog, ReminderPreference

UPCOMING_WITHIN = timedelta(hours=24)
PREPARE_WITHIN = timedelta(hours=48)
# A meeting still 'scheduled' this long after its end has surely taken place or not.
LOG_AFTER = timedelta(hours=2)
# Older forgotten meetings get no nudge: the first run after deployment would otherwise
# mail about every meeting ever left open.
LOG_WITHIN = timedelta(days=14)
DEFAULT_GRACE_DAYS = CadencePolicy._meta.get_field("escalation_grace_days").default
LAPSED = frozenset({Status.OVERDUE, Status.FIRST_MEETING_MISSING})


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    key: str
    recipient: object
    program: Program
    subject: str
    template: str
    context: dict = field(default_factory=dict, compare=False)


def meeting_title(relationship, recipient) -> str:
    """'Mentoring meeting with Grace Ibe', as the recipient sees it (as in calendars)."""
    other = relationship.guide if recipient.pk == relationship.learner_id else relationship.learner
    return f"{relationship.get_kind_display()} meeting with {other.full_name or other.email}"


def enabled_kinds(user) -> set[Kind]:
    """The optional reminders the user receives: all of them unless turned off."""
    off = set(
        ReminderPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True)
    )
    return {kind for kind in Kind.optional() if kind not in off}


def reminders_due(program, *, now) -> list[Reminder]:
    """Every reminder `program` owes at `now` that nobody claimed before and that its
    recipient receives, in a fixed order."""
    meetings = _scheduled_meetings(program, now)
    candidates = [
        *_meeting_reminders(program, meetings, now),
        *_cadence_reminders(program, meetings, now),
    ]
    candidates = _wanted(candidates)
    claimed = set(
        ReminderLog.objects.filter(key__in=[c.key for c in candidates]).values_list(
            "key", flat=True
        )
    )
    order = {kind: i for i, kind in enumerate(Kind)}
    return sorted(
        (c for c in candidates if c.key not in claimed), key=lambda c: (order[c.kind], c.key)
    )


def _scheduled_meetings(program, now) -> list[Meeting]:
    """Meetings still 'scheduled', of relationships not ended, from the oldest that may
    need a nudge to log it onwards."""
    return list(
        Meeting.objects.filter(
            relationship__program=program,
            relationship__state__in=SEAT_HOLDING_STATES,
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=now - LOG_WITHIN,
        )
        .select_related("relationship__learner", "relationship__guide", "preparation")
        .order_by("starts_at")
    )


def _is_prepared(meeting) -> bool:
    preparation = getattr(meeting, "preparation", None)
    if preparation is None:
        return False
    return any(
        text.strip() for text in (preparation.goals, preparation.progress, preparation.obstacles)
    )


def _meeting_reminder(kind, meeting, user, key, program) -> Reminder:
    relationship = meeting.relationship
    title = meeting_title(relationship, user)
    subjects = {
        Kind.UPCOMING: f"Reminder: {title}",
        Kind.PREPARATION: f"Prepare for your {title}",
        Kind.LOG_MEETING: f"How did it go? {title}",
    }
    return Reminder(
        kind=kind,
        key=key,
        recipient=user,
        program=program,
        subject=subjects[kind],
        template=f"reminders/email/{kind}.txt",
        context={
            "title": title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "url": reverse("meetings:detail", args=[program.slug, meeting.uuid]),
        },
    )


def _meeting_reminders(program, meetings, now):
    for meeting in meetings:
        relationship = meeting.relationship
        parties = [relationship.learner, relationship.guide]
        # A rescheduled meeting (a new sequence) is a new occurrence with its own reminders.
        version = f"{meeting.uuid}:{meeting.ics_sequence}"
        ahead = meeting.starts_at - now
        found = []
        if timedelta(0) < ahead <= UPCOMING_WITHIN:
            found += [(Kind.UPCOMING, user) for user in parties]
        if timedelta(0) < ahead <= PREPARE_WITHIN and not _is_prepared(meeting):
            found.append((Kind.PREPARATION, relationship.learner))
        if meeting.ends_at + LOG_AFTER <= now:
            found += [(Kind.LOG_MEETING, user) for user in parties]
        for kind, user in found:
            key = f"{kind}:{version}:{user.pk}"
            yield _meeting_reminder(kind, meeting, user, key, program)


def _schedulers(relationships) -> dict:
    """Who schedules each relationship's meetings: the agreement in force (the newest
    version both parties acknowledged) says so; the learner when none does."""
    in_force = {}
    rows = Agreement.objects.filter(
        relationship__in=[r.pk for r in relationships],
        learner_ack_at__isnull=False,
        guide_ack_at__isnull=False,
    ).values_list("relationship_id", "version", "scheduler")
    for rel_id, version, scheduler in rows:
        if rel_id not in in_force or version > in_force[rel_id][0]:
            in_force[rel_id] = (version, scheduler)
    return {
        r.pk: r.guide
        if in_force.get(r.pk, (0, Scheduler.LEARNER))[1] == Scheduler.GUIDE
        else r.learner
        for r in relationships
    }


def _due_soon_deadline(result):
    """(date, in person?) of the deadline that made the status 'due soon'."""
    candidates = [d for d in (result.next_due, result.in_person_due) if d is not None]
    if not candidates:
        return None, False
    due = min(candidates)
    return due, due == result.in_person_due


def _cadence_reminders(program, meetings, now):
    today = timezone.localdate(now)
    relationships = list(
        Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .select_related("learner", "guide")
        .order_by("pk")
    )
    if not relationships:
        return
    results = cadence_of(relationships, program, today)
    schedulers = _schedulers(relationships)
    grace = dict(
        CadencePolicy.objects.filter(program=program).values_list("kind", "escalation_grace_days")
    )
    coordinators = [
        m.user
        for m in Membership.objects.active()
        .filter(program=program, role__in=policy.escalation_roles())
        .select_related("user")
        .order_by("user_id")
    ]
    upcoming = defaultdict(list)
    for meeting in meetings:
        if meeting.starts_at >= now:
            upcoming[meeting.relationship_id].append(meeting)

    for relationship in relationships:
        result = results[relationship.pk]
        planned = upcoming[relationship.pk]
        scheduler = schedulers[relationship.pk]
        if result.status == Status.DUE_SOON:
            due, in_person = _due_soon_deadline(result)
            if due is None or any(
                timezone.localdate(m.starts_at) <= due and (m.in_person or not in_person)
                for m in planned
            ):
                continue
            key = f"due_soon:{relationship.uuid}:{due}:{scheduler.pk}"
            yield _cadence_reminder(
                Kind.DUE_SOON, relationship, scheduler, key, program, due=due, in_person=in_person
            )
        elif result.status in LAPSED and not planned:
            due = result.next_due
            key = f"overdue:{relationship.uuid}:{due or 'none'}:{scheduler.pk}"
            yield _cadence_reminder(Kind.OVERDUE, relationship, scheduler, key, program, due=due)
            if due is None:
                continue
            days = (today - due).days
            if days <= grace.get(relationship.kind, DEFAULT_GRACE_DAYS):
                continue
            for coordinator in coordinators:
                key = f"escalation:{relationship.uuid}:{due}:{coordinator.pk}"
                yield _escalation(relationship, coordinator, key, program, due=due, days=days)


def _cadence_reminder(kind, relationship, user, key, program, *, due, in_person=False):
    title = meeting_title(relationship, user)
    subjects = {
        Kind.DUE_SOON: f"Time to schedule: {title}",
        Kind.OVERDUE: f"Overdue: {title}",
    }
    return Reminder(
        kind=kind,
        key=key,
        recipient=user,
        program=program,
        subject=subjects[kind],
        template=f"reminders/email/{kind}.txt",
        context={
            "title": title,
            "due": due,
            "in_person": in_person,
            "url": reverse("meetings:schedule", args=[program.slug, relationship.uuid]),
        },
    )


def _escalation(relationship, coordinator, key, program, *, due, days):
    pair = f"{relationship.learner.full_name or relationship.learner.email} and " + (
        relationship.guide.full_name or relationship.guide.email
    )
    return Reminder(
        kind=Kind.ESCALATION,
        key=key,
        recipient=coordinator,
        program=program,
        subject=f"Overdue for {days} days: {pair}",
        template="reminders/email/escalation.txt",
        context={
            "relationship": relationship,
            "due": due,
            "days": days,
            "url": reverse("meetings:compliance", args=[program.slug]),
        },
    )


def _wanted(candidates) -> list[Reminder]:
    """Drop the reminders their recipient cannot or chose not to receive."""
    users = {c.recipient.pk for c in candidates}
    off = set(
        ReminderPreference.objects.filter(user__in=users, enabled=False).values_list(
            "user_id", "kind"
        )
    )
    return [
        c
        for c in candidates
        if policy.can_receive_reminder(
            c.recipient, c.kind, opted_out=(c.recipient.pk, c.kind) in off
        )
    ]
