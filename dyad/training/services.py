"""Writes on faculty development: each checks, writes and audits in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.training.models import TrainingCompletion, TrainingModule
from dyad.training.selectors import faculty_of


def _audit(action, module, actor, **data):
    audit_log(
        action=action,
        actor=actor,
        program=module.program,
        target=module,
        data={"title": module.title, **data},
    )


@transaction.atomic
def module_save(
    *, program, acting_user, title, description, valid_months, required_for, module=None
) -> TrainingModule:
    module = module or TrainingModule(program=program)
    module.title, module.description = title, description
    module.valid_months, module.required_for = valid_months, sorted(set(required_for))
    module.full_clean()
    module.save()
    _audit(AuditAction.TRAINING_MODULE_SAVED, module, acting_user, required_for=module.required_for)
    return module


@transaction.atomic
def module_remove(*, module, acting_user) -> None:
    _audit(AuditAction.TRAINING_MODULE_REMOVED, module, acting_user)
    module.delete()


@transaction.atomic
def completions_record(*, module, people, completed_on, acting_user) -> int:
    """Record that `people` completed `module` on `completed_on`. Recording the same day
    twice changes nothing. Returns how many completions are new."""
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A completion cannot be in the future."})
    if not people:
        raise ValidationError({"people": "Tick at least one person."})
    allowed = set(faculty_of(module.program).values_list("pk", flat=True))
    strangers = [p for p in people if p.pk not in allowed]
    if strangers:
        raise ValidationError({"people": "Only people who guide in the program take its training."})
    existing = set(
        TrainingCompletion.objects.filter(
            module=module, completed_on=completed_on, person__in=people
        ).values_list("person_id", flat=True)
    )
    new = [
        TrainingCompletion(
            module=module, person=p, completed_on=completed_on, recorded_by=acting_user
        )
        for p in people
        if p.pk not in existing
    ]
    TrainingCompletion.objects.bulk_create(new)
    if new:
        _audit(
            AuditAction.TRAINING_COMPLETED,
            module,
            acting_user,
            completed_on=completed_on.isoformat(),
            people=[c.person.email for c in new],
        )
    return len(new)
