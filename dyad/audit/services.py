from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from dyad.audit.actions import AuditAction
from dyad.audit.models import AuditEntry

# The entries written inside `noting()`, where a block notes them.
_noted: ContextVar[list[AuditEntry] | None] = ContextVar("audit_noted", default=None)


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
    _note([entry])
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
    entries = AuditEntry.objects.bulk_create(
        [
            _entry(action=action, actor=actor, program=program, target=target, data=data)
            for target in targets
        ]
    )
    _note(entries)
    return entries


@contextmanager
def noting() -> Iterator[list[AuditEntry]]:
    """The entries written inside the block, in order (a kept page keeps what it recorded
    as it was made, to record it again each time its copy is served)."""
    written: list[AuditEntry] = []
    token = _noted.set(written)
    try:
        yield written
    finally:
        _noted.reset(token)


def _note(entries: list[AuditEntry]) -> None:
    if (written := _noted.get()) is not None:
        written.extend(entries)


def again(entries: Iterable[tuple], *, actor: Any) -> None:
    """Write once more, now and by `actor`, the entries of `what_was_written`."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                program_id=program_id,
                actor=actor if actor.is_authenticated else None,
                action=action,
                target_type=target_type,
                target_id=target_id,
                data=data,
            )
            for program_id, action, target_type, target_id, data in entries
        ]
    )


def what_was_written(entries: Iterable[AuditEntry]) -> list[tuple]:
    """The entries without who wrote them and when, to keep and write `again`."""
    return [
        (entry.program_id, entry.action, entry.target_type, entry.target_id, entry.data)
        for entry in entries
    ]


def _entry(*, action, actor, program, target, data) -> AuditEntry:
    return AuditEntry(
        program=program,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=AuditAction(action).value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        data=dict(data or {}),
    )
