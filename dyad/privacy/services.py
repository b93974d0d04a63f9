from django.db import transaction

from dyad import personal_data
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log


def personal_data_export(*, acting_user, fmt: str) -> list:
    """Everything Dyad holds about the acting user, by section; the export is audited."""
    with transaction.atomic():
        parts = personal_data.collect(acting_user)
        audit_log(
            action=AuditAction.PERSONAL_DATA_EXPORTED,
            actor=acting_user,
            target=acting_user,
            data={"format": fmt},
        )
    return parts
