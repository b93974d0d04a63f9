"""The pure roster reader: decoding, column mapping, values and per-row errors."""

import csv
import io
from datetime import date

import pytest

from dyad.accounts.models import User
from dyad.programs import roster
from dyad.programs.models import Membership, Role

HEADER = "Last Name,First Name,Email,Role,PGY"


def parse(*lines, header=HEADER, max_pgy=3, encoding="utf-8"):
    text = "\r\n".join([header, *lines]) + "\r\n"
    return roster.parse_roster(text.encode(encoding), max_pgy=max_pgy)


def only_row(parsed):
    assert parsed.errors == []
    assert len(parsed.rows) == 1
    return parsed.rows[0]


# --- decoding -------------------------------------------------------------------------------


def test_example_offered_on_the_upload_page_reads_without_errors():
    parsed = roster.parse_roster(roster.EXAMPLE_CSV.encode(), max_pgy=3)
    assert parsed.errors == []
    assert [row.errors for row in parsed.rows] == [[], [], []]
    assert [row.role for row in parsed.rows] == [Role.RESIDENT, Role.CHIEF_RESIDENT, Role.FACULTY]


def test_utf8_byte_order_mark_is_not_part_of_the_first_column():
    data = "\ufeffEmail,First Name,Last Name,PGY\nana@h.org,Ana,Ruiz,1\n".encode()
    parsed = roster.parse_roster(data, max_pgy=3)
    assert parsed.columns[0] == "Email"
    assert only_row(parsed).email == "ana@h.org"
    assert parsed.encoding == "utf-8"


def test_windows_1252_file_is_read_and_reported_as_such():
    data = "Email,First Name,Last Name,PGY\nj@h.org,José,Müller,2\n".encode("cp1252")
    parsed = roster.parse_roster(data, max_pgy=3)
    row = only_row(parsed)
    assert (row.first_name, row.last_name) == ("José", "Müller")
    assert parsed.encoding == "cp1252"


def test_utf16_unicode_text_export_is_read_with_tabs():
    data = "Email\tFirst Name\tLast Name\tPGY\r\nj@h.org\tJo\tLee\t3\r\n".encode("utf-16")
    row = only_row(roster.parse_roster(data, max_pgy=3))
    assert (row.email, row.pgy) == ("j@h.org", 3)


@pytest.mark.parametrize(
    "data, says",
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "Excel workbook"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"Email,Name\x00\x01\x02", "not a text file"),
        (b"Email,Name\r\na@b.org,\x07Bell\r\n", "line 2"),
    ],
)
def test_binary_files_are_refused_with_what_to_do(data, says):
    with pytest.raises(roster.NotText, match=says) as caught:
        roster.decode_roster(data)
    assert "CSV UTF-8" in str(caught.value)


def test_binary_file_given_to_parse_is_a_file_level_error():
    parsed = roster.parse_roster(b"PK\x03\x04\x00\x00", max_pgy=3)
    assert parsed.rows == []
    assert "Excel workbook" in parsed.errors[0]


# --- columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Last Name,First Name,Email,Role,PGY",
        "LAST NAME,FIRST NAME,E-MAIL,POSITION,PGY LEVEL",
        "last_name,first_name,Email Address,Role,Year",
        "Surname,Given Name,e-mail address,Position Type,Training Level",
        " Last name , First name , E-Mail , Role , PGY-Level ",
    ],
)
def test_header_variants_are_recognised_whatever_the_case_and_punctuation(header):
    row = only_row(parse("Ruiz,Ana,ana@h.org,Resident,2", header=header))
    assert (row.last_name, row.first_name, row.email, row.role, row.pgy) == (
        "Ruiz",
        "Ana",
        "ana@h.org",
        Role.RESIDENT,
        2,
    )


def test_optional_columns_are_read_and_unknown_ones_listed_as_ignored():
    header = "ID,Last Name,First Name,Email,PGY,Track,Dept,Start Date,End Date,Pager,Badge Color"
    parsed = parse(
        "R7,Ruiz,Ana,ana@h.org,1,Global health,Pediatrics,7/1/2025,6/30/28,1234,red", header=header
    )
    row = only_row(parsed)
    assert row.external_id == "R7"
    assert row.track == "Global health"
    assert row.department == "Pediatrics"
    assert row.start_date == date(2025, 7, 1)
    assert row.expected_end_date == date(2028, 6, 30)
    assert parsed.ignored_columns == ["Pager", "Badge Color"]
    assert ("External ID", "ID") in parsed.recognized_columns


def test_missing_role_column_makes_everyone_a_resident():
    row = only_row(parse("Ruiz,Ana,ana@h.org,PGY-2", header="Last Name,First Name,Email,PGY"))
    assert (row.role, row.pgy) == (Role.RESIDENT, 2)


def test_single_name_column_is_split_last_comma_first_or_first_last():
    parsed = parse(
        '"Ruiz, Ana María",ana@h.org,1', "Ben Okafor,ben@h.org,1", header="Name,Email,PGY"
    )
    assert [(r.first_name, r.last_name) for r in parsed.rows] == [
        ("Ana María", "Ruiz"),
        ("Ben", "Okafor"),
    ]


def test_no_email_column_is_one_file_error_naming_found_and_expected_columns():
    parsed = parse("Ruiz,Ana,1", header="Last Name,First Name,PGY")
    assert parsed.rows == []
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert "no e-mail column" in error
    assert "“Last Name”, “First Name”, “PGY”" in error
    assert "Email (or E-mail, Email Address)" in error


def test_no_name_column_is_a_file_error_too():
    parsed = parse("ana@h.org,1", header="Email,PGY")
    assert "no name column" in parsed.errors[0]


@pytest.mark.parametrize("text", ["", "\r\n\r\n", " , , \n"])
def test_empty_file_is_a_file_error(text):
    parsed = roster.parse_roster(text.encode(), max_pgy=3)
    assert parsed.errors == ["The file is empty: there is no header row and nobody in it."]


def test_header_without_rows_is_a_file_error():
    parsed = parse()
    assert parsed.rows == []
    assert "nobody under it" in parsed.errors[0]


def test_report_title_lines_above_the_header_are_skipped():
    text = (
        "Active residents report\r\nPrinted 6/1/2025\r\n\r\n"
        + HEADER
        + "\r\nRuiz,Ana,a@h.org,,1\r\n"
    )
    parsed = roster.parse_roster(text.encode(), max_pgy=3)
    row = only_row(parsed)
    assert row.line == 5


def test_semicolon_separated_file_is_read():
    text = "Nom;Last Name;First Name;E-mail;PGY\r\nx;Ruiz;Ana;a@h.org;1\r\n"
    row = only_row(roster.parse_roster(text.encode(), max_pgy=3))
    assert (row.last_name, row.email) == ("Ruiz", "a@h.org")


# --- rows -----------------------------------------------------------------------------------


def test_quoted_fields_keep_their_commas_quotes_and_line_breaks():
    parsed = parse(
        '"Smith, Jr.","Mary ""Molly""",molly@h.org,Resident,1',
        '"O\'Neil\nSecond line",Pat,pat@h.org,Resident,1',
        "Lee,Jo,jo@h.org,Resident,1",
    )
    first, second, third = parsed.rows
    assert (first.last_name, first.first_name) == ("Smith, Jr.", 'Mary "Molly"')
    assert second.last_name == "O'Neil Second line"
    assert (second.line, third.line) == (3, 5)  # row 3 spans two lines of the file
    assert all(row.errors == [] for row in parsed.rows)


def test_blank_lines_are_ignored_and_row_numbers_are_line_numbers_in_the_file():
    parsed = parse("", "Ruiz,Ana,ana@h.org,,1", ",,,,", "", "Lee,Jo,jo@h.org,,bad")
    assert [row.line for row in parsed.rows] == [3, 6]
    assert parsed.rows[1].errors == ["“bad” is not a PGY level. Write a number such as 2 or PGY-2."]


def test_email_is_lower_cased_and_cells_trimmed():
    row = only_row(parse("  Ruiz , Ana ,  Ana.Ruiz@Hospital.ORG ,Resident , 1 "))
    assert (row.email, row.email_text, row.last_name) == (
        "ana.ruiz@hospital.org",
        "Ana.Ruiz@Hospital.ORG",
        "Ruiz",
    )


@pytest.mark.parametrize(
    "value, role, pgy",
    [
        ("Resident", Role.RESIDENT, None),
        ("PGY-1 Resident", Role.RESIDENT, 1),
        ("Intern", Role.RESIDENT, 1),
        ("R2", Role.RESIDENT, 2),
        ("Chief Resident", Role.CHIEF_RESIDENT, None),
        ("Faculty", Role.FACULTY, None),
        ("Core Faculty", Role.FACULTY, None),
        ("Attending", Role.FACULTY, None),
        ("Junior Faculty", Role.JUNIOR_FACULTY, None),
        ("Program Director", Role.DIRECTOR, None),
        ("PD", Role.DIRECTOR, None),
        ("APD", Role.ASSOCIATE_DIRECTOR, None),
        ("Associate Program Director", Role.ASSOCIATE_DIRECTOR, None),
        ("Coordinator", Role.COORDINATOR, None),
        ("Program Coordinator", Role.COORDINATOR, None),
        ("Fellow", Role.FELLOW, None),
        ("Medical Student", Role.STUDENT, None),
        ("MS4", Role.STUDENT, None),
        ("", Role.RESIDENT, None),
        ("Nurse", None, None),
    ],
)
def test_role_values_are_understood_tolerantly(value, role, pgy):
    assert roster.parse_role(value) == (role, pgy)


@pytest.mark.parametrize(
    "value", ["2", "PGY-2", "PGY2", "pgy 2", "R2", "PL-2", "2nd year", "2.0", "PGY–2"]
)
def test_pgy_values_are_understood_tolerantly(value):
    assert roster.parse_pgy(value) == 2


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-07-01", date(2025, 7, 1)),
        ("2025-07-01 00:00:00", date(2025, 7, 1)),
        ("7/1/2025", date(2025, 7, 1)),
        ("07/01/2025", date(2025, 7, 1)),
        ("7/1/25", date(2025, 7, 1)),
    ],
)
def test_dates_are_iso_or_us_month_first(value, expected):
    assert roster.parse_date(value) == expected


@pytest.mark.parametrize(
    "value, valid",
    [
        ("ana.ruiz@hospital.org", True),
        ("a+tag@med.school.edu", True),
        ("ana@hospital", False),
        ("ana@", False),
        ("@hospital.org", False),
        ("ana ruiz@hospital.org", False),
        ("ana@@hospital.org", False),
        ("a@h.org; b@h.org", False),
        (".ana@hospital.org", False),
        ("ana..ruiz@hospital.org", False),
        ("ana@-hospital.org", False),
    ],
)
def test_email_check(value, valid):
    assert roster.is_valid_email(value) is valid


# --- per-row errors, each with its row number --------------------------------------------


def errors_on(parsed, line):
    return next(row.errors for row in parsed.rows if row.line == line)


def test_missing_email_is_an_error_on_its_row():
    parsed = parse("Ruiz,Ana,ana@h.org,,1", "Lee,Jo,,,1")
    assert errors_on(parsed, 2) == []
    assert errors_on(parsed, 3) == [
        "The e-mail address is missing. Add it: it is how the person logs in."
    ]


def test_malformed_email_is_an_error_saying_what_it_should_look_like():
    (error,) = errors_on(parse("Ruiz,Ana,ana.hospital.org,,1"), 2)
    assert "“ana.hospital.org” is not a valid e-mail address" in error
    assert "name@hospital.org" in error


def test_unknown_pgy_is_an_error():
    (error,) = errors_on(parse("Ruiz,Ana,a@h.org,Resident,senior"), 2)
    assert error == "“senior” is not a PGY level. Write a number such as 2 or PGY-2."


def test_pgy_beyond_the_programs_levels_is_an_error_for_residents():
    (error,) = errors_on(parse("Ruiz,Ana,a@h.org,Resident,PGY-4"), 2)
    assert "PGY-4 is outside the program's levels" in error
    assert "PGY-1 to PGY-3" in error


def test_pgy_beyond_the_programs_levels_is_allowed_for_chiefs_and_follows_max_pgy():
    assert only_row(parse("Ruiz,Ana,a@h.org,Chief Resident,4")).pgy == 4
    assert only_row(parse("Ruiz,Ana,a@h.org,Resident,4", max_pgy=4)).pgy == 4


def test_resident_without_pgy_is_an_error_but_faculty_needs_none():
    parsed = parse("Ruiz,Ana,a@h.org,Resident,", "Lee,Jo,jo@h.org,Faculty,")
    assert errors_on(parsed, 2) == ["The PGY level is missing. Residents need one, from 1 to 3."]
    assert errors_on(parsed, 3) == []
    assert parsed.rows[1].pgy is None


def test_role_and_pgy_column_that_disagree_is_an_error():
    (error,) = errors_on(parse("Ruiz,Ana,a@h.org,PGY-1 Resident,2"), 2)
    assert "The role says PGY-1 but the PGY column says 2" in error


def test_unknown_role_is_an_error_listing_the_known_ones():
    (error,) = errors_on(parse("Ruiz,Ana,a@h.org,Nurse,1"), 2)
    assert error.startswith("“Nurse” is not a role Dyad knows. Use one of: Resident,")


def test_missing_name_is_an_error():
    assert errors_on(parse(",,a@h.org,,1"), 2) == [
        "The name is missing. Add the person's first and last name."
    ]


def test_duplicate_email_is_an_error_on_the_later_row_naming_the_first():
    parsed = parse("Ruiz,Ana,a@h.org,,1", "Lee,Jo,jo@h.org,,1", "Ruiz,Ana,a@h.org,,2")
    assert errors_on(parsed, 2) == []
    (error,) = errors_on(parsed, 4)
    assert error.startswith("This e-mail address is already on row 2. A person must appear once")


def test_emails_that_differ_only_by_case_are_duplicates_too():
    parsed = parse("Ruiz,Ana,Ana.Ruiz@H.org,,1", "Ruiz,Ana,ana.ruiz@h.org,,1")
    (error,) = errors_on(parsed, 3)
    assert "already on row 2 (written “Ana.Ruiz@H.org” there: case does not matter)" in error


def test_one_external_id_for_two_people_is_an_error():
    parsed = parse(
        "R1,Ruiz,Ana,a@h.org,1", "R1,Lee,Jo,jo@h.org,1", header="ID,Last Name,First Name,Email,PGY"
    )
    assert errors_on(parsed, 2) == []
    assert "External ID “R1” is already on row 2" in errors_on(parsed, 3)[0]


@pytest.mark.parametrize("value", ["31/12/2025", "July 1st", "2025-13-01"])
def test_bad_date_is_an_error_with_the_formats_to_use(value):
    parsed = parse(
        f"Ruiz,Ana,a@h.org,1,{value}", header="Last Name,First Name,Email,PGY,Start Date"
    )
    (error,) = errors_on(parsed, 2)
    assert error == (
        f"Start Date “{value}” is not a date Dyad can read. Write it as 2025-07-01 or "
        "7/1/2025 (month first)."
    )


def test_end_date_before_start_date_is_an_error():
    parsed = parse(
        "a@h.org,Ana,Ruiz,1,2025-07-01,2024-06-30",
        header="Email,First Name,Last Name,PGY,Start Date,End Date",
    )
    assert "is before the start date" in errors_on(parsed, 2)[0]


def test_unquoted_comma_that_shifts_cells_is_an_error_mentioning_quotes():
    errors = errors_on(parse("Smith, Jr.,Ana,a@h.org,Resident,1"), 2)
    assert errors[0].startswith("This row has 6 values but the header has 5 columns.")
    assert "double quotes" in errors[0]


def test_values_too_long_for_the_database_are_errors():
    parsed = parse(f"a@h.org,Ana,Ruiz,1,{'x' * 101}", header="Email,First Name,Last Name,PGY,Track")
    assert errors_on(parsed, 2) == ["Track is too long: at most 100 characters."]


def test_a_row_can_carry_several_errors():
    errors = errors_on(parse(",,not-an-email,Nurse,1"), 2)
    assert len(errors) == 3


# --- the report of rows in error -------------------------------------------------------------


def test_error_report_has_row_number_original_columns_and_error():
    parsed = parse("Ruiz,Ana,a@h.org,,1", "=HYPERLINK(1),Jo,jo@,,1")
    report = roster.error_report_csv(parsed.columns, [(r, r.errors) for r in parsed.error_rows])
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["Row", "Last Name", "First Name", "Email", "Role", "PGY", "Error"]
    assert rows[1][:6] == ["3", "'=HYPERLINK(1)", "Jo", "jo@", "", "1"]
    assert "not a valid e-mail address" in rows[1][6]


def test_error_report_reads_back_as_a_roster():
    parsed = parse("Ruiz,Ana,a@h.org,,9")
    report = roster.error_report_csv(parsed.columns, [(r, r.errors) for r in parsed.error_rows])
    again = roster.parse_roster(report.encode(), max_pgy=3)
    assert again.errors == []
    assert again.ignored_columns == ["Row", "Error"]
    assert again.rows[0].email == "a@h.org"


# --- agreement with the models (the module itself imports no Django) ------------------------


def test_role_values_are_the_models_role_values():
    assert set(Role.values) >= roster.PGY_ROLES
    for name in (
        "DIRECTOR",
        "ASSOCIATE_DIRECTOR",
        "COORDINATOR",
        "FACULTY",
        "JUNIOR_FACULTY",
        "CHIEF_RESIDENT",
        "RESIDENT",
        "FELLOW",
        "STUDENT",
    ):
        assert getattr(roster, name) == getattr(Role, name).value


def test_length_limits_are_the_database_columns():
    for name, limit in roster.MAX_LENGTHS.items():
        model = User if name in {"email", "first_name", "last_name"} else Membership
        assert model._meta.get_field(name).max_length == limit, name


def test_roster_module_imports_no_django():
    with open(roster.__file__) as handle:
        source = handle.read()
    assert "import django" not in source and "from django" not in source
