from __future__ import annotations

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
    return AuditEntry.objects.create(
        program=program,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=AuditAction(action).value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        data=data or {},
    )
