"""Files people give Dyad (preparation attachments) live outside every public path: the
storage has no URL, so the only way to a file is a view that asks the policy first."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


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
