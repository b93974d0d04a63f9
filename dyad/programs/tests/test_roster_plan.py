"""Planning a parsed roster against the database: what each row would do."""

from datetime import date

import pytest

from dyad.accounts.factories import UserFactory
from dyad.programs import roster, services
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.programs.services import RowAction

HEADER = "Last Name,First Name,Email,Role,PGY,Track,Department,Start Date,External ID"


def plan(program, *lines, header=HEADER):
    text = "\n".join([header, *lines]) + "\n"
    parsed = roster.parse_roster_text(text, max_pgy=program.max_pgy)
    return services.roster_plan(program=program, parsed=parsed)


def only(result):
    assert result.file_errors == []
    (row,) = result.rows
    return row


def changed(row_plan):
    return {c.field: (c.old, c.new) for c in row_plan.changes}


@pytest.mark.django_db
def test_unknown_email_is_a_new_person(program):
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,"))
    assert row.action == RowAction.CREATE
    assert row.user is None


@pytest.mark.django_db
def test_member_listed_as_they_are_is_unchanged(program):
    MembershipFactory(
        program=program,
        user__email="ana@h.org",
        role=Role.RESIDENT,
        pgy=2,
        track="Research",
        department="Pediatrics",
        start_date=date(2024, 7, 1),
        external_id="R1",
    )
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,2,Research,Pediatrics,7/1/2024,R1"))
    assert row.action == RowAction.UNCHANGED
    assert row.changes == []


@pytest.mark.django_db
def test_member_with_new_values_is_updated_listing_each_changed_field(program):
    membership = MembershipFactory(
        program=program, user__email="ana@h.org", role=Role.RESIDENT, pgy=1, track="Research"
    )
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,2,Global health,Pediatrics,,"))
    assert row.action == RowAction.UPDATE
    assert row.membership == membership
    assert changed(row) == {
        "pgy": (1, 2),
        "track": ("Research", "Global health"),
        "department": ("", "Pediatrics"),
    }


@pytest.mark.django_db
def test_email_is_matched_whatever_its_case(program):
    MembershipFactory(program=program, user__email="ana.ruiz@h.org", role=Role.RESIDENT, pgy=1)
    row = only(plan(program, "Ruiz,Ana,Ana.Ruiz@H.ORG,Resident,1,,,,"))
    assert row.action == RowAction.UNCHANGED


@pytest.mark.django_db
def test_member_in_a_new_role_gets_the_role_added(program):
    user = MembershipFactory(program=program, user__email="jo@h.org", role=Role.FACULTY).user
    row = only(plan(program, "Lee,Jo,jo@h.org,APD,,,,,"))
    assert row.action == RowAction.ADD_ROLE
    assert row.user == user
    assert row.row.role == Role.ASSOCIATE_DIRECTOR


@pytest.mark.django_db
def test_person_of_another_program_gets_a_role_here_not_a_second_account(program, outsider):
    row = only(plan(program, "Out,Sider,OUTSIDER@example.org,Faculty,,,,,"))
    assert row.action == RowAction.ADD_ROLE
    assert row.user == outsider


@pytest.mark.django_db
def test_names_people_have_set_are_kept_and_blank_names_filled(program):
    MembershipFactory(
        program=program,
        user__email="ana@h.org",
        user__first_name="Anita",
        user__last_name="",
        role=Role.RESIDENT,
        pgy=1,
    )
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,"))
    assert row.action == RowAction.UPDATE
    assert changed(row) == {"last_name": ("", "Ruiz")}


@pytest.mark.django_db
def test_blank_cells_never_erase_what_dyad_holds(program):
    MembershipFactory(
        program=program,
        user__email="ana@h.org",
        role=Role.RESIDENT,
        pgy=1,
        track="Research",
        external_id="R1",
    )
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,"))
    assert row.action == RowAction.UNCHANGED


@pytest.mark.django_db
def test_inactive_member_listed_again_is_reactivated(program):
    MembershipFactory(
        program=program, user__email="ana@h.org", role=Role.RESIDENT, pgy=1, is_active=False
    )
    row = only(plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,"))
    assert row.action == RowAction.UPDATE
    assert changed(row) == {"is_active": (False, True)}


@pytest.mark.django_db
def test_external_id_of_another_member_is_an_error_not_a_second_person(program):
    MembershipFactory(
        program=program, user__email="ana.old@h.org", role=Role.RESIDENT, external_id="R1"
    )
    row = only(plan(program, "Ruiz,Ana,ana.new@h.org,Resident,1,,,,R1"))
    assert row.action == RowAction.ERROR
    assert row.errors == [
        "External ID “R1” already belongs to ana.old@h.org in this program, not to "
        "ana.new@h.org. If this person's e-mail address changed, change it in Dyad first; "
        "otherwise correct the ID."
    ]


@pytest.mark.django_db
def test_external_id_of_another_program_does_not_matter(program, other_program):
    MembershipFactory(program=other_program, user__email="x@h.org", external_id="R1")
    assert only(plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,R1")).action == RowAction.CREATE


@pytest.mark.django_db
def test_rows_in_error_stay_errors_and_are_counted(program):
    result = plan(program, "Ruiz,Ana,ana@h.org,Resident,1,,,,", "Lee,Jo,,Resident,1,,,,")
    assert [r.action for r in result.rows] == [RowAction.CREATE, RowAction.ERROR]
    assert result.counts == {
        "create": 1,
        "add_role": 0,
        "update": 0,
        "unchanged": 0,
        "error": 1,
    }
    assert result.error_rows[0].row.line == 3


@pytest.mark.django_db
def test_plan_takes_two_queries_whatever_the_number_of_rows(program, django_assert_num_queries):
    for n in range(30):
        MembershipFactory(program=program, user__email=f"r{n}@h.org", role=Role.RESIDENT, pgy=1)
    lines = [f"R,P{n},r{n}@h.org,Resident,2,,,,E{n}" for n in range(60)]
    text = "\n".join([HEADER, *lines])
    parsed = roster.parse_roster_text(text, max_pgy=3)
    with django_assert_num_queries(2):
        result = services.roster_plan(program=program, parsed=parsed)
    assert result.counts["update"] == 30
    assert result.counts["create"] == 30


@pytest.mark.django_db
def test_plan_of_an_unreadable_file_makes_no_query(program, django_assert_num_queries):
    parsed = roster.parse_roster_text("Foo,Bar\n1,2\n", max_pgy=3)
    with django_assert_num_queries(0):
        result = services.roster_plan(program=program, parsed=parsed)
    assert result.file_errors


@pytest.mark.django_db
def test_user_without_membership_here_but_with_account_is_not_invited_twice(program):
    UserFactory(email="known@h.org")
    row = only(plan(program, "Known,Kim,known@h.org,Resident,1,,,,"))
    assert row.action == RowAction.ADD_ROLE
