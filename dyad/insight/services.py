from __future__ import annotations

from typing import Any

from django.db import transaction

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log


def export_record(*, program: Any, what: str, file_format: str, year: int | None, acting_user):
    """Record that the program's figures or people list left Dyad, and in what form."""
    with transaction.atomic():
        audit_log(
            action=AuditAction.INSIGHT_EXPORTED,
            actor=acting_user,
            program=program,
            data={"what": what, "format": file_format, "year": year},
        )
