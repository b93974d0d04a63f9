"""manage.py import_roster: the same import, for scripts."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from dyad.accounts.models import User
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Invitation, Role, RosterImport

HEADER = "Last Name,First Name,Email,Role,PGY"


@pytest.fixture
def roster_path(tmp_path):
    def write(*lines, header=HEADER):
        path = tmp_path / "roster.csv"
        path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode())
        return str(path)

    return write


def run(*args):
    out = StringIO()
    call_command("import_roster", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_preview_prints_each_row_and_stores_nothing(program, roster_path):
    MembershipFactory(program=program, user__email="old@h.org", role=Role.RESIDENT, pgy=1)
    out = run("peds", roster_path("New,Nia,new@h.org,Resident,1", "Old,Oz,old@h.org,Resident,2"))
    assert "row    2  create     new@h.org  Resident PGY-1" in out
    assert "row    3  update     old@h.org  Resident PGY-2" in out
    assert "PGY: 1 → 2" in out
    assert "1 new, 0 role(s) added, 1 to update, 0 unchanged, 0 in error." in out
    assert not RosterImport.objects.exists()
    assert not User.objects.filter(email="new@h.org").exists()


@pytest.mark.django_db
def test_preview_with_errors_prints_them_and_fails(program, roster_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 row\\(s\\) in error") as caught:
        call_command("import_roster", "peds", roster_path("Bad,Bo,bo@,Resident,1"), stdout=out)
    assert caught.value.returncode == 1
    assert "“bo@” is not a valid e-mail address" in out.getvalue()


@pytest.mark.django_db
def test_apply_imports_and_queues_the_invitations(program, roster_path):
    out = run("peds", roster_path("New,Nia,new@h.org,Resident,1"), "--apply")
    assert "Applied: 1 new" in out
    assert "manage.py send_invitations sends them" in out
    assert mail.outbox == []
    call_command("send_invitations", stdout=StringIO())
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.APPLIED
    assert roster_import.uploaded_by is None
    assert program.memberships.filter(user__email="new@h.org", role=Role.RESIDENT).exists()
    assert [m.to for m in mail.outbox] == [["new@h.org"]]


@pytest.mark.django_db
def test_apply_twice_changes_nothing_the_second_time(program, roster_path):
    path = roster_path("New,Nia,new@h.org,Resident,1")
    run("peds", path, "--apply")
    out = run("peds", path, "--apply")
    assert "Applied: 0 new, 0 role(s) added, 0 updated, 1 unchanged, 0 skipped." in out
    assert Invitation.objects.count() == 1
    assert User.objects.filter(email="new@h.org").count() == 1


@pytest.mark.django_db
def test_apply_with_errors_is_refused_and_stores_nothing(program, roster_path):
    path = roster_path("New,Nia,new@h.org,Resident,1", "Bad,Bo,,Resident,1")
    with pytest.raises(CommandError, match="add --skip-errors"):
        run("peds", path, "--apply")
    assert not RosterImport.objects.exists()
    assert not User.objects.filter(email="new@h.org").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_apply_skipping_errors_imports_the_other_rows(program, roster_path):
    path = roster_path("New,Nia,new@h.org,Resident,1", "Bad,Bo,,Resident,1")
    out = run("peds", path, "--apply", "--skip-errors")
    assert "1 skipped" in out
    assert User.objects.filter(email="new@h.org").exists()
    assert RosterImport.objects.get().summary["skipped_rows"][0]["line"] == 3


@pytest.mark.django_db
def test_file_without_email_column_fails_with_the_reason(program, roster_path):
    out = StringIO()
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command(
            "import_roster", "peds", roster_path("Ruiz,Ana", header="Last,First"), stdout=out
        )
    assert "no e-mail column" in out.getvalue()


@pytest.mark.django_db
def test_binary_file_fails(program, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00binary")
    with pytest.raises(CommandError, match="Excel workbook"):
        run("peds", str(path))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, says",
    [
        (["nope", "roster.csv"], "No program with the slug “nope”"),
        (["peds", "/no/such/file.csv"], "No such file"),
        (["peds", "roster.csv", "--skip-errors"], "only makes sense with --apply"),
    ],
)
def test_bad_arguments_fail_clearly(program, args, says):
    with pytest.raises(CommandError, match=says):
        run(*args)
