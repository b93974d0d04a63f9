"""Applying a roster import: all or nothing, once, idempotent, inviting new people."""

import csv
import io
import re
from datetime import date

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from dyad.accounts.models import User
from dyad.programs import services
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Invitation, Membership, Role, RosterImport

HEADER = "Last Name,First Name,Email,Role,PGY,Track,Start Date"
GOOD = [
    "Ruiz,Ana,ana@h.org,Resident,PGY-1,Primary care,7/1/2025",
    "Okafor,Chidi,Chidi@H.org,Resident,2,,",
    "Nguyen,Anh,anh@h.org,Faculty,,,",
]


def upload(program, *lines, user=None, header=HEADER):
    data = ("\r\n".join([header, *lines]) + "\r\n").encode()
    return services.roster_import_create(
        program=program,
        uploaded_file=SimpleUploadedFile("roster.csv", data, content_type="text/csv"),
        acting_user=user,
    )


def apply(roster_import, *, skip_errors=False, user=None):
    return services.roster_import_apply(
        roster_import=roster_import, skip_errors=skip_errors, acting_user=user
    )


def people(program):
    return set(
        program.memberships.values_list("user__email", "role", "pgy").order_by("user__email")
    )


@pytest.mark.django_db
def test_apply_creates_people_and_memberships_and_records_a_summary(
    program, coordinator, django_capture_on_commit_callbacks
):
    roster_import = upload(program, *GOOD, user=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply(roster_import, user=coordinator)
    assert people(program) >= {
        ("ana@h.org", Role.RESIDENT, 1),
        ("chidi@h.org", Role.RESIDENT, 2),
        ("anh@h.org", Role.FACULTY, None),
    }
    ana = Membership.objects.get(user__email="ana@h.org")
    assert (ana.track, ana.start_date) == ("Primary care", date(2025, 7, 1))
    assert (ana.user.first_name, ana.user.last_name) == ("Ana", "Ruiz")
    assert not ana.user.has_usable_password()
    applied.refresh_from_db()
    assert applied.status == RosterImport.Status.APPLIED
    assert applied.applied_at is not None
    assert applied.skipped_errors is False
    assert applied.summary == {
        "encoding": "utf-8",
        "created": 3,
        "roles_added": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "skipped_rows": [],
        "applied_by": "coordinator@example.org",
    }


@pytest.mark.django_db
def test_new_people_are_invited_once_by_the_queue_with_a_set_password_link(
    program, coordinator, django_capture_on_commit_callbacks
):
    roster_import = upload(program, *GOOD, user=coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        apply(roster_import, user=coordinator)
    assert (callbacks, mail.outbox) == ([], [])  # nothing is sent inside the request
    call_command("send_invitations", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@h.org", "anh@h.org", "chidi@h.org"]
    message = next(m for m in mail.outbox if m.to == ["ana@h.org"])
    assert program.name in message.subject
    uidb64, token = re.search(r"/accounts/invitation/([^/]+)/([^/]+)/", message.body).groups()
    ana = User.objects.get(email="ana@h.org")
    assert default_token_generator.check_token(ana, token)
    assert ana.invited_at is not None


@pytest.mark.django_db
def test_existing_people_are_not_invited(program, django_capture_on_commit_callbacks):
    MembershipFactory(program=program, user__email="anh@h.org", role=Role.DIRECTOR)
    roster_import = upload(program, *GOOD)
    applied = apply(roster_import)
    call_command("send_invitations", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@h.org", "chidi@h.org"]
    assert applied.summary["roles_added"] == 1
    assert people(program) >= {("anh@h.org", Role.DIRECTOR, None), ("anh@h.org", "faculty", None)}


@pytest.mark.django_db
def test_apply_updates_fields_but_not_a_name_someone_set(program):
    membership = MembershipFactory(
        program=program,
        user__email="ana@h.org",
        user__first_name="Anita",
        user__last_name="",
        role=Role.RESIDENT,
        pgy=1,
    )
    apply(upload(program, "Ruiz,Ana,ana@h.org,Resident,2,Research,"))
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    assert (membership.pgy, membership.track) == (2, "Research")
    assert (membership.user.first_name, membership.user.last_name) == ("Anita", "Ruiz")


@pytest.mark.django_db
def test_running_the_same_file_twice_changes_nothing_and_sends_nothing(
    program, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply(upload(program, *GOOD, user=coordinator))
    before_people = people(program)
    before_users = User.objects.count()
    updated_at = set(program.memberships.values_list("updated_at", flat=True))
    mail.outbox.clear()

    second = upload(program, *GOOD, user=coordinator)
    plan = services.roster_import_plan(roster_import=second)
    assert {r.action for r in plan.rows} == {services.RowAction.UNCHANGED}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        applied = apply(second, user=coordinator)

    assert callbacks == []
    assert mail.outbox == []
    assert Invitation.objects.count() == 3
    assert people(program) == before_people
    assert User.objects.count() == before_users
    assert set(program.memberships.values_list("updated_at", flat=True)) == updated_at
    assert applied.summary["unchanged"] == 3
    assert applied.summary["created"] == 0


@pytest.mark.django_db
def test_apply_is_refused_while_rows_are_in_error(program, django_capture_on_commit_callbacks):
    roster_import = upload(program, *GOOD, "Lee,Jo,not-an-email,Resident,1,,")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.RosterApplyError, match="1 row of this roster has errors"),
    ):
        apply(roster_import)
    assert not User.objects.filter(email="ana@h.org").exists()
    assert mail.outbox == []
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED


@pytest.mark.django_db
def test_file_that_cannot_be_read_is_refused(program):
    roster_import = upload(program, "Ruiz,Ana,1", header="Last Name,First Name,PGY")
    with pytest.raises(services.RosterApplyError, match="no e-mail column"):
        apply(roster_import, skip_errors=True)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED


@pytest.mark.django_db
def test_skipping_errors_imports_the_other_rows_and_keeps_the_skipped_ones_for_the_report(
    program, django_capture_on_commit_callbacks
):
    roster_import = upload(
        program,
        GOOD[0],
        "Lee,Jo,not-an-email,Resident,1,,",
        GOOD[2],
        "Park,Min,min@h.org,Resident,PGY-7,,",
    )
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply(roster_import, skip_errors=True)
    assert {email for email, _, _ in people(program)} == {"ana@h.org", "anh@h.org"}
    assert set(Invitation.objects.values_list("user__email", flat=True)) == {
        "ana@h.org",
        "anh@h.org",
    }
    assert applied.skipped_errors is True
    assert applied.summary["skipped"] == 2
    assert [item["line"] for item in applied.summary["skipped_rows"]] == [3, 5]

    report = list(csv.reader(io.StringIO(services.roster_error_report(roster_import=applied))))
    assert report[0] == ["Row", *HEADER.split(","), "Error"]
    assert [r[:4] for r in report[1:]] == [
        ["3", "Lee", "Jo", "not-an-email"],
        ["5", "Park", "Min", "min@h.org"],
    ]
    assert "not a valid e-mail address" in report[1][-1]
    assert "PGY-7 is outside the program's levels" in report[2][-1]


@pytest.mark.django_db
def test_report_before_apply_lists_the_rows_that_would_be_skipped(program):
    roster_import = upload(program, GOOD[0], "Lee,Jo,,Resident,1,,")
    report = list(
        csv.reader(io.StringIO(services.roster_error_report(roster_import=roster_import)))
    )
    assert [r[0] for r in report[1:]] == ["3"]


@pytest.mark.django_db
def test_an_import_cannot_be_applied_twice(program, django_capture_on_commit_callbacks):
    roster_import = upload(program, *GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        apply(roster_import)
    mail.outbox.clear()
    # The caller's copy still says "previewed": the locked row in the database decides.
    assert roster_import.status == RosterImport.Status.PREVIEWED
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.RosterApplyError, match="already been applied"),
    ):
        apply(roster_import)
    assert mail.outbox == []


@pytest.mark.django_db
def test_failure_in_the_middle_writes_nothing_and_queues_nothing(program, monkeypatch):
    MembershipFactory(program=program, user__email="chidi@h.org", role=Role.RESIDENT, pgy=1)

    def disk_full(*args, **kwargs):
        raise RuntimeError("disk full")

    # The new people are written; their memberships are not.
    monkeypatch.setattr(Membership.objects, "bulk_create", disk_full)
    roster_import = upload(program, *GOOD)
    with pytest.raises(RuntimeError):
        apply(roster_import)
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email__in=["ana@h.org", "anh@h.org"]).exists()
    assert Membership.objects.get(user__email="chidi@h.org").pgy == 1  # not updated to 2
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED
    assert "created" not in roster_import.summary


@pytest.mark.django_db
def test_a_clash_with_a_concurrent_change_is_refused_cleanly(program, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Membership.objects, "bulk_create", clash)
    roster_import = upload(program, *GOOD)
    with pytest.raises(services.RosterApplyError, match="nothing was imported"):
        apply(roster_import)


def apply_queries(program, lines):
    roster_import = upload(program, *lines)
    with CaptureQueriesContext(connection) as ctx:
        apply(roster_import)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_apply_writes_set_wise_whatever_the_number_of_rows(program):
    """A 5,000-row roster must apply within a request: the queries do not grow per row."""

    def queries(program, n):
        def rows(pgy, start):
            return [
                f"R{i},P,{program.slug}{i}@h.org,Resident,{pgy},T{pgy},"
                for i in range(start, start + n)
            ]

        created = apply_queries(program, rows(1, 0))
        # n updated, n new, n with a new role (faculty too)
        mixed = rows(2, 0) + rows(1, n)
        for i in range(2 * n, 3 * n):
            email = f"{program.slug}{i}@h.org"
            MembershipFactory(program=program, user__email=email, role=Role.RESIDENT)
            mixed.append(f"R{i},P,{email},Faculty,,,")
        return created, apply_queries(program, mixed)

    small = queries(program, 3)
    large = queries(ProgramFactory(slug="large"), 300)
    # SQLite caps the values of one statement, so large batches take a few statements more:
    # at least 25 rows per extra statement (it was three statements per row).
    assert large[0] - small[0] <= 300 / 25
    assert large[1] - small[1] <= 900 / 25
    assert Membership.objects.filter(program__slug="large", pgy=2).count() == 300
    assert Invitation.objects.filter(program__slug="large").count() == 600


@pytest.mark.django_db
def test_uploads_that_are_too_large_or_not_text_are_not_stored(program, settings):
    settings.DYAD_ROSTER_MAX_BYTES = 20
    with pytest.raises(services.RosterFileError, match="larger than 20"):
        upload(program, *GOOD)
    settings.DYAD_ROSTER_MAX_BYTES = 1000
    workbook = SimpleUploadedFile("roster.xlsx", b"PK\x03\x04\x14\x00binary")
    with pytest.raises(services.RosterFileError, match="Excel workbook"):
        services.roster_import_create(program=program, uploaded_file=workbook, acting_user=None)
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_upload_keeps_the_decoded_text_and_its_encoding(program, coordinator):
    data = "Email,First Name,Last Name,PGY\r\nj@h.org,José,Müller,2\r\n".encode("cp1252")
    roster_import = services.roster_import_create(
        program=program,
        uploaded_file=SimpleUploadedFile("../../etc/roster.csv", data),
        acting_user=coordinator,
    )
    assert "José" in roster_import.content
    assert roster_import.summary == {"encoding": "cp1252"}
    assert roster_import.filename == "roster.csv"
    assert roster_import.uploaded_by == coordinator
