"""The program's resource library: leaders keep it, each member reads what is for them."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dyad.audit.models import AuditEntry
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.resources.models import Audience, Resource
from dyad.resources.services import resource_add

TEXT = b"How mentoring works in our program."


@pytest.fixture(autouse=True)
def _own_folder(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


def stored_files() -> list[Path]:
    from django.conf import settings

    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def add(program, director, title, audience, **kw):
    kw.setdefault("link", "" if "upload" in kw else "https://example.org/" + title)
    return resource_add(
        program=program,
        acting_user=director,
        title=title,
        description="",
        kind=kw.pop("kind", ""),
        audience=audience,
        **kw,
    )


def post_new(client, program, data):
    return client.post(reverse("resources:new", args=[program.slug]), data, follow=True)


def form(**fields):
    return {
        "title": "",
        "description": "",
        "kind": "",
        "audience": "everyone",
        "link": "",
        **fields,
    }


def test_a_leader_adds_a_document_for_learners(client, program, director):
    client.force_login(director)
    response = post_new(
        client,
        program,
        form(
            title="Before your first meeting",
            audience="learners",
            kind="mentoring",
            file=SimpleUploadedFile("first-meeting.txt", TEXT),
        ),
    )
    assert "“Before your first meeting” is in the library." in response.text
    resource = Resource.objects.get()
    assert (resource.file_name, resource.file_size, resource.kind) == (
        "first-meeting.txt",
        len(TEXT),
        GuidanceKind.MENTORING,
    )
    assert AuditEntry.objects.filter(action="resource.added", target_id=str(resource.uuid))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give a link (an address starting with https://) or a file."),
        (
            {"link": "https://example.org/x", "file": SimpleUploadedFile("a.txt", TEXT)},
            "Give a link or a file, not both.",
        ),
        ({"file": SimpleUploadedFile("tool.exe", b"MZ")}, "is not a kind of file Dyad keeps"),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_a_resource_needs_one_link_or_one_acceptable_file(
    client, program, director, fields, message
):
    client.force_login(director)
    response = post_new(client, program, form(title="Orientation", **fields))
    assert message in response.text
    assert not Resource.objects.exists()
    assert stored_files() == []


def test_each_member_sees_what_is_for_their_audience(client, program, director):
    add(program, director, "FOR-EVERYONE", Audience.EVERYONE)
    add(program, director, "FOR-LEARNERS", Audience.LEARNERS)
    add(program, director, "FOR-GUIDES", Audience.GUIDES)
    resident = MembershipFactory(program=program, role=Role.RESIDENT).user
    faculty = MembershipFactory(program=program, role=Role.FACULTY).user
    from dyad.profiles.factories import GuideProfileFactory

    GuideProfileFactory(user=faculty)
    seen = {}
    for name, user in {"resident": resident, "faculty": faculty, "director": director}.items():
        client.force_login(user)
        text = client.get(reverse("resources:index", args=[program.slug])).text
        seen[name] = {t for t in ("FOR-EVERYONE", "FOR-LEARNERS", "FOR-GUIDES") if t in text}
    assert seen == {
        "resident": {"FOR-EVERYONE", "FOR-LEARNERS"},
        "faculty": {"FOR-EVERYONE", "FOR-GUIDES"},
        "director": {"FOR-EVERYONE", "FOR-LEARNERS", "FOR-GUIDES"},
    }


def test_a_document_downloads_and_a_link_leads_to_its_address(client, program, director):
    document = add(
        program, director, "Doc", Audience.EVERYONE, upload=SimpleUploadedFile("d.txt", TEXT)
    )
    link = add(program, director, "Video", Audience.EVERYONE)
    client.force_login(MembershipFactory(program=program, role=Role.RESIDENT).user)
    got = client.get(reverse("resources:open", args=[program.slug, document.uuid]))
    assert b"".join(got.streaming_content) == TEXT
    assert got["Content-Disposition"].startswith("attachment;")
    got = client.get(reverse("resources:open", args=[program.slug, link.uuid]))
    assert got.status_code == 302 and got["Location"] == "https://example.org/Video"


def test_replacing_a_document_by_a_link_removes_the_file_once_saved(
    client, program, director, django_capture_on_commit_callbacks
):
    resource = add(
        program, director, "Doc", Audience.EVERYONE, upload=SimpleUploadedFile("d.txt", TEXT)
    )
    assert len(stored_files()) == 1
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("resources:edit", args=[program.slug, resource.uuid]),
            form(title="Doc, now a video", link="https://example.org/video"),
        )
    resource.refresh_from_db()
    assert (resource.title, resource.link, resource.file.name) == (
        "Doc, now a video",
        "https://example.org/video",
        "",
    )
    assert stored_files() == []


def test_editing_without_a_new_file_keeps_the_document(client, program, director):
    resource = add(
        program, director, "Doc", Audience.EVERYONE, upload=SimpleUploadedFile("d.txt", TEXT)
    )
    client.force_login(director)
    client.post(
        reverse("resources:edit", args=[program.slug, resource.uuid]),
        form(title="Doc (2026)", audience="guides"),
    )
    resource.refresh_from_db()
    assert (resource.title, resource.audience, resource.file_name) == (
        "Doc (2026)",
        "guides",
        "d.txt",
    )


def test_removing_deletes_the_row_and_the_file(
    client, program, director, django_capture_on_commit_callbacks
):
    resource = add(
        program, director, "Doc", Audience.EVERYONE, upload=SimpleUploadedFile("d.txt", TEXT)
    )
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("resources:remove", args=[program.slug, resource.uuid]))
    assert not Resource.objects.exists()
    assert stored_files() == []
    assert AuditEntry.objects.filter(action="resource.removed").exists()


def test_a_resource_of_another_program_is_not_found(client, program, other_program, director):
    theirs = add(other_program, director, "Theirs", Audience.EVERYONE)
    client.force_login(director)
    url = reverse("resources:open", args=[program.slug, theirs.uuid])
    assert client.get(url).status_code == 404


def test_the_library_page_does_not_grow_in_queries_with_its_size(
    computed_pages, client, program, director, django_assert_max_num_queries
):
    client.force_login(director)
    url = reverse("resources:index", args=[program.slug])
    add(program, director, "One", Audience.EVERYONE)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(10):
        add(program, director, f"More {n}", Audience.LEARNERS, kind=GuidanceKind.COACHING)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
