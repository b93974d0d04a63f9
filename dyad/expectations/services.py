"""Writes on the year's expectations: each checks, writes and audits in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.expectations import selectors, texts
from dyad.expectations.models import (
    Audience,
    ExpectationsDocument,
    ExpectationsRequest,
    LeadershipAgreement,
    MailState,
)


def document_defaults(program, year: int, audience: str) -> dict:
    """The free text a new year starts from: last year's latest version, if any, or the
    program's first-year text."""
    last = selectors.latest_document(program, year - 1, audience)
    if last is not None:
        return {"expectations": last.expectations, "confidentiality": last.confidentiality}
    return {
        "expectations": texts.EXPECTATIONS[Audience(audience)],
        "confidentiality": texts.CONFIDENTIALITY,
    }


@transaction.atomic
def document_save(
    *, program, year: int, audience: str, expectations: str, confidentiality: str, acting_user
) -> ExpectationsDocument:
    """Save the year's document. Before it is sent, the draft is changed in place; once
    sent, a new version is made and everyone who acknowledged an earlier one is asked
    again (their e-mail queued anew)."""
    latest = selectors.latest_document(program, year, audience)
    if latest is not None and latest.sent_at is None:
        doc = latest
    else:
        doc = ExpectationsDocument(
            program=program,
            year=year,
            audience=audience,
            version=latest.version + 1 if latest else 1,
            created_by=acting_user,
            sent_at=timezone.now() if latest else None,
        )
    doc.expectations, doc.confidentiality = expectations, confidentiality
    doc.full_clean()
    doc.save()
    asked_again = 0
    if latest is not None and doc.pk != latest.pk:
        asked_again = _ask_again(program, year, audience)
    audit_log(
        action=AuditAction.EXPECTATIONS_SAVED,
        actor=acting_user,
        program=program,
        target=doc,
        data={
            "year": year,
            "audience": audience,
            "version": doc.version,
            "asked_again": asked_again,
        },
    )
    return doc


def _ask_again(program, year: int, audience: str) -> int:
    return ExpectationsRequest.objects.filter(
        program=program, year=year, audience=audience, acknowledged_version__isnull=False
    ).update(
        mail_state=MailState.QUEUED,
        queued_at=timezone.now(),
        claimed_at=None,
        sent_at=None,
        attempts=0,
        last_error="",
        reminders_sent=0,
        last_reminded_at=None,
    )


@transaction.atomic
def expectations_send_year(*, program, year: int, acting_user) -> int:
    """Send the year's expectations: each audience's document (made from last year's, or
    the first-year text, where leaders wrote none) is marked sent, and everyone of the
    audience who was not asked yet gets a request, its e-mail queued. Idempotent: a second
    call sends nothing new; one after the roster grew asks only the newcomers. Returns how
    many were asked."""
    now = timezone.now()
    asked = 0
    for audience in Audience:
        doc = selectors.latest_document(program, year, audience.value)
        if doc is None:
            doc = ExpectationsDocument.objects.create(
                program=program,
                year=year,
                audience=audience.value,
                created_by=acting_user,
                **document_defaults(program, year, audience.value),
            )
        if doc.sent_at is None:
            ExpectationsDocument.objects.filter(pk=doc.pk).update(sent_at=now)
        already = set(
            ExpectationsRequest.objects.filter(
                program=program, year=year, audience=audience.value
            ).values_list("person_id", flat=True)
        )
        new = [
            ExpectationsRequest(
                program=program, year=year, audience=audience.value, person=p, queued_at=now
            )
            for p in selectors.recipients(program, audience.value)
            if p.pk not in already
        ]
        ExpectationsRequest.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        asked += len(new)
    if asked:
        audit_log(
            action=AuditAction.EXPECTATIONS_SENT,
            actor=acting_user,
            program=program,
            data={"year": year, "asked": asked},
        )
    return asked


@transaction.atomic
def expectations_acknowledge(*, program, year: int, audience: str, version: int, acting_user):
    """Record that `acting_user` read and accepts the version they were shown. Once more
    for the same version changes nothing; an older version than the latest is refused."""
    latest = selectors.latest_document(program, year, audience)
    if latest is None or latest.sent_at is None:
        raise ValidationError("These expectations have not been sent yet.")
    if version != latest.version:
        raise ValidationError(
            "The program published a new version while you were reading: read it and "
            "acknowledge that one."
        )
    if not selectors.recipients(program, audience).filter(pk=acting_user.pk).exists():
        raise ValidationError("These expectations are not addressed to you.")
    now = timezone.now()
    request, _ = ExpectationsRequest.objects.select_for_update().get_or_create(
        program=program,
        year=year,
        audience=audience,
        person=acting_user,
        # Acknowledged before the e-mail run reached them: nothing left to send.
        defaults={"queued_at": now, "mail_state": MailState.SENT},
    )
    if request.acknowledged_version == version:
        return request
    request.acknowledged_version, request.acknowledged_at = version, now
    request.save(update_fields=["acknowledged_version", "acknowledged_at"])
    # Acknowledged before the e-mail run reached them: it would ask for what is done. A
    # run that claimed it already (sending) is left alone.
    ExpectationsRequest.objects.filter(pk=request.pk, mail_state=MailState.QUEUED).update(
        mail_state=MailState.SENT
    )
    audit_log(
        action=AuditAction.EXPECTATIONS_ACKNOWLEDGED,
        actor=acting_user,
        program=program,
        target=latest,
        data={"year": year, "audience": audience, "version": version},
    )
    return request


@transaction.atomic
def leadership_agree(*, program, year: int, acting_user) -> LeadershipAgreement:
    """Record a leader's agreement to the consent terms for the year (once)."""
    agreement, created = LeadershipAgreement.objects.get_or_create(
        program=program,
        year=year,
        person=acting_user,
        defaults={"terms": texts.LEADERSHIP_TERMS, "agreed_at": timezone.now()},
    )
    if created:
        audit_log(
            action=AuditAction.EXPECTATIONS_LEADER_AGREED,
            actor=acting_user,
            program=program,
            target=agreement,
            data={"year": year},
        )
    return agreement
