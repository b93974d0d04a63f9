from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dyad.audit.actions import AuditAction
from dyad.audit.models import AuditEntry


def audit_log(
    *,
    action: AuditAction,
    actor: Any,
    program: Any = None,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an action. Call it from the service that performs the action, in its
    transaction, so that the entry exists exactly when the change does. `action` is one of
    `AuditAction`; any other code raises ValueError (the audit page filters by that list)."""
    entry = _entry(action=action, actor=actor, program=program, target=target, data=data)
    entry.save(force_insert=True)
    return entry


def audit_log_many(
    *,
    action: AuditAction,
    actor: Any,
    program: Any = None,
    targets: Iterable[Any],
    data: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """Record the same action on each of `targets`, in one INSERT (a page that shows a
    learner's goals records a reading of each)."""
    return AuditEntry.objects.bulk_create(
        [
            _entry(action=action, actor=actor, program=program, target=target, data=data)
            for target in targets
        ]
    )


def _entry(*, action, actor, program, target, data) -> AuditEntry:
    return AuditEntry(
        program=program,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=AuditAction(action).value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        data=dict(data or {}),
    )
