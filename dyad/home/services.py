from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.home.models import Nudge
from dyad.lib import cadence
from dyad.meetings.selectors import cadence_of
from dyad.notifications import send_notice
from dyad.relationships.models import Relationship, State

# A pair hears from leadership about meeting at most this often, however many leaders click.
NUDGE_INTERVAL = timedelta(days=7)

# Statuses of the cadence engine for which a pair may be reminded: they are behind.
BEHIND = frozenset(
    {
        cadence.Status.FIRST_MEETING_MISSING,
        cadence.Status.OVERDUE,
        cadence.Status.IN_PERSON_SHORTFALL,
    }
)


class NudgeError(ValidationError):
    pass


@transaction.atomic
def relationship_nudge(*, relationship, acting_user) -> Nudge:
    """E-mail both parties of a pair behind on meeting that a meeting is due.

    The relationship row is locked before the last reminder is read, so that two leaders
    clicking at once send one reminder: the second waits for the first to commit and
    then finds it."""
    relationship = (
        Relationship.objects.select_for_update()
        .select_related("program", "learner", "guide")
        .get(pk=relationship.pk)
    )
    if not policy.can_nudge_pair(viewer_for(acting_user, relationship.program), relationship):
        raise NudgeError("Only the program's leaders can remind a pair to meet.")
    if relationship.state != State.ACTIVE:
        raise NudgeError("This pairing is not active, so no meeting is due.")
    now = timezone.now()
    last = relationship.nudges.order_by("-sent_at").first()
    if last is not None and now - last.sent_at < NUDGE_INTERVAL:
        again = timezone.localdate(last.sent_at + NUDGE_INTERVAL)
        raise NudgeError(
            f"This pair was reminded on {timezone.localdate(last.sent_at):%B %-d}; "
            f"you can remind them again from {again:%B %-d}."
        )
    today = timezone.localdate(now)
    result = cadence_of([relationship], relationship.program, today)[relationship.pk]
    if result.status not in BEHIND:
        raise NudgeError(
            f"This pair is not behind ({result.status.label.lower()}): there is nothing to "
            "remind them of yet."
        )
    nudge = Nudge.objects.create(relationship=relationship, sent_by=acting_user, sent_at=now)
    audit_log(
        action=AuditAction.RELATIONSHIP_NUDGED,
        actor=acting_user,
        program=relationship.program,
        target=relationship,
        data={"status": result.status.value},
    )
    send_notice(
        to=[relationship.learner, relationship.guide],
        subject=f"A reminder to meet: your {relationship.get_kind_display().lower()} pairing",
        template="home/email/nudge.txt",
        context={"relationship": relationship, "result": result},
    )
    return nudge
