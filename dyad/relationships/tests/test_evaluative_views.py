"""Evaluative roles (SPEC M3): recorded by leaders one by one or from a CSV file, and the
existing relationships they flag."""

import codecs
import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dyad.audit.models import AuditEntry
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships import evaluative_import
from dyad.relationships.factories import (
    EvaluativeRoleFactory,
    make_guide,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import EvaluativeKind, EvaluativeRole

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def roles_url(program):
    return reverse("relationships:evaluative_roles", args=[program.slug])


def import_url(program):
    return reverse("relationships:evaluative_import", args=[program.slug])


def delete_url(role):
    return reverse("relationships:evaluative_delete", args=[role.program.slug, role.uuid])


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def add_role(client, program, **data):
    data.setdefault("start_date", "2025-07-01")
    return client.post(roles_url(program), data)


# --- the page and the form ---------------------------------------------------------------


def test_leader_sees_the_programs_roles(client, program, other_program, coordinator, faculty):
    learner = make_learner(program, "Chidi", "Okafor")
    EvaluativeRoleFactory(
        program=program,
        evaluator=faculty,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=learner,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 9, 28),
    )
    EvaluativeRoleFactory(program=other_program, evaluator=make_guide(other_program, "Sam", "Cut"))
    client.force_login(coordinator)
    response = client.get(roles_url(program))
    assert response.status_code == 200
    assert [r.evaluator for r in response.context["roles"]] == [faculty]
    assert "Rotation supervisor" in response.text
    assert "Chidi Okafor" in response.text
    assert "Sep 1, 2025" in response.text and "Sep 28, 2025" in response.text
    assert "Sam Cut" not in response.text


def test_leader_records_a_program_wide_role(client, program, director, faculty):
    client.force_login(director)
    response = add_role(client, program, evaluator=faculty.pk, kind=EvaluativeKind.CCC_MEMBER)
    assert response.status_code == 302
    assert response["Location"] == roles_url(program)
    role = EvaluativeRole.objects.get()
    assert (role.program, role.evaluator, role.kind, role.learner) == (
        program,
        faculty,
        EvaluativeKind.CCC_MEMBER,
        None,
    )
    assert role.start_date == date(2025, 7, 1) and role.end_date is None
    assert AuditEntry.objects.filter(action="evaluative_role.created", actor=director).exists()


def test_rotation_supervision_needs_a_learner(client, program, director, faculty):
    client.force_login(director)
    response = add_role(
        client, program, evaluator=faculty.pk, kind=EvaluativeKind.ROTATION_SUPERVISOR
    )
    assert response.status_code == 200
    assert "Choose the learner this rotation supervisor evaluates." in response.text
    assert not EvaluativeRole.objects.exists()


def test_a_program_wide_role_takes_no_learner(client, program, director, faculty, resident):
    client.force_login(director)
    response = add_role(
        client, program, evaluator=faculty.pk, kind=EvaluativeKind.CCC_MEMBER, learner=resident.pk
    )
    assert response.context["form"].errors["learner"]
    assert not EvaluativeRole.objects.exists()


def test_end_date_before_start_is_refused(client, program, director, faculty):
    client.force_login(director)
    response = add_role(
        client,
        program,
        evaluator=faculty.pk,
        kind=EvaluativeKind.PROGRAM_DIRECTOR,
        start_date="2025-07-01",
        end_date="2025-06-30",
    )
    assert "The end date is before the start date." in response.text
    assert not EvaluativeRole.objects.exists()


def test_evaluators_are_only_members_of_the_program(
    client, program, other_program, director, outsider
):
    client.force_login(director)
    response = add_role(client, program, evaluator=outsider.pk, kind=EvaluativeKind.CCC_MEMBER)
    assert response.context["form"].errors["evaluator"]
    assert not EvaluativeRole.objects.exists()


def test_adding_a_role_tells_which_existing_relationships_it_flags(
    client, program, director, resident
):
    guide = make_guide(program, "Maya", "Okafor")
    make_relationship(program=program, learner=resident, guide=guide)
    client.force_login(director)
    response = add_role(client, program, evaluator=guide.pk, kind=EvaluativeKind.CCC_MEMBER)
    warning = flashes(response)[-1]
    assert "This flags 1 existing relationship" in warning
    assert f"Maya Okafor → {resident}" in warning


def test_adding_a_role_without_conflict_flags_nothing(client, program, director, faculty):
    client.force_login(director)
    response = add_role(client, program, evaluator=faculty.pk, kind=EvaluativeKind.CCC_MEMBER)
    assert not any("flags" in m for m in flashes(response))


def test_leader_removes_a_role(client, program, coordinator, faculty):
    role = EvaluativeRoleFactory(program=program, evaluator=faculty)
    client.force_login(coordinator)
    response = client.post(delete_url(role))
    assert response["Location"] == roles_url(program)
    assert not EvaluativeRole.objects.exists()
    assert AuditEntry.objects.filter(action="evaluative_role.deleted").exists()


def test_removing_is_post_only(client, program, coordinator, faculty):
    role = EvaluativeRoleFactory(program=program, evaluator=faculty)
    client.force_login(coordinator)
    assert client.get(delete_url(role)).status_code == 405
    assert EvaluativeRole.objects.exists()


def test_a_role_of_another_program_is_not_found_through_ours(
    client, program, other_program, director
):
    role = EvaluativeRoleFactory(program=other_program)
    client.force_login(director)
    url = reverse("relationships:evaluative_delete", args=[program.slug, role.uuid])
    assert client.post(url).status_code == 404
    assert EvaluativeRole.objects.exists()


@pytest.mark.parametrize("persona", ["faculty", "resident"])
def test_members_who_are_not_leaders_get_403(client, program, request, persona):
    role = EvaluativeRoleFactory(program=program)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(roles_url(program)).status_code == 403
    assert client.get(import_url(program)).status_code == 403
    assert client.post(delete_url(role)).status_code == 403
    assert EvaluativeRole.objects.exists()


def test_outsider_gets_404(client, program, outsider):
    role = EvaluativeRoleFactory(program=program)
    client.force_login(outsider)
    assert client.get(roles_url(program)).status_code == 404
    assert client.get(import_url(program)).status_code == 404
    assert client.post(delete_url(role)).status_code == 404


def test_anonymous_is_sent_to_login(client, program):
    role = EvaluativeRoleFactory(program=program)
    for response in (
        client.get(roles_url(program)),
        client.get(import_url(program)),
        client.post(delete_url(role)),
    ):
        assert reverse("accounts:login") in response["Location"]
    assert EvaluativeRole.objects.exists()


# --- import ------------------------------------------------------------------------------


@pytest.fixture
def people(program):
    """Two faculty and a resident of the program, known by e-mail."""
    return {
        "anh": MembershipFactory(program=program, role=Role.FACULTY, user__email="anh@h.org").user,
        "maya": MembershipFactory(
            program=program, role=Role.ASSOCIATE_DIRECTOR, user__email="maya@h.org"
        ).user,
        "chidi": make_learner(program, "Chidi", "Okafor", user__email="chidi@h.org"),
    }


GOOD_CSV = (
    "Evaluator Email,Role,Learner Email,Start Date,End Date\n"
    "anh@h.org,CCC member,,2025-07-01,2026-06-30\n"
    "MAYA@h.org,APD,,7/1/2024,\n"
    "anh@h.org,Supervisor,chidi@h.org,9/1/2025,9/28/2025\n"
)


def upload(client, program, text, *, bom=False, name="roles.csv"):
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
    return client.post(import_url(program), {"file": SimpleUploadedFile(name, data)})


def apply(client, program, text):
    return client.post(import_url(program), {"csv_text": text})


def test_upload_shows_a_preview_and_records_nothing(client, program, coordinator, people):
    client.force_login(coordinator)
    response = upload(client, program, GOOD_CSV, bom=True)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.counts == {"create": 3, "skip": 0, "error": 0}
    assert [r.evaluator for r in plan.rows] == [people["anh"], people["maya"], people["anh"]]
    assert plan.rows[2].learner == people["chidi"]
    assert plan.rows[1].row.start_date == date(2024, 7, 1)
    assert "Record 3 roles" in response.text
    assert not EvaluativeRole.objects.exists()


def test_preview_lists_each_error_with_its_row_number(client, program, coordinator, people):
    text = (
        "evaluator e-mail,KIND,learner email,start date,end date\n"
        "nobody@h.org,CCC,,2025-07-01,\n"
        "anh@h.org,Dean,,2025-07-01,\n"
        "\n"
        "anh@h.org,Rotation Supervisor,,2025-07-01,\n"
        "maya@h.org,PD,,2025-07-01,2025-06-01\n"
        "maya@h.org,Program Director,,2025-07-01,\n"
    )
    client.force_login(coordinator)
    response = upload(client, program, text)
    rows = response.context["plan"].rows
    assert [(r.row.line, r.action) for r in rows] == [
        (2, "error"),
        (3, "error"),
        (5, "error"),
        (6, "error"),
        (7, "create"),
    ]
    assert rows[0].errors == ["nobody@h.org is not a member of Pediatrics Residency."]
    assert rows[1].errors[0].startswith("Unknown role “Dean”: write CCC,")
    assert rows[2].errors == ["A rotation supervisor evaluates one learner: fill in Learner Email."]
    assert rows[3].errors == ["End Date is before Start Date."]
    assert 'id="row-5"' in response.text
    assert "Nothing can be imported while a row is in error." in response.text
    assert 'name="csv_text"' not in response.text


def test_a_file_without_the_needed_columns_is_refused_whole(client, program, coordinator):
    client.force_login(coordinator)
    response = upload(client, program, "Name,Email\nAnh,anh@h.org\n")
    assert response.context["plan"].file_errors[0].startswith("Missing columns: Role, Start Date.")
    assert "This file cannot be imported" in response.text


def test_a_file_that_is_not_utf8_is_refused(client, program, coordinator):
    client.force_login(coordinator)
    data = "Evaluator Email,Role,Start Date\nrené@h.org,CCC,2025-07-01\n".encode("cp1252")
    response = client.post(import_url(program), {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 200
    assert "is not UTF-8 text" in response.text
    assert "plan" not in response.context


def test_apply_records_every_role_and_audits_each(client, program, director, people):
    client.force_login(director)
    response = apply(client, program, GOOD_CSV)
    assert response["Location"] == roles_url(program)
    assert EvaluativeRole.objects.filter(program=program).count() == 3
    supervision = EvaluativeRole.objects.get(kind=EvaluativeKind.ROTATION_SUPERVISOR)
    assert supervision.learner == people["chidi"]
    assert (supervision.start_date, supervision.end_date) == (date(2025, 9, 1), date(2025, 9, 28))
    assert AuditEntry.objects.filter(action="evaluative_role.created").count() == 3
    assert AuditEntry.objects.filter(action="evaluative_role.imported").get().data == {
        "created": 3,
        "skipped": 0,
    }
    assert flashes(response)[-1] == "Imported 3 evaluative roles."


def test_importing_the_same_file_twice_records_nothing_new(client, program, director, people):
    client.force_login(director)
    apply(client, program, GOOD_CSV)
    preview = upload(client, program, GOOD_CSV)
    assert preview.context["plan"].counts == {"create": 0, "skip": 3, "error": 0}
    assert "Nothing to record" in preview.text
    response = apply(client, program, GOOD_CSV)
    assert EvaluativeRole.objects.count() == 3
    assert "Imported 0 evaluative roles (3 already recorded, skipped)." in flashes(response)


def test_a_row_repeated_in_the_file_is_recorded_once(client, program, director, people):
    text = GOOD_CSV + "anh@h.org,CCC,,2025-07-01,2026-06-30\n"
    client.force_login(director)
    assert upload(client, program, text).context["plan"].rows[3].note == "Same as row 2."
    apply(client, program, text)
    assert EvaluativeRole.objects.count() == 3


def test_apply_refuses_a_file_with_any_error_and_records_nothing(client, program, director, people):
    text = GOOD_CSV + "stranger@h.org,CCC,,2025-07-01,\n"
    client.force_login(director)
    response = apply(client, program, text)
    assert response.status_code == 200
    assert "1 row has errors; nothing was imported." in flashes(response)[-1]
    assert not EvaluativeRole.objects.exists()


def test_apply_of_an_empty_text_goes_back_to_the_upload(client, program, director):
    client.force_login(director)
    response = apply(client, program, "")
    assert response["Location"] == import_url(program)
    assert not EvaluativeRole.objects.exists()


def test_import_flags_existing_relationships(client, program, director, people):
    make_relationship(program=program, learner=people["chidi"], guide=make_guide(program))
    guide = make_guide(program, "Gale", "Guide")
    guide.email = "gale@h.org"
    guide.save()
    make_relationship(program=program, learner=people["chidi"], guide=guide)
    client.force_login(director)
    response = apply(
        client, program, "Evaluator Email,Role,Start Date\ngale@h.org,CCC,2025-07-01\n"
    )
    assert "This flags 1 existing relationship" in flashes(response)[-1]


def test_a_learner_email_must_be_a_learner_of_the_program(client, program, director, people):
    text = (
        "Evaluator Email,Role,Learner Email,Start Date\n"
        "anh@h.org,Supervisor,maya@h.org,2025-07-01\n"
    )
    client.force_login(director)
    rows = upload(client, program, text).context["plan"].rows
    assert rows[0].errors == ["maya@h.org is not a learner of Pediatrics Residency."]


# --- the parser, without a database ------------------------------------------------------


def test_parser_kinds_are_the_models_kinds():
    assert set(evaluative_import.KIND_LABELS) == set(EvaluativeKind.values)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("CCC", EvaluativeKind.CCC_MEMBER),
        ("ccc member", EvaluativeKind.CCC_MEMBER),
        ("Program Director", EvaluativeKind.PROGRAM_DIRECTOR),
        ("PD", EvaluativeKind.PROGRAM_DIRECTOR),
        ("A.P.D.", EvaluativeKind.ASSOCIATE_DIRECTOR),
        ("Associate Program Director", EvaluativeKind.ASSOCIATE_DIRECTOR),
        ("Rotation supervisor", EvaluativeKind.ROTATION_SUPERVISOR),
        ("Supervisor", EvaluativeKind.ROTATION_SUPERVISOR),
        ("Dean", None),
        ("", None),
    ],
)
def test_parser_reads_the_usual_names_of_roles(text, kind):
    assert evaluative_import.parse_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-01", date(2025, 7, 1)),
        ("7/1/2025", date(2025, 7, 1)),
        (" 12/31/2025 ", date(2025, 12, 31)),
        ("1/7/25", date(2025, 1, 7)),  # as the roster import reads it
    ],
)
def test_parser_reads_iso_and_month_first_dates(text, expected):
    assert evaluative_import.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025-13-01", "July 1", "31/12/2025"])
def test_parser_refuses_other_dates(text):
    with pytest.raises(ValueError):
        evaluative_import.parse_date(text)


def test_parser_numbers_rows_by_their_line_in_the_file():
    text = (
        "Evaluator Email,Role,Start Date,Note\n"
        'a@h.org,CCC,2025-07-01,"two\nlines"\n'
        "b@h.org,PD,2025-07-01,\n"
    )
    parsed = evaluative_import.parse(text)
    assert [row.line for row in parsed.rows] == [2, 4]


def test_the_previewed_file_comes_back_whole_through_the_page(client, program, director, people):
    client.force_login(director)
    page = upload(client, program, GOOD_CSV, bom=True).text
    value = re.search(r'<input type="hidden" name="csv_text" value="([^"]*)"', page).group(1)
    assert html.unescape(value) == GOOD_CSV
    apply(client, program, html.unescape(value))
    assert EvaluativeRole.objects.count() == 3
