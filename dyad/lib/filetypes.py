"""Which files a person may attach, judged by what the file is, not by what it is called.

A name ending in `.pdf` proves nothing: the first bytes must say PDF too, and an Office
document must be the zip package its name claims (Word, Excel or PowerPoint). Every refusal
says what to do instead, in words a resident understands. No Django here.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileKind:
    extension: str
    mime: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
PNG = FileKind("png", "image/png", "PNG image")
JPEG = FileKind("jpg", "image/jpeg", "JPEG image")
TEXT = FileKind("txt", "text/plain; charset=utf-8", "plain text")
WORD = FileKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
)
EXCEL = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"
)
POWERPOINT = FileKind(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint",
)

BY_EXTENSION = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "txt": TEXT,
    "docx": WORD,
    "xlsx": EXCEL,
    "pptx": POWERPOINT,
}
# The folder inside an Office package that makes it that kind of document.
OFFICE_PART = {WORD: "word/", EXCEL: "xl/", POWERPOINT: "ppt/"}
ACCEPTED = "a PDF, Word, Excel, PowerPoint, plain text, PNG or JPEG file"
NAME_LIMIT = 120


class UnacceptableFile(ValueError):
    """The file may not be attached; the message says why and what to do."""


def clean_name(name: str) -> str:
    """The name to show and to offer on download: no folders, no control characters,
    not too long (the extension is kept)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    if len(base) > NAME_LIMIT:
        stem, dot, ext = base.rpartition(".")
        keep = NAME_LIMIT - len(ext) - 1 if dot and len(ext) <= 5 else NAME_LIMIT
        base = (stem[:keep] + "." + ext) if dot and len(ext) <= 5 else base[:NAME_LIMIT]
    return base or "file"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def identify(name: str, data: BinaryIO, *, size: int, max_size: int) -> FileKind:
    """The kind of an uploaded file, or `UnacceptableFile`. `data` is read from its start
    and left there."""
    shown = clean_name(name)
    extension = shown.rpartition(".")[2].lower() if "." in shown else ""
    kind = BY_EXTENSION.get(extension)
    if kind is None:
        raise UnacceptableFile(f"“{shown}” is not a kind of file Dyad keeps. Attach {ACCEPTED}.")
    if size == 0:
        raise UnacceptableFile(f"“{shown}” is empty. Choose the file again.")
    if size > max_size:
        raise UnacceptableFile(
            f"“{shown}” is {megabytes(size)}; a file can be at most {megabytes(max_size)}. "
            "Save a smaller version (for a PDF, “reduce file size”) and attach that."
        )
    data.seek(0)
    head = data.read(8)
    data.seek(0)
    if not _content_matches(kind, head, data):
        raise UnacceptableFile(
            f"“{shown}” is named as a {kind.label} file but its content is not {kind.label}. "
            f"Open it and save it again as {kind.label}, or attach {ACCEPTED}."
        )
    data.seek(0)
    return kind


def _content_matches(kind: FileKind, head: bytes, data: BinaryIO) -> bool:
    if kind is PDF:
        return head.startswith(b"%PDF-")
    if kind is PNG:
        return head == b"\x89PNG\r\n\x1a\n"
    if kind is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if kind is TEXT:
        return _is_text(data)
    return head.startswith(b"PK\x03\x04") and _office_package_is(kind, data)


def _is_text(data: BinaryIO) -> bool:
    content = data.read()
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _office_package_is(kind: FileKind, data: BinaryIO) -> bool:
    try:
        with zipfile.ZipFile(data) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(OFFICE_PART[kind]) for n in names)
