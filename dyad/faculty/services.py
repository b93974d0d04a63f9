from __future__ import annotations

from django.db import transaction

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log


@transaction.atomic
def portfolio_print(*, guide, program=None, acting_user, render) -> bytes:
    """Render a guide's portfolio as a PDF and record who took it away: a document that
    leaves Dyad (for a promotion dossier) is logged, by program when a program's leaders
    printed that program's part."""
    document = render()
    audit_log(
        action=AuditAction.TRAINING_PORTFOLIO_PRINTED,
        actor=acting_user,
        program=program,
        target=guide,
        data={"scope": program.slug if program is not None else "all programs"},
    )
    return document
