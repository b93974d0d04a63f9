"""Writes that touch relationships: each checks its rules, writes, audits and notifies in
one transaction. Views call these and nothing else to change relationships."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log, audit_log_many
from dyad.notifications import send_notice
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import (
    NON_EVALUATIVE_KINDS,
    SEAT_HOLDING_STATES,
    Agreement,
    ConsentCategory,
    DoNotRepair,
    EndReason,
    EvaluativeRole,
    Frequency,
    GuideRequest,
    Relationship,
    RelationshipEvent,
    RematchRequest,
    RematchResolution,
    SafetyConcern,
    SafetyContact,
    Scheduler,
    State,
)
from dyad.training.selectors import training_refusal

# The meeting frequency an agreement starts with, per kind, until the program's cadence
# policy says otherwise.
DEFAULT_FREQUENCY = {
    GuidanceKind.MENTORING: Frequency.MONTHLY,
    GuidanceKind.COACHING: Frequency.MONTHLY,
    GuidanceKind.ADVISING: Frequency.QUARTERLY,
    GuidanceKind.PEER_MENTORING: Frequency.MONTHLY,
}


class RelationshipError(ValidationError):
    """A rule refused the change; the message says why and what to do."""


@dataclass(frozen=True)
class Conflict:
    role: EvaluativeRole

    def __str__(self):
        period = f"from {self.role.start_date:%b %-d, %Y}"
        if self.role.end_date:
            period += f" to {self.role.end_date:%b %-d, %Y}"
        return f"{self.role.get_kind_display()} ({period})"


def is_learner_of(program, user) -> bool:
    return Membership.objects.for_user(user).filter(program=program).learners().exists()


def guide_capacity(guide, kind) -> int:
    offer = GuideOffer.objects.filter(profile__user=guide, kind=kind).first()
    return offer.capacity if offer else 0


def seats_taken(guide, kind) -> int:
    return Relationship.objects.filter(guide=guide, kind=kind).holding_seats().count()


@dataclass(frozen=True)
class LearnerConflicts:
    """Who evaluates one learner, by evaluator's user id: each of them may not guide the
    learner in a non-evaluative kind (SPEC M3)."""

    roles: dict[int, list[Conflict]]

    def of(self, guide_id: int, kind) -> list[Conflict]:
        """The roles that forbid the guide from guiding the learner in `kind`."""
        return self.roles.get(guide_id, []) if kind in NON_EVALUATIVE_KINDS else []

    def allowed(self, *, guide: str, kind: str) -> Q:
        """As `of`, for a query: the rows whose `guide` (a user) may guide the learner in
        their `kind`."""
        if not self.roles:
            return Q()
        return ~Q(**{f"{guide}__in": list(self.roles), f"{kind}__in": NON_EVALUATIVE_KINDS})


def learner_conflicts(*, program, learner, start: date, guides=None) -> LearnerConflicts:
    """The evaluative roles over `learner` in the program in a period that meets
    [start, …), of the `guides` (users) or of anyone when None. One query."""
    roles = (
        EvaluativeRole.objects.filter(program=program)
        .evaluating(learner=learner)
        .overlapping(start=start)
        .exclude(evaluator=learner)
        .order_by("start_date", "pk")
    )
    if guides is not None:
        roles = roles.filter(evaluator__in=guides)
    by_guide: dict[int, list[Conflict]] = {}
    for role in roles:
        by_guide.setdefault(role.evaluator_id, []).append(Conflict(role))
    return LearnerConflicts(by_guide)


def evaluative_conflicts(*, program, guide, learner, kind, start: date) -> list[Conflict]:
    """The evaluative roles that forbid `guide` from guiding `learner` in `kind`."""
    if kind not in NON_EVALUATIVE_KINDS:
        return []
    conflicts = learner_conflicts(program=program, learner=learner, start=start, guides=[guide])
    return conflicts.of(guide.pk, kind)


def is_do_not_repair(*, program, learner, guide) -> bool:
    return DoNotRepair.objects.filter(program=program, learner=learner, guide=guide).exists()


def _check_pairing(*, program, learner, guide, kind, start, acting_user, override_reason):
    if learner == guide:
        raise RelationshipError("A person cannot guide themselves.")
    if not is_learner_of(program, learner):
        raise RelationshipError(f"{learner} is not a learner of {program}.")
    if is_do_not_repair(program=program, learner=learner, guide=guide):
        raise RelationshipError(
            f"{guide} and {learner} are marked “do not re-pair”. Choose another guide."
        )
    if (
        Relationship.objects.filter(learner=learner, guide=guide, kind=kind)
        .holding_seats()
        .exists()
    ):
        raise RelationshipError(
            f"{learner} already has {guide} as their {GuidanceKind(kind).label.lower()} guide."
        )
    if refusal := training_refusal(program=program, person=guide, kind=kind, on=start):
        raise RelationshipError(refusal)
    conflicts = evaluative_conflicts(
        program=program, guide=guide, learner=learner, kind=kind, start=start
    )
    if conflicts and not override_reason:
        roles = "; ".join(str(c) for c in conflicts)
        raise RelationshipError(
            f"{guide} evaluates {learner} ({roles}). {GuidanceKind(kind).label} must be "
            "non-evaluative: choose another guide, or a program director may override "
            "with a written reason."
        )
    if conflicts and not policy.can_override_evaluative_conflict(viewer_for(acting_user, program)):
        raise PermissionDenied("Only a program director may override an evaluative conflict.")
    return conflicts


def _take_seat(**fields) -> Relationship:
    """Create the relationship in the lowest free place of the guide. The partial unique
    constraint on (guide, kind, seat) lets only one of two racing transactions hold a
    place; the loser tries the next one, and fails when none is left."""
    capacity = guide_capacity(fields["guide"], fields["kind"])
    # A guide who lowered their capacity may still hold places above it: a free low seat
    # is then no room.
    has_room = seats_taken(fields["guide"], fields["kind"]) < capacity
    for seat in range(1, capacity + 1) if has_room else ():
        taken = Relationship.objects.filter(
            guide=fields["guide"], kind=fields["kind"], seat=seat, state__in=SEAT_HOLDING_STATES
        ).exists()
        if taken:
            continue
        try:
            with transaction.atomic():
                return Relationship.objects.create(seat=seat, **fields)
        except IntegrityError:
            continue
    raise RelationshipError(
        f"{fields['guide']} has no place left for "
        f"{GuidanceKind(fields['kind']).label.lower()} ({capacity} taken)."
    )


@transaction.atomic
def relationship_create(
    *,
    program,
    learner,
    guide,
    kind,
    origin,
    acting_user,
    focus_area=None,
    start_date: date | None = None,
    supplemental_until: date | None = None,
    override_reason: str = "",
    goals: str = "",
    meeting_frequency: str = "",
) -> Relationship:
    """Propose a pairing. `meeting_frequency` is what its first agreement proposes (the
    kind's default when empty): a coaching engagement's agreed cadence, for one."""
    start = start_date or timezone.localdate()
    override_reason = override_reason.strip()
    conflicts = _check_pairing(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        start=start,
        acting_user=acting_user,
        override_reason=override_reason,
    )
    relationship = _take_seat(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        focus_area=focus_area,
        origin=origin,
        start_date=start,
        supplemental_until=supplemental_until,
        created_by=acting_user,
        override_reason=override_reason if conflicts else "",
        override_by=acting_user if conflicts else None,
        override_at=timezone.now() if conflicts else None,
        state=State.PROPOSED,
    )
    RelationshipEvent.objects.create(
        relationship=relationship, to_state=State.PROPOSED, actor=acting_user
    )
    Agreement.objects.create(
        relationship=relationship,
        version=1,
        goals=goals,
        meeting_frequency=meeting_frequency or DEFAULT_FREQUENCY[kind],
        scheduler=Scheduler.LEARNER,
        created_by=acting_user,
    )
    audit_log(
        action=AuditAction.RELATIONSHIP_CREATED,
        actor=acting_user,
        program=program,
        target=relationship,
        data={"kind": kind, "origin": origin, "learner": learner.email, "guide": guide.email},
    )
    if conflicts:
        audit_log(
            action=AuditAction.RELATIONSHIP_EVALUATIVE_OVERRIDE,
            actor=acting_user,
            program=program,
            target=relationship,
            data={"reason": override_reason, "roles": [str(c) for c in conflicts]},
        )
    send_notice(
        to=[learner, guide],
        subject=f"New {relationship.get_kind_display().lower()} pairing in {program.name}",
        template="relationships/email/created.txt",
        context={"relationship": relationship},
    )
    return relationship


def consent_in_force(relationship, versions=None) -> frozenset[str]:
    """What leadership may see now: the consent of the newest version both parties have
    acknowledged, narrowed at once by any newer version (a learner who withdraws consent
    is obeyed immediately; one who widens it waits for both acknowledgements).
    `versions`: every version of the relationship's agreement, newest first, when the
    caller has read them."""
    if versions is None:
        versions = list(relationship.agreements.order_by("-version"))
    acknowledged = next((a for a in versions if a.is_acknowledged), None)
    if acknowledged is None:
        return frozenset()
    consent = frozenset(acknowledged.consent)
    for newer in versions:
        if newer.version <= acknowledged.version:
            break
        consent &= frozenset(newer.consent)
    return consent


# What a pair agrees to (a change to any of these needs both to acknowledge again); the
# consent is the learner's alone. A new version of the same terms copies these fields.
AGREEMENT_TERMS = (
    "goals",
    "meeting_frequency",
    "later_after_months",
    "later_frequency",
    "scheduler",
    "preferred_modes",
    "confidentiality",
)


def _terms_of(agreement) -> dict:
    terms = {name: getattr(agreement, name) for name in AGREEMENT_TERMS}
    terms["preferred_modes"] = sorted(agreement.preferred_modes)
    return terms


@transaction.atomic
def agreement_revise(
    *,
    relationship,
    acting_user,
    goals: str,
    meeting_frequency: str,
    scheduler: str,
    preferred_modes: list[str],
    confidentiality: str,
    consent: list[str],
    later_after_months: int | None = None,
    later_frequency: str = "",
) -> Agreement:
    """A new version of the agreement. A change to the agreed terms waits for both parties
    to acknowledge it (the previous version stays in force meanwhile; less sharing applies
    at once). A change by the learner to consent alone is the learner's decision: the new
    version carries the acknowledgements of the terms it repeats and is in force at once.
    `later_after_months` and `later_frequency`: optionally another frequency from that
    month of the relationship on; a version in force changes the cadence only from the day
    both acknowledged it (see cadence.plan_phases)."""
    current = relationship.agreements.select_for_update().order_by("-version").first()
    # Decide on the row as it is now, not on the caller's copy, which may have ended since;
    # locked after the agreement, in the order agreement_acknowledge locks them.
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.state == State.ENDED:
        raise RelationshipError("This relationship has ended; its agreement can no longer change.")
    unknown = set(consent) - set(ConsentCategory.values)
    if unknown:
        raise RelationshipError(f"Unknown consent categories: {', '.join(sorted(unknown))}.")
    consent_changed = set(consent) != set(current.consent)
    if consent_changed and not policy.can_decide_consent(acting_user, relationship):
        raise RelationshipError(
            "Only the learner decides what program leadership may see; this part of the "
            "agreement is theirs to change."
        )
    if bool(later_after_months) != bool(later_frequency):
        raise RelationshipError("A later frequency needs both the month and the frequency.")
    if later_frequency and later_frequency not in Frequency.values:
        raise RelationshipError("Unknown meeting frequency.")
    terms = {
        "goals": goals,
        "meeting_frequency": meeting_frequency,
        "later_after_months": later_after_months or None,
        "later_frequency": later_frequency,
        "scheduler": scheduler,
        "preferred_modes": sorted(preferred_modes),
        "confidentiality": confidentiality,
    }
    terms_changed = terms != _terms_of(current)
    if not terms_changed and not consent_changed:
        raise RelationshipError("Nothing has changed: the agreement stays as it is.")
    version = relationship.agreements.aggregate(v=Max("version"))["v"] + 1
    agreement = Agreement.objects.create(
        relationship=relationship,
        version=version,
        goals=goals,
        meeting_frequency=meeting_frequency,
        later_after_months=later_after_months or None,
        later_frequency=later_frequency,
        scheduler=scheduler,
        preferred_modes=preferred_modes,
        confidentiality=confidentiality,
        consent=[c for c in ConsentCategory.values if c in set(consent)],
        created_by=acting_user,
        # Consent alone: the terms both acknowledged are the same words, so their
        # acknowledgements stand (and are still missing where they were missing).
        learner_ack_at=None if terms_changed else current.learner_ack_at,
        guide_ack_at=None if terms_changed else current.guide_ack_at,
    )
    audit_log(
        action=AuditAction.AGREEMENT_REVISED,
        actor=acting_user,
        program=relationship.program,
        target=relationship,
        data={"version": version, "terms_changed": terms_changed},
    )
    if consent_changed:
        audit_log(
            action=AuditAction.CONSENT_CHANGED,
            actor=acting_user,
            program=relationship.program,
            target=relationship,
            data={"version": version, "from": current.consent, "to": agreement.consent},
        )
    others = {relationship.learner, relationship.guide} - {acting_user}
    send_notice(
        to=others,
        subject=f"Your {relationship.get_kind_display().lower()} agreement changed",
        template="relationships/email/agreement_changed.txt"
        if terms_changed
        else "relationships/email/consent_changed.txt",
        context={"relationship": relationship},
    )
    return agreement


def consent_pending(relationship, versions=None) -> frozenset[str]:
    """What the newest version would share beyond what is in force: it waits for both
    parties to acknowledge that version (empty when nothing waits). `versions` as for
    consent_in_force."""
    if versions is None:
        versions = list(relationship.agreements.order_by("-version"))
    latest = versions[0] if versions else None
    if latest is None or latest.is_acknowledged:
        return frozenset()
    return frozenset(latest.consent) - consent_in_force(relationship, versions)


@transaction.atomic
def agreement_acknowledge(*, agreement, acting_user) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    relationship = Relationship.objects.select_for_update().get(pk=agreement.relationship_id)
    latest = relationship.agreements.order_by("-version").first()
    if agreement.pk != latest.pk:
        raise RelationshipError("A newer version of this agreement exists; read that one.")
    if relationship.state == State.ENDED:
        raise RelationshipError("This relationship has ended.")
    if not agreement.goals.strip():
        raise RelationshipError("Write the goals of the relationship before acknowledging.")
    now = timezone.now()
    if acting_user == relationship.learner:
        agreement.learner_ack_at = agreement.learner_ack_at or now
    elif acting_user == relationship.guide:
        agreement.guide_ack_at = agreement.guide_ack_at or now
    else:
        raise PermissionDenied("Only the learner and the guide acknowledge an agreement.")
    agreement.save(update_fields=["learner_ack_at", "guide_ack_at"])
    audit_log(
        action=AuditAction.AGREEMENT_ACKNOWLEDGED,
        actor=acting_user,
        program=relationship.program,
        target=relationship,
        data={"version": agreement.version, "consent": agreement.consent},
    )
    if agreement.is_acknowledged and relationship.state == State.PROPOSED:
        _change_state(relationship, State.ACTIVE, acting_user, note="Agreement acknowledged")
    return agreement


def _change_state(relationship, to_state, actor, note="", data=None):
    from_state = relationship.state
    relationship.state = to_state
    fields = ["state"]
    if to_state == State.ENDED:
        relationship.seat = None
        relationship.end_date = timezone.localdate()
        fields += ["seat", "end_date", "end_reason"]
    relationship.save(update_fields=fields)
    RelationshipEvent.objects.create(
        relationship=relationship, from_state=from_state, to_state=to_state, actor=actor, note=note
    )
    audit_log(
        action=AuditAction(f"relationship.{to_state}"),
        actor=actor,
        program=relationship.program,
        target=relationship,
        data={"from": from_state, "note": note, **(data or {})},
    )


@transaction.atomic
def relationship_end(
    *, relationship, acting_user, reason: str, do_not_repair: bool = False
) -> Relationship:
    """End the pairing. Why it ended is kept on the relationship and in the audit log for
    leadership (and whoever asked for the rematch): the history and the notices say only
    that it ended, so that the other party does not learn the reason."""
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.state == State.ENDED:
        raise RelationshipError("This relationship has already ended.")
    if reason not in EndReason.values:
        raise RelationshipError("Choose why the relationship ends.")
    relationship.end_reason = reason
    _change_state(relationship, State.ENDED, acting_user, data={"reason": reason})
    if do_not_repair:
        DoNotRepair.objects.get_or_create(
            program=relationship.program,
            learner=relationship.learner,
            guide=relationship.guide,
            defaults={"created_by": acting_user},
        )
        audit_log(
            action=AuditAction.RELATIONSHIP_DO_NOT_REPAIR,
            actor=acting_user,
            program=relationship.program,
            target=relationship,
        )
    relationship.rematch_requests.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=acting_user, resolution=RematchResolution.ENDED
    )
    send_notice(
        to=[relationship.guide],
        subject=f"Your {relationship.get_kind_display().lower()} pairing has ended",
        template="relationships/email/ended_guide.txt",
        context={"relationship": relationship},
    )
    send_notice(
        to=[relationship.learner],
        subject=f"Your {relationship.get_kind_display().lower()} pairing has ended",
        template="relationships/email/ended_learner.txt",
        context={"relationship": relationship},
    )
    return relationship


@transaction.atomic
def rematch_request_create(
    *, relationship, acting_user, reason: str, wants_new_guide: bool = True
) -> RematchRequest:
    if not policy.is_party(acting_user, relationship):
        raise PermissionDenied
    if relationship.state == State.ENDED:
        raise RelationshipError("This relationship has already ended.")
    if not reason.strip():
        raise RelationshipError("Say in a few words why, so that leadership can help.")
    request = RematchRequest.objects.create(
        relationship=relationship,
        requested_by=acting_user,
        reason=reason.strip(),
        wants_new_guide=wants_new_guide,
    )
    audit_log(
        action=AuditAction.REMATCH_REQUESTED,
        actor=acting_user,
        program=relationship.program,
        target=relationship,
        data={"request": str(request.uuid)},
    )
    # Never to the other party, even when they are a leader.
    parties = {relationship.learner_id, relationship.guide_id}
    leaders = {
        m.user
        for m in relationship.program.memberships.active().leaders().select_related("user")
        if m.user_id not in parties
    }
    send_notice(
        to=leaders,
        subject=f"A pairing needs your attention in {relationship.program.name}",
        template="relationships/email/rematch_requested.txt",
        context={"program": relationship.program},
    )
    return request


def _lock_open_rematch(request, acting_user) -> RematchRequest:
    """The request, locked, once the acting user may handle it and it is still open. The
    relationship is locked first, in the order relationship_end locks the two."""
    Relationship.objects.select_for_update().get(pk=request.relationship_id)
    request = (
        RematchRequest.objects.select_for_update()
        .select_related("relationship__program", "relationship__learner", "relationship__guide")
        .get(pk=request.pk)
    )
    viewer = viewer_for(acting_user, request.relationship.program)
    if not policy.can_handle_rematch_request(viewer, request):
        raise PermissionDenied
    if not request.is_open:
        raise RelationshipError(
            f"This request was already dealt with on {request.resolved_at:%b %-d, %Y}."
        )
    return request


def _rematch_audit(action, request, acting_user, **data) -> None:
    audit_log(
        action=action,
        actor=acting_user,
        program=request.relationship.program,
        target=request.relationship,
        data={"request": str(request.uuid), **data},
    )


@transaction.atomic
def rematch_request_acknowledge(*, request, acting_user) -> RematchRequest:
    """Leadership has read the request and is on it; the one who asked sees so."""
    request = _lock_open_rematch(request, acting_user)
    if request.acknowledged_at is None:
        request.acknowledged_at = timezone.now()
        request.acknowledged_by = acting_user
        request.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _rematch_audit(AuditAction.REMATCH_ACKNOWLEDGED, request, acting_user)
    return request


@transaction.atomic
def rematch_request_reassign(*, request, acting_user) -> RematchRequest:
    """End the pairing as a no-fault rematch, so that the learner can be given a new guide."""
    request = _lock_open_rematch(request, acting_user)
    relationship_end(
        relationship=request.relationship, acting_user=acting_user, reason=EndReason.REMATCH
    )
    request.refresh_from_db()
    request.resolution = RematchResolution.REASSIGNED
    request.acknowledged_at = request.acknowledged_at or request.resolved_at
    request.acknowledged_by = request.acknowledged_by or acting_user
    request.save(update_fields=["resolution", "acknowledged_at", "acknowledged_by"])
    _rematch_audit(AuditAction.REMATCH_REASSIGNED, request, acting_user)
    return request


@transaction.atomic
def rematch_request_close(*, request, acting_user, note: str) -> RematchRequest:
    """Resolve the request without ending the pairing (talked it through, withdrawn…)."""
    if not note.strip():
        raise RelationshipError(
            "Write a short note on how this was resolved: it stays with program leadership."
        )
    request = _lock_open_rematch(request, acting_user)
    now = timezone.now()
    request.resolved_at = now
    request.resolved_by = acting_user
    request.resolution = RematchResolution.CLOSED
    request.resolution_note = note.strip()
    request.acknowledged_at = request.acknowledged_at or now
    request.acknowledged_by = request.acknowledged_by or acting_user
    request.save()
    _rematch_audit(AuditAction.REMATCH_CLOSED, request, acting_user)
    return request


def record_consent_read(*, actor, program, target, categories: list[str]) -> None:
    """A leader read content a learner consented to share: the audit log says who, what
    and when. Called by the pages that show it, once per page view."""
    record_consent_reads(actor=actor, program=program, targets=[target], categories=categories)


def record_consent_reads(*, actor, program, targets, categories: list[str]) -> None:
    """`record_consent_read` for each of `targets` (a page showing several goals), in one
    INSERT."""
    audit_log_many(
        action=AuditAction.CONSENT_READ,
        actor=actor,
        program=program,
        targets=targets,
        data={"categories": list(categories)},
    )


@transaction.atomic
def evaluative_role_create(
    *, program, evaluator, kind, start_date, acting_user, learner=None, end_date=None
) -> EvaluativeRole:
    role = EvaluativeRole(
        program=program,
        evaluator=evaluator,
        kind=kind,
        learner=learner,
        start_date=start_date,
        end_date=end_date,
        created_by=acting_user,
    )
    role.full_clean()
    role.save()
    audit_log(
        action=AuditAction.EVALUATIVE_ROLE_CREATED,
        actor=acting_user,
        program=program,
        target=role,
        data={
            "evaluator": evaluator.email,
            "kind": kind,
            "learner": learner.email if learner else None,
            "start": start_date.isoformat(),
            "end": end_date.isoformat() if end_date else None,
        },
    )
    return role


@transaction.atomic
def evaluative_role_delete(*, role, acting_user) -> None:
    audit_log(
        action=AuditAction.EVALUATIVE_ROLE_DELETED,
        actor=acting_user,
        program=role.program,
        target=role,
        data={"evaluator": role.evaluator.email, "kind": role.kind},
    )
    role.delete()


def request_expiry(program) -> timedelta:
    return timedelta(days=program.request_expiry_days)


@transaction.atomic
def guide_request_create(
    *, program, learner, guide, kind, message: str, acting_user, focus_area=None
) -> GuideRequest:
    if acting_user != learner:
        raise PermissionDenied
    offer = GuideOffer.objects.filter(profile__user=guide, kind=kind, capacity__gt=0).first()
    if offer is None:
        raise RelationshipError(f"{guide} does not offer {GuidanceKind(kind).label.lower()}.")
    if not offer.profile.accepting_new:
        raise RelationshipError(f"{guide} is not accepting new learners at the moment.")
    if seats_taken(guide, kind) >= offer.capacity:
        raise RelationshipError(
            f"{guide} has no place left for {GuidanceKind(kind).label.lower()}."
        )
    if not message.strip():
        raise RelationshipError("Write a short message: why this guide, what you hope for.")
    if GuideRequest.objects.pending().filter(learner=learner, guide=guide, kind=kind).exists():
        raise RelationshipError("You have already asked this guide; wait for their answer.")
    _check_pairing(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        start=timezone.localdate(),
        acting_user=acting_user,
        override_reason="",
    )
    request = GuideRequest.objects.create(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        focus_area=focus_area,
        message=message.strip(),
        expires_at=timezone.now() + request_expiry(program),
    )
    audit_log(
        action=AuditAction.GUIDE_REQUEST_CREATED, actor=acting_user, program=program, target=request
    )
    send_notice(
        to=[guide],
        subject=f"{learner} asks you to be their {GuidanceKind(kind).label.lower()} guide",
        template="relationships/email/request_received.txt",
        context={"request": request},
    )
    return request


def _is_lapsed(request) -> bool:
    return request.state == GuideRequest.State.PENDING and request.expires_at <= timezone.now()


def _expire(request) -> None:
    """Mark a locked, lapsed request expired and tell the learner."""
    request.state = GuideRequest.State.EXPIRED
    request.save(update_fields=["state"])
    audit_log(
        action=AuditAction.GUIDE_REQUEST_EXPIRED,
        actor=None,
        program=request.program,
        target=request,
    )
    send_notice(
        to=[request.learner],
        subject="Your request for a guide has expired",
        template="relationships/email/request_expired.txt",
        context={"request": request},
    )


def _lock_pending(request) -> GuideRequest:
    request = GuideRequest.objects.select_for_update().get(pk=request.pk)
    if _is_lapsed(request):
        # Refused as expired; the refusal rolls back, so the expiry is recorded elsewhere
        # (guide_request_accept, or the guide_requests_expire job).
        request.state = GuideRequest.State.EXPIRED
    if request.state != GuideRequest.State.PENDING:
        raise RelationshipError(f"This request is no longer open ({request.get_state_display()}).")
    return request


def guide_request_accept(*, request, acting_user) -> Relationship:
    if not policy.can_answer_guide_request(viewer_for(acting_user, request.program), request):
        raise PermissionDenied
    with transaction.atomic():
        locked = GuideRequest.objects.select_for_update().get(pk=request.pk)
        if _is_lapsed(locked):
            _expire(locked)
    # Expiry above is kept even when the acceptance below is refused.
    with transaction.atomic():
        request = _lock_pending(request)
        relationship = relationship_create(
            program=request.program,
            learner=request.learner,
            guide=request.guide,
            kind=request.kind,
            focus_area=request.focus_area,
            origin="requested",
            acting_user=acting_user,
        )
        request.state = GuideRequest.State.ACCEPTED
        request.answered_at = timezone.now()
        request.relationship = relationship
        request.save(update_fields=["state", "answered_at", "relationship"])
        audit_log(
            action=AuditAction.GUIDE_REQUEST_ACCEPTED,
            actor=acting_user,
            program=request.program,
            target=request,
        )
    return relationship


@transaction.atomic
def guide_request_decline(*, request, acting_user) -> GuideRequest:
    if not policy.can_answer_guide_request(viewer_for(acting_user, request.program), request):
        raise PermissionDenied
    request = _lock_pending(request)
    request.state = GuideRequest.State.DECLINED
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answered_at"])
    audit_log(
        action=AuditAction.GUIDE_REQUEST_DECLINED,
        actor=acting_user,
        program=request.program,
        target=request,
    )
    send_notice(
        to=[request.learner],
        subject="About your request for a guide",
        template="relationships/email/request_declined.txt",
        context={"request": request},
    )
    return request


@transaction.atomic
def guide_request_withdraw(*, request, acting_user) -> GuideRequest:
    if not policy.can_withdraw_guide_request(viewer_for(acting_user, request.program), request):
        raise PermissionDenied
    request = _lock_pending(request)
    request.state = GuideRequest.State.WITHDRAWN
    request.save(update_fields=["state"])
    audit_log(
        action=AuditAction.GUIDE_REQUEST_WITHDRAWN,
        actor=acting_user,
        program=request.program,
        target=request,
    )
    return request


def guide_requests_expire(*, now=None) -> int:
    """Mark overdue pending requests expired and tell the learners. Safe to rerun."""
    now = now or timezone.now()
    expired = 0
    for request in GuideRequest.objects.pending().filter(expires_at__lte=now):
        with transaction.atomic():
            locked = GuideRequest.objects.select_for_update().get(pk=request.pk)
            if locked.state != GuideRequest.State.PENDING:
                continue
            _expire(locked)
            expired += 1
    return expired


@transaction.atomic
def safety_concern_raise(
    *, relationship, acting_user, description: str, urgency: str = "routine"
) -> SafetyConcern:
    if not policy.can_raise_concern(viewer_for(acting_user, relationship.program), relationship):
        raise PermissionDenied
    if not description.strip():
        raise RelationshipError("Describe the concern so that the contacts can act on it.")
    program = relationship.program
    contacts = [u for u in SafetyContact.objects.receiving(program) if u != relationship.learner]
    concern = SafetyConcern.objects.create(
        program=program,
        relationship=relationship,
        raised_by=acting_user,
        description=description.strip(),
        urgency=urgency,
    )
    audit_log(action=AuditAction.CONCERN_RAISED, actor=acting_user, program=program, target=concern)
    send_notice(
        to=contacts,
        subject=("URGENT: " if urgency == "urgent" else "")
        + f"A wellbeing concern was raised in {program.name}",
        template="relationships/email/concern_raised.txt",
        context={"concern": concern, "program": program},
    )
    return concern


@transaction.atomic
def evaluative_roles_import(*, program, text: str, acting_user) -> dict:
    """Record every role of an evaluative-roles CSV, all or none. The file is checked again
    here, whatever a preview said: any row in error refuses the whole file. Roles already
    recorded are skipped, so importing the same file twice records nothing new."""
    from dyad.relationships.selectors import evaluative_import_plan

    plan = evaluative_import_plan(program, text)
    if plan.has_errors:
        errors = plan.counts["error"]
        raise RelationshipError(
            " ".join(plan.file_errors)
            or f"{errors} row{'s have' if errors > 1 else ' has'} errors; nothing was "
            "imported. Correct the file and upload it again."
        )
    created = [
        evaluative_role_create(
            program=program,
            evaluator=planned.evaluator,
            kind=planned.row.kind,
            learner=planned.learner,
            start_date=planned.row.start_date,
            end_date=planned.row.end_date,
            acting_user=acting_user,
        )
        for planned in plan.to_create
    ]
    summary = {"created": len(created), "skipped": plan.counts["skip"]}
    audit_log(
        action=AuditAction.EVALUATIVE_ROLE_IMPORTED,
        actor=acting_user,
        program=program,
        data=summary,
    )
    return {**summary, "roles": created}


@transaction.atomic
def safety_contacts_set(*, program, users, acting_user) -> dict:
    """Make `users` the program's designated safety contacts: leaders or faculty of the
    program. Someone already designated who is no longer eligible may stay."""
    wanted = {user.pk: user for user in users}
    current = {c.user_id: c for c in SafetyContact.objects.filter(program=program)}
    eligible = set(
        Membership.objects.active()
        .filter(program=program, role__in=policy.safety_contact_roles(), user_id__in=wanted)
        .values_list("user_id", flat=True)
    )
    added = [user for pk, user in wanted.items() if pk not in current]
    for user in added:
        if user.pk not in eligible:
            raise RelationshipError(
                f"{user} cannot receive safety concerns: choose program leaders or faculty "
                f"of {program}."
            )
        contact = SafetyContact.objects.create(program=program, user=user)
        audit_log(
            action=AuditAction.SAFETY_CONTACT_ADDED,
            actor=acting_user,
            program=program,
            target=contact,
            data={"user": user.email},
        )
    removed = [c for pk, c in current.items() if pk not in wanted]
    for contact in removed:
        audit_log(
            action=AuditAction.SAFETY_CONTACT_REMOVED,
            actor=acting_user,
            program=program,
            target=contact,
            data={"user": contact.user.email},
        )
        contact.delete()
    return {"added": added, "removed": [c.user for c in removed]}
