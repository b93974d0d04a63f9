"""The roster import pages: upload, preview, apply and the report of rows in error."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.accounts.models import User
from dyad.programs import services
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Invitation, Role, RosterImport

HEADER = "Last Name,First Name,Email,Role,PGY"


def csv_file(*lines, header=HEADER, name="roster.csv"):
    data = ("\r\n".join([header, *lines]) + "\r\n").encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def make_import(program, *lines, user=None, header=HEADER):
    return services.roster_import_create(
        program=program, uploaded_file=csv_file(*lines, header=header), acting_user=user
    )


def url(name, program, roster_import=None):
    args = [program.slug] + ([roster_import.uuid] if roster_import else [])
    return reverse(f"programs:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who may do what --------------------------------------------------------------------------

PAGES = [
    ("roster_upload", "get", False, 200),
    ("roster_upload", "post", False, 200),  # no file: the form again, with an error
    ("roster_preview", "get", True, 200),
    ("roster_apply", "post", True, 302),
    ("roster_skipped_report", "get", True, 200),
]


def request(client, program, name, method, with_import):
    roster_import = make_import(program, "Ruiz,Ana,ana@h.org,Resident,1") if with_import else None
    return getattr(client, method)(url(name, program, roster_import))


@pytest.mark.django_db
@pytest.mark.parametrize("name, method, with_import, ok", PAGES)
@pytest.mark.parametrize("leader", ["coordinator", "director"])
def test_program_leaders_may_import(
    client, program, request_fixture, name, method, with_import, ok, leader
):
    client.force_login(request_fixture(leader))
    assert request(client, program, name, method, with_import).status_code == ok


@pytest.mark.django_db
@pytest.mark.parametrize("name, method, with_import, ok", PAGES)
@pytest.mark.parametrize("member", ["resident", "faculty"])
def test_residents_and_faculty_are_forbidden(
    client, program, request_fixture, name, method, with_import, ok, member
):
    client.force_login(request_fixture(member))
    assert request(client, program, name, method, with_import).status_code == 403
    assert User.objects.filter(email="ana@h.org").exists() is False


@pytest.mark.django_db
@pytest.mark.parametrize("name, method, with_import, ok", PAGES)
def test_outsiders_get_404(client, program, outsider, name, method, with_import, ok):
    client.force_login(outsider)
    assert request(client, program, name, method, with_import).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name, method, with_import, ok", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, program, name, method, with_import, ok):
    response = request(client, program, name, method, with_import)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["roster_preview", "roster_apply", "roster_skipped_report"])
def test_an_import_of_another_program_is_404_for_our_leader(
    client, program, other_program, coordinator, name
):
    theirs = make_import(other_program, "Ruiz,Ana,ana@h.org,Resident,1")
    client.force_login(coordinator)
    method = client.post if name == "roster_apply" else client.get
    assert method(url(name, program, theirs)).status_code == 404
    assert method(url(name, other_program, theirs)).status_code == 404


@pytest.fixture
def request_fixture(request):
    return request.getfixturevalue


# --- upload -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_page_explains_the_columns_and_offers_an_example(client, program, coordinator):
    client.force_login(coordinator)
    response = client.get(url("roster_upload", program))
    assert response.context["nav"] == "people"
    assert response.context["viewer"].program == program
    assert "Expected End Date" in response.text
    assert 'download="roster-example.csv"' in response.text
    assert 'enctype="multipart/form-data"' in response.text


@pytest.mark.django_db
def test_upload_stores_the_file_and_redirects_to_its_preview(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("roster_upload", program), {"file": csv_file("Ruiz,Ana,ana@h.org,Resident,1")}
    )
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("roster_preview", program, roster_import)
    assert roster_import.program == program
    assert roster_import.uploaded_by == coordinator
    assert roster_import.filename == "roster.csv"
    assert not User.objects.filter(email="ana@h.org").exists()


@pytest.mark.django_db
def test_upload_without_a_file_asks_for_one(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(url("roster_upload", program), {})
    assert response.context["form"].errors["file"] == ["Choose the CSV file to import."]
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_too_large_file_is_a_form_error_and_nothing_is_stored(
    client, program, coordinator, settings
):
    settings.DYAD_ROSTER_MAX_BYTES = 30
    client.force_login(coordinator)
    response = client.post(
        url("roster_upload", program), {"file": csv_file("Ruiz,Ana,ana@h.org,Resident,1")}
    )
    assert response.status_code == 200
    assert "larger than 30" in str(response.context["form"].errors["file"])
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, says",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"", "The file is empty."),
        (b"\r\n  \r\n", "The file is empty."),
    ],
)
def test_files_that_are_not_text_or_empty_are_form_errors(client, program, coordinator, data, says):
    client.force_login(coordinator)
    response = client.post(
        url("roster_upload", program), {"file": SimpleUploadedFile("roster.csv", data)}
    )
    assert response.status_code == 200
    assert says in str(response.context["form"].errors["file"])
    assert not RosterImport.objects.exists()


# --- preview ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_counts_and_lists_what_each_row_will_do(client, program, coordinator):
    MembershipFactory(program=program, user__email="same@h.org", role=Role.RESIDENT, pgy=2)
    MembershipFactory(program=program, user__email="moves@h.org", role=Role.RESIDENT, pgy=1)
    MembershipFactory(program=program, user__email="fac@h.org", role=Role.FACULTY)
    roster_import = make_import(
        program,
        "New,Nia,new@h.org,Resident,1",
        "Same,Sam,same@h.org,Resident,2",
        "Moves,Max,moves@h.org,Resident,2",
        "Fac,Fay,fac@h.org,APD,",
        "Bad,Bo,bad-at-h.org,Resident,1",
        user=coordinator,
    )
    client.force_login(coordinator)
    response = client.get(url("roster_preview", program, roster_import))
    assert response.status_code == 200
    assert response.context["nav"] == "people"
    plan = response.context["plan"]
    assert plan.counts == {"create": 1, "add_role": 1, "update": 1, "unchanged": 1, "error": 1}
    text = response.text
    assert "New person" in text
    assert "New role for an existing person" in text
    assert "PGY: 1 → <strong>2</strong>" in text
    assert '<tr id="row-6" class="error">' in text
    assert "“bad-at-h.org” is not a valid e-mail address" in text
    assert 'name="skip_errors"' in text
    assert url("roster_skipped_report", program, roster_import) in text


@pytest.mark.django_db
def test_preview_without_errors_offers_no_skip_checkbox(client, program, coordinator):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1")
    client.force_login(coordinator)
    text = client.get(url("roster_preview", program, roster_import)).text
    assert 'name="skip_errors"' not in text
    assert 'class="error"' not in text
    assert "Apply this roster" in text


@pytest.mark.django_db
def test_preview_of_a_file_without_email_column_shows_one_clear_error(client, program, coordinator):
    roster_import = make_import(program, "Ruiz,Ana,1", header="Last Name,First Name,PGY")
    client.force_login(coordinator)
    response = client.get(url("roster_preview", program, roster_import))
    assert "This file cannot be imported" in response.text
    assert "Columns found: “Last Name”, “First Name”, “PGY”" in response.text
    assert "Apply this roster" not in response.text


@pytest.mark.django_db
def test_preview_says_when_the_file_was_not_utf8(client, program, coordinator):
    data = "Email,First Name,Last Name,PGY\r\nj@h.org,José,Müller,2\r\n".encode("cp1252")
    roster_import = services.roster_import_create(
        program=program, uploaded_file=SimpleUploadedFile("r.csv", data), acting_user=coordinator
    )
    client.force_login(coordinator)
    text = client.get(url("roster_preview", program, roster_import)).text
    assert "Windows-1252" in text
    assert "José" in text


def preview_queries(client, program, roster_import):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("roster_preview", program, roster_import)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_preview_query_count_does_not_grow_with_rows(
    client, program, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    for n in range(40):
        MembershipFactory(program=program, user__email=f"r{n}@h.org", role=Role.RESIDENT, pgy=1)
    small = make_import(program, *(f"R,P{n},r{n}@h.org,Resident,2" for n in range(3)))
    large = make_import(
        program,
        *(f"R,P{n},r{n}@h.org,Resident,2" for n in range(40)),
        *(f"N,Q{n},new{n}@h.org,Faculty," for n in range(40)),
    )
    assert preview_queries(client, program, small) == preview_queries(client, program, large)
    with django_assert_max_num_queries(12):
        client.get(url("roster_preview", program, large))


# --- apply ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_apply_imports_and_says_what_was_done(
    client, program, coordinator, django_capture_on_commit_callbacks
):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1", user=coordinator)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("roster_apply", program, roster_import))
    assert response.status_code == 302
    assert response["Location"] == url("roster_preview", program, roster_import)
    assert messages_of(response) == [
        "Roster applied: 1 new person (invitation queued), 0 new roles for people already in "
        "Dyad, 0 updated, 0 unchanged."
    ]
    assert mail.outbox == []  # sent by send_invitations, outside the request
    assert Invitation.objects.get().user.email == "new@h.org"
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.APPLIED

    page = client.get(response["Location"])
    assert "This roster was applied on" in page.text
    assert "coordinator@example.org" in page.text
    assert page.context["plan"] is None


@pytest.mark.django_db
def test_apply_needs_post(client, program, coordinator):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1")
    client.force_login(coordinator)
    assert client.get(url("roster_apply", program, roster_import)).status_code == 405


@pytest.mark.django_db
def test_apply_with_errors_is_refused_with_a_message(client, program, coordinator):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1", "Bad,Bo,,Resident,1")
    client.force_login(coordinator)
    response = client.post(url("roster_apply", program, roster_import))
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert "1 row of this roster has errors, so nothing was imported" in message
    assert not User.objects.filter(email="new@h.org").exists()


@pytest.mark.django_db
def test_apply_skipping_errors_then_download_the_skipped_rows(
    client, program, coordinator, django_capture_on_commit_callbacks
):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1", "Bad,Bo,,Resident,1")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("roster_apply", program, roster_import), {"skip_errors": "1"})
    assert "1 skipped" in messages_of(response)[0]
    assert User.objects.filter(email="new@h.org").exists()

    page = client.get(url("roster_preview", program, roster_import))
    assert "Download the 1 skipped row" in page.text

    report = client.get(url("roster_skipped_report", program, roster_import))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report["Content-Disposition"] == 'attachment; filename="roster-errors.csv"'
    body = report.content.decode("utf-8")
    assert body.startswith("\ufeffRow,Last Name,First Name,Email,Role,PGY,Error\r\n3,Bad,Bo,,")
    assert "The e-mail address is missing" in body


@pytest.mark.django_db
def test_applying_twice_is_refused_with_a_message(
    client, program, coordinator, django_capture_on_commit_callbacks
):
    roster_import = make_import(program, "New,Nia,new@h.org,Resident,1")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("roster_apply", program, roster_import))
        response = client.post(url("roster_apply", program, roster_import))
    assert "already been applied" in messages_of(response)[-1]
    assert Invitation.objects.count() == 1
