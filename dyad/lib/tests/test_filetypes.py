import io
import zipfile

import pytest

from dyad.lib.filetypes import (
    EXCEL,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WORD,
    UnacceptableFile,
    clean_name,
    identify,
)

MB = 1024 * 1024


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part + "document.xml", "<doc/>")
    return buffer.getvalue()


def judge(name: str, content: bytes, max_size: int = 10 * MB):
    return identify(name, io.BytesIO(content), size=len(content), max_size=max_size)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("cv.pdf", b"%PDF-1.7\n...", PDF),
        ("CV.PDF", b"%PDF-1.4\n...", PDF),
        ("poster.png", b"\x89PNG\r\n\x1a\n....", PNG),
        ("photo.jpeg", b"\xff\xd8\xff\xe0....", JPEG),
        ("photo.jpg", b"\xff\xd8\xff\xdb....", JPEG),
        ("notes.txt", "Questions for Dr. Okafor — ½ day".encode(), TEXT),
        ("draft.docx", office("word/"), WORD),
        ("budget.xlsx", office("xl/"), EXCEL),
    ],
)
def test_accepts_a_file_that_is_what_its_name_says(name, content, kind):
    assert judge(name, content) is kind


def test_refuses_a_kind_it_does_not_keep_and_names_the_kinds_it_does():
    with pytest.raises(UnacceptableFile, match="not a kind of file Dyad keeps.*PDF, Word"):
        judge("setup.exe", b"MZ....")


def test_refuses_a_file_without_an_extension():
    with pytest.raises(UnacceptableFile, match="not a kind of file"):
        judge("README", b"hello")


def test_refuses_a_program_named_as_a_pdf():
    with pytest.raises(UnacceptableFile, match="named as a PDF file but its content is not PDF"):
        judge("cv.pdf", b"MZ\x90\x00 not a pdf")


def test_refuses_a_zip_that_is_not_the_office_document_it_claims():
    with pytest.raises(UnacceptableFile, match="not Word"):
        judge("draft.docx", office("xl/"))
    with pytest.raises(UnacceptableFile, match="not Excel"):
        judge("budget.xlsx", b"PK\x03\x04 truncated")


def test_refuses_binary_named_as_text():
    with pytest.raises(UnacceptableFile, match="not plain text"):
        judge("notes.txt", b"abc\x00def")
    with pytest.raises(UnacceptableFile, match="not plain text"):
        judge("notes.txt", b"\xff\xfe\xfa")


def test_refuses_an_empty_file():
    with pytest.raises(UnacceptableFile, match="is empty"):
        judge("cv.pdf", b"")


def test_refuses_a_file_over_the_limit_and_says_both_sizes():
    with pytest.raises(UnacceptableFile, match=r"is 2\.0 MB; a file can be at most 1\.0 MB"):
        identify("cv.pdf", io.BytesIO(b"%PDF-"), size=2 * MB, max_size=1 * MB)


def test_leaves_the_file_at_its_start():
    data = io.BytesIO(office("word/"))
    identify("a.docx", data, size=len(data.getvalue()), max_size=MB)
    assert data.tell() == 0


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\me\\cv.pdf", "cv.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ('we"ird<>name.pdf', "weirdname.pdf"),
        ("tab\there\x00.pdf", "tabhere.pdf"),
        ("...", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_clean_name_keeps_only_a_safe_base_name(given, shown):
    assert clean_name(given) == shown
