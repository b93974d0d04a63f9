"""Files attached to a meeting's preparation: what is accepted, where it is kept, and who
may open it (the learner's preparation rules: the parties; leaders only by consent)."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.files import private_storage
from dyad.meetings import services
from dyad.meetings.models import Attachment
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships.factories import acknowledge_both, make_relationship, revise_agreement
from dyad.relationships.services import relationship_end

PDF = b"%PDF-1.7\nA CV with the PDF-WORDS inside\n%%EOF\n"


@pytest.fixture(autouse=True)
def _own_folder(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def meeting(program, director):
    rel = make_relationship(
        program=program,
        acting_user=director,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    acknowledge_both(rel)
    return services.meeting_schedule(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        mode="video",
    )


def kw(meeting, **extra):
    return {"slug": meeting.relationship.program.slug, "meeting_uuid": meeting.uuid, **extra}


def upload(client, meeting, name, content, *, as_user=None):
    client.force_login(as_user or meeting.relationship.learner)
    return client.post(
        reverse("meetings:attachment_add", kwargs=kw(meeting)),
        {"file-file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def download(client, user, attachment):
    client.force_login(user)
    return client.get(attachment.get_absolute_url())


def stored_files() -> list[Path]:
    from django.conf import settings

    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def test_the_learner_attaches_a_pdf_and_the_guide_downloads_it_as_it_was(client, meeting):
    response = upload(client, meeting, "My CV (2026).pdf", PDF)
    assert "“My CV (2026).pdf” attached" in response.text
    attachment = Attachment.objects.get(meeting=meeting)
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "My CV (2026).pdf",
        "application/pdf",
        len(PDF),
    )
    assert "My CV (2026).pdf" in response.text  # listed on the meeting page

    got = download(client, meeting.relationship.guide, attachment)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert "My CV (2026).pdf" in got["Content-Disposition"]
    assert got["Cache-Control"] == "private, no-store"


def test_the_file_is_kept_outside_every_served_path_under_a_name_that_says_nothing(
    client, meeting, settings
):
    upload(client, meeting, "secret-plans.pdf", PDF)
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_FILES_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "secret" not in path.name
    with pytest.raises(ValueError, match="no address"):
        private_storage.url(attachment.file.name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "is not a kind of file Dyad keeps"),
        ("cv.pdf", b"MZ\x90\x00 a program", "its content is not PDF"),
        ("draft.docx", b"PK\x03\x04 not really", "its content is not Word"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_what_to_do(
    client, meeting, name, content, message
):
    response = upload(client, meeting, name, content)
    assert message in response.text
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_size_limit_is_refused_and_says_the_limit(client, meeting, settings):
    settings.DYAD_ATTACHMENT_MAX_BYTES = 1024 * 1024
    response = upload(client, meeting, "scan.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert "a file can be at most 1.0 MB" in response.text
    assert not Attachment.objects.exists()


def test_an_office_document_is_accepted_when_it_is_one(client, meeting):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    upload(client, meeting, "essay.docx", buffer.getvalue())
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")


def test_the_same_file_twice_is_kept_once(client, meeting):
    upload(client, meeting, "cv.pdf", PDF)
    response = upload(client, meeting, "cv.pdf", PDF)
    assert "“cv.pdf” is attached already" in response.text
    assert Attachment.objects.count() == 1


def test_a_preparation_holds_at_most_the_configured_number_of_files(client, meeting, settings):
    settings.DYAD_ATTACHMENTS_PER_MEETING = 2
    upload(client, meeting, "one.txt", b"one")
    upload(client, meeting, "two.txt", b"two")
    response = upload(client, meeting, "three.txt", b"three")
    assert "already has 2 files. Remove one before adding another." in response.text
    assert Attachment.objects.count() == 2


def test_no_file_chosen_says_so(client, meeting):
    client.force_login(meeting.relationship.learner)
    response = client.post(
        reverse("meetings:attachment_add", kwargs=kw(meeting)), {"file-file": ""}, follow=True
    )
    assert "Choose a file to attach." in response.text


def test_only_the_learner_attaches(client, meeting):
    response = upload(client, meeting, "cv.pdf", PDF, as_user=meeting.relationship.guide)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_removing_deletes_the_file_once_the_removal_is_committed(
    client, meeting, django_capture_on_commit_callbacks
):
    upload(client, meeting, "cv.pdf", PDF)
    attachment = Attachment.objects.get()
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "meetings:attachment_remove",
                kwargs=kw(meeting, attachment_uuid=attachment.uuid),
            ),
            follow=True,
        )
    assert "“cv.pdf” removed." in response.text
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_the_audit_log_says_a_file_was_attached_without_its_name(client, meeting):
    upload(client, meeting, "therapy-letter.pdf", PDF)
    entry = AuditEntry.objects.get(action="meeting.file_attached")
    assert "therapy" not in str(entry.data)


def test_a_leader_without_consent_does_not_learn_the_file_exists(client, meeting, director):
    upload(client, meeting, "cv.pdf", PDF)
    attachment = Attachment.objects.get()
    assert download(client, director, attachment).status_code == 404
    client.force_login(director)
    page = client.get(reverse("meetings:detail", kwargs=kw(meeting))).text
    assert "cv.pdf" not in page


def test_a_leader_opens_it_when_the_learner_shares_preparation_and_it_is_audited(
    client, meeting, director
):
    upload(client, meeting, "cv.pdf", PDF)
    attachment = Attachment.objects.get()
    rel = meeting.relationship
    revise_agreement(rel, rel.learner, consent=["preparation"])
    acknowledge_both(rel)
    client.force_login(director)
    assert "cv.pdf" in client.get(reverse("meetings:detail", kwargs=kw(meeting))).text
    AuditEntry.objects.filter(action="consent.read").delete()
    got = download(client, director, attachment)
    assert b"".join(got.streaming_content) == PDF
    entry = AuditEntry.objects.get(action="consent.read", actor=director)
    assert entry.data["categories"] == ["preparation"]


def test_an_evaluator_of_the_learner_gets_nothing(client, meeting, program):
    upload(client, meeting, "cv.pdf", PDF)
    evaluator = MembershipFactory(program=program, role=Role.FACULTY).user
    assert download(client, evaluator, Attachment.objects.get()).status_code == 404


def test_a_file_of_another_meeting_is_not_found_through_this_one(client, meeting, director):
    upload(client, meeting, "cv.pdf", PDF)
    other = services.meeting_schedule(
        relationship=meeting.relationship,
        acting_user=meeting.relationship.learner,
        starts_at=timezone.now() + timedelta(days=10),
        duration_minutes=30,
        mode="video",
    )
    attachment = Attachment.objects.get()
    client.force_login(meeting.relationship.guide)
    url = reverse("meetings:attachment", kwargs=kw(other, attachment_uuid=attachment.uuid))
    assert client.get(url).status_code == 404


def test_an_ended_relationship_keeps_its_files_but_takes_no_new_ones(client, meeting, director):
    upload(client, meeting, "cv.pdf", PDF)
    relationship_end(relationship=meeting.relationship, acting_user=director, reason="completed")
    response = upload(client, meeting, "more.pdf", PDF + b"more")
    assert response.status_code == 403
    got = download(client, meeting.relationship.guide, Attachment.objects.get())
    assert got.status_code == 200
