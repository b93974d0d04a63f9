from dyad.audit.models import AuditEntry


def audit_log(*, action: str, actor, program=None, target=None, data: dict | None = None):
    """Record an action. Call it from the service that performs the action, in its
    transaction, so that the entry exists exactly when the change does."""
    return AuditEntry.objects.create(
        program=program,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        data=data or {},
    )
