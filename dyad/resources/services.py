"""Writes on the resource library: each checks, writes and audits in one transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.files import accept_upload, private_storage
from dyad.resources.models import Resource

ONE_OF = "Give a link or a file, not both."
NEITHER = "Give a link (an address starting with https://) or a file."


def _audit(action, resource, actor):
    audit_log(
        action=action,
        actor=actor,
        program=resource.program,
        target=resource,
        data={"title": resource.title, "audience": resource.audience, "kind": resource.kind},
    )


def _attach(resource: Resource, upload) -> None:
    accepted = accept_upload(upload, max_size=settings.DYAD_RESOURCE_MAX_BYTES)
    resource.file_name = accepted.name
    resource.file_type = accepted.kind.mime
    resource.file_size = accepted.size
    resource.file.save(accepted.name, upload, save=False)


def _save(resource: Resource, *, link: str, upload) -> Resource:
    """Save the resource as a link or as a file. With neither given, a resource that has
    a file keeps it. A file written before the row is removed again if the row cannot be
    written; a file it no longer uses goes once the change commits."""
    if link and upload is not None:
        raise ValidationError({"link": ONE_OF})
    old_file = resource.file.name or ""
    if upload is not None:
        _attach(resource, upload)
        resource.link = ""
    elif link:
        resource.link = link
        resource.file = ""
        resource.file_name = resource.file_type = ""
        resource.file_size = None
    elif not resource.file:
        raise ValidationError({"link": NEITHER})
    try:
        resource.save()
    except Exception:
        if upload is not None:
            resource.file.delete(save=False)
        raise
    if old_file and old_file != (resource.file.name or ""):
        transaction.on_commit(lambda: private_storage.delete(old_file))
    return resource


@transaction.atomic
def resource_add(
    *, program, acting_user, title, description, kind, audience, link="", upload=None
) -> Resource:
    resource = Resource(
        program=program,
        title=title,
        description=description,
        kind=kind,
        audience=audience,
        added_by=acting_user,
    )
    _save(resource, link=link, upload=upload)
    _audit(AuditAction.RESOURCE_ADDED, resource, acting_user)
    return resource


@transaction.atomic
def resource_update(
    *, resource, acting_user, title, description, kind, audience, link="", upload=None
) -> Resource:
    resource.title, resource.description = title, description
    resource.kind, resource.audience = kind, audience
    _save(resource, link=link, upload=upload)
    _audit(AuditAction.RESOURCE_CHANGED, resource, acting_user)
    return resource


@transaction.atomic
def resource_remove(*, resource, acting_user) -> None:
    stored = resource.file.name or ""
    _audit(AuditAction.RESOURCE_REMOVED, resource, acting_user)
    resource.delete()
    if stored:
        transaction.on_commit(lambda: private_storage.delete(stored))
