"""Files people give Dyad (preparation attachments, the program's resource library) live
outside every public path: the storage has no URL, so the only way to a file is a view
that asks the policy first. Uploads are judged by their content (`dyad.lib.filetypes`)."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

from dyad.lib.filetypes import FileKind, UnacceptableFile, clean_name, identify


@deconstructible
class PrivateStorage(FileSystemStorage):
    """`settings.PRIVATE_FILES_ROOT`, read when used (tests point it elsewhere)."""

    @property  # type: ignore[override]
    def base_location(self) -> Path:
        return Path(settings.PRIVATE_FILES_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(settings.PRIVATE_FILES_ROOT).resolve())

    def url(self, name):
        raise ValueError("A private file has no address of its own; serve it through a view.")


private_storage = PrivateStorage()


@dataclass(frozen=True)
class Upload:
    """An uploaded file that passed: its clean name, what it is, its size and digest."""

    name: str
    kind: FileKind
    size: int
    sha256: str


def accept_upload(upload, *, max_size: int) -> Upload:
    """Judge an uploaded file; a `ValidationError` says why it is refused and what to do."""
    name = clean_name(upload.name or "")
    try:
        kind = identify(name, upload, size=upload.size, max_size=max_size)
    except UnacceptableFile as refusal:
        raise ValidationError(str(refusal)) from refusal
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Upload(name=name, kind=kind, size=upload.size, sha256=digest.hexdigest())


def serve(field_file, *, name: str, content_type: str) -> FileResponse:
    """A private file as a download: never shown inline, never cached by a shared cache."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
