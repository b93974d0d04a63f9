"""Roster files as residency management systems export them: decode, map columns, check rows.

Pure: no database and no Django. `parse_roster(data, max_pgy=…)` takes the uploaded bytes;
`parse_roster_text(text, max_pgy=…)` takes text already decoded (as stored with an import,
so that apply reads exactly what was previewed). Both return a `ParsedRoster`: the rows with
their own errors, and the errors that concern the whole file.

Row numbers are line numbers in the file (the header is usually line 1), so that a
coordinator can find the row in a spreadsheet or a text editor.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from dyad.lib.csvimport import Column, csv_records, header_key, parse_date

# The role values are the strings of dyad.programs.models.Role, repeated here so that this
# module needs no Django (a test checks that they match).
DIRECTOR = "director"
ASSOCIATE_DIRECTOR = "associate_director"
COORDINATOR = "coordinator"
FACULTY = "faculty"
JUNIOR_FACULTY = "junior_faculty"
CHIEF_RESIDENT = "chief_resident"
RESIDENT = "resident"
FELLOW = "fellow"
STUDENT = "student"

# Roles that carry a PGY level. Residents must have one within the program's levels; chiefs
# and fellows may have one beyond it (a PGY-4 chief, a PGY-5 fellow).
PGY_ROLES = frozenset({RESIDENT, CHIEF_RESIDENT, FELLOW})
HIGHEST_PGY = 10  # the database check constraint on Membership.pgy

# Longest values the database columns hold (a test checks them against the models).
MAX_LENGTHS = {
    "email": 254,
    "first_name": 150,
    "last_name": 150,
    "track": 100,
    "department": 200,
    "external_id": 100,
}

ROLE_WORDS = (
    "Resident, Chief Resident, Fellow, Medical Student, Faculty, Junior Faculty, "
    "Program Director, Associate Program Director (APD), Coordinator"
)


COLUMNS = (
    Column(
        "email",
        "Email",
        (
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "work email",
            "institutional email",
            "primary email",
            "hospital email",
        ),
        "The person's e-mail address: it is how they log in. One row per person.",
        required=True,
    ),
    Column(
        "last_name",
        "Last Name",
        ("last name", "lastname", "surname", "family name", "last"),
        "Required, with First Name (or one Name column instead).",
        required=True,
    ),
    Column(
        "first_name",
        "First Name",
        ("first name", "firstname", "given name", "forename", "first"),
        "Required, with Last Name.",
        required=True,
    ),
    Column(
        "name",
        "Name",
        ("name", "full name", "resident name", "person name"),
        "Only when there are no First/Last Name columns: “Last, First” or “First Last”.",
    ),
    Column(
        "role",
        "Role",
        ("role", "position", "position type", "role type", "type", "user type"),
        f"One of {ROLE_WORDS}. Blank or no Role column: Resident.",
    ),
    Column(
        "pgy",
        "PGY",
        (
            "pgy",
            "pgy level",
            "year",
            "level",
            "training level",
            "training year",
            "postgraduate year",
            "post graduate year",
            "pl",
        ),
        "Required for residents: 1, PGY-1, PGY1, PL-1 or R1.",
    ),
    Column("department", "Department", ("department", "dept"), "Optional."),
    Column("track", "Track", ("track", "program track", "pathway"), "Optional, e.g. Primary care."),
    Column(
        "start_date",
        "Start Date",
        ("start date", "start", "program start date", "training start date", "begin date"),
        "Optional. 2025-07-01, 7/1/2025 or 7/1/25 (month first).",
    ),
    Column(
        "expected_end_date",
        "Expected End Date",
        (
            "expected end date",
            "end date",
            "end",
            "expected graduation date",
            "expected graduation",
            "graduation date",
            "completion date",
        ),
        "Optional. Same formats as Start Date.",
    ),
    Column(
        "external_id",
        "External ID",
        ("external id", "id", "employee id", "resident id", "person id", "user id", "id number"),
        "Optional: the identifier in your residency management system.",
    ),
)

EXAMPLE_CSV = (
    "Last Name,First Name,Email,Role,PGY,Track,Department,Start Date,Expected End Date,"
    "External ID\r\n"
    "Okafor,Chidi,chidi.okafor@hospital.org,Resident,PGY-1,Primary care,Pediatrics,"
    "7/1/2025,6/30/2028,R1001\r\n"
    '"García López",María,maria.garcia@hospital.org,Chief Resident,4,,Pediatrics,'
    "2021-07-01,2026-06-30,R0877\r\n"
    "Nguyen,Anh,anh.nguyen@hospital.org,Faculty,,,Pediatrics,,,F2040\r\n"
)


_ALIASES = {header_key(alias): col.field for col in COLUMNS for alias in col.aliases}
_LABELS = {col.field: col.label for col in COLUMNS}


# --- decoding ------------------------------------------------------------------------------


class NotText(ValueError):
    """The bytes are not a text file; the message says what to do instead."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"


_SAVE_AS_CSV = (
    "In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited)” and upload that file."
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def decode_roster(data: bytes) -> Decoded:
    """Decode an uploaded file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

    Windows-1252 is the fallback because spreadsheets on Windows save "CSV" in it; it is
    reported, so that the preview can ask the coordinator to check accented names.
    Raises NotText for workbooks, PDFs and other binary files.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(Decoded(data.decode("utf-16"), "utf-16"))
        except UnicodeDecodeError:
            raise NotText("This file is damaged: it says UTF-16 but is not.") from None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotText(f"This is an Excel workbook, not a CSV file. {_SAVE_AS_CSV}")
    if data.startswith(b"%PDF"):
        raise NotText(f"This is a PDF, not a CSV file. {_SAVE_AS_CSV}")
    if b"\x00" in data:
        raise NotText(f"This is not a text file. {_SAVE_AS_CSV}")
    try:
        return _checked(Decoded(data.decode("utf-8-sig"), "utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return _checked(Decoded(data.decode("cp1252"), "cp1252"))
    except UnicodeDecodeError:
        raise NotText(f"This file is not readable text. {_SAVE_AS_CSV}") from None


def _checked(decoded: Decoded) -> Decoded:
    text = decoded.text.rstrip("\x1a")  # an old DOS end-of-file marker
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            line = text.count("\n", 0, position) + 1
            raise NotText(
                f"This does not look like a text file (an unexpected control character on "
                f"line {line}). {_SAVE_AS_CSV}"
            )
    return Decoded(text, decoded.encoding)


# --- values ----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def is_valid_email(value: str) -> bool:
    """A deliberately plain check of the addresses hospitals and schools issue.

    ASCII local part without spaces or quotes, not starting or ending with a dot and
    without two dots in a row; a domain of dot-separated labels ending in a letters-only
    top-level domain; at most 254 characters. It rejects the exotic forms RFC 5322 allows
    (quoted local parts, IP literals, internationalized domains), which never appear in a
    residency roster and are far more often typing or export mistakes.
    """
    if len(value) > MAX_LENGTHS["email"] or not _EMAIL.match(value):
        return False
    local = value.split("@", 1)[0]
    return not (local.startswith(".") or local.endswith(".") or ".." in local)


def parse_role(value: str) -> tuple[str | None, int | None]:
    """The role a free-text value names, and the PGY level if it names one too.

    "PGY-2 Resident" → (resident, 2); "APD" → (associate_director, None);
    "Nurse" → (None, None). A blank value is a resident.
    """
    lowered = value.lower()
    words = set(re.findall(r"[a-z]+", lowered))
    level = re.search(r"\b(?:pgy|pl|r)\s*-?\s*(\d{1,2})\b", lowered)
    pgy = int(level.group(1)) if level else None
    if not value.strip():
        return RESIDENT, None
    if "apd" in words or (
        {"associate", "assistant", "assoc", "asst"} & words and "director" in words
    ):
        return ASSOCIATE_DIRECTOR, None
    if words & {"director", "pd"}:
        return DIRECTOR, None
    if words & {"coordinator", "coord", "administrator"}:
        return COORDINATOR, None
    if "chief" in words:
        return CHIEF_RESIDENT, pgy
    if "junior" in words and "faculty" in words:
        return JUNIOR_FACULTY, None
    if words & {"fellow", "fellows", "fellowship"}:
        return FELLOW, pgy
    if words & {"student", "students", "ms", "msiii", "msiv"} or re.search(
        r"\bms\s*[1-4]\b", lowered
    ):
        return STUDENT, None
    if level or words & {"resident", "residents", "intern", "interns", "trainee", "house"}:
        return RESIDENT, 1 if pgy is None and "intern" in words else pgy
    if words & {"faculty", "attending", "preceptor"}:
        return FACULTY, None
    return None, None


def parse_pgy(value: str) -> int | None:
    """1, PGY-1, PGY1, PGY 1, PL-1, R1, 1st year, Intern → 1. Raises ValueError otherwise."""
    text = value.strip().lower()
    if re.fullmatch(r"\d{1,2}\.0+", text):  # a number that went through a spreadsheet
        text = text.split(".")[0]
    compact = re.sub(r"[\s\-\u2010-\u2015_]", "", text)
    if compact == "intern":
        return 1
    match = re.fullmatch(r"(?:pgy|pl|r|year|yr|y)?(\d{1,2})(?:st|nd|rd|th)?(?:year|yr)?", compact)
    if not match or int(match.group(1)) == 0:
        raise ValueError(value)
    return int(match.group(1))


def split_name(value: str) -> tuple[str, str]:
    """ "Last, First" or "First Last" → (first, last)."""
    value = " ".join(value.split())
    if "," in value:
        last, first = (part.strip() for part in value.split(",", 1))
        return first, last
    if " " in value:
        first, last = value.rsplit(" ", 1)
        return first, last
    return "", value


# --- rows ---------------------------------------------------------------------------------


@dataclass
class RosterRow:
    line: int  # line number in the file where this row starts
    cells: tuple[str, ...]  # the values as in the file, one per header column (or more)
    email: str = ""  # lower-cased
    email_text: str = ""  # as written in the file
    first_name: str = ""
    last_name: str = ""
    role: str | None = RESIDENT  # None when the role value was not understood
    role_text: str = ""
    pgy: int | None = None
    track: str = ""
    department: str = ""
    start_date: date | None = None
    expected_end_date: date | None = None
    external_id: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class ParsedRoster:
    columns: list[str] = field(default_factory=list)  # the header as in the file
    mapping: dict[str, int] = field(default_factory=dict)  # field name → column index
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    encoding: str = "utf-8"

    @property
    def recognized_columns(self) -> list[tuple[str, str]]:
        """(what Dyad reads, the column in the file), in file order."""
        by_index = sorted((index, name) for name, index in self.mapping.items())
        return [(_LABELS[name], self.columns[index]) for index, name in by_index]

    @property
    def error_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]


def parse_roster(data: bytes, *, max_pgy: int) -> ParsedRoster:
    try:
        decoded = decode_roster(data)
    except NotText as exc:
        return ParsedRoster(errors=[str(exc)])
    return parse_roster_text(decoded.text, max_pgy=max_pgy, encoding=decoded.encoding)


def parse_roster_text(text: str, *, max_pgy: int, encoding: str = "utf-8") -> ParsedRoster:
    parsed = ParsedRoster(encoding=encoding)
    records = [(line, cells) for line, cells in _records(text) if any(c.strip() for c in cells)]
    if not records:
        parsed.errors.append("The file is empty: there is no header row and nobody in it.")
        return parsed
    header_at = _find_header(records)
    parsed.columns = [c.strip() for c in records[header_at][1]]
    parsed.mapping, parsed.ignored_columns = _map_columns(parsed.columns)
    missing = _missing_columns(parsed.mapping)
    if missing:
        parsed.errors.append(_missing_columns_message(parsed.columns, missing))
        return parsed
    for line, cells in records[header_at + 1 :]:
        parsed.rows.append(_parse_row(line, cells, parsed, max_pgy=max_pgy))
    if not parsed.rows:
        parsed.errors.append(
            "The file has a header row but nobody under it. Check that you exported the "
            "roster with its rows."
        )
    _check_duplicates(parsed.rows)
    return parsed


def _delimiter(text: str) -> str:
    """Comma, unless the header is plainly separated by semicolons or tabs (as European
    spreadsheets and "Unicode text" exports do)."""
    head = text.splitlines()[:12]
    for sep in (",", ";", "\t"):
        if any(
            _ALIASES.get(header_key(cell)) == "email"
            for cells in csv.reader(head, delimiter=sep)
            for cell in cells
        ):
            return sep
    return ","


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    return csv_records(text, delimiter=_delimiter(text))


def _find_header(records: list[tuple[int, list[str]]]) -> int:
    """The first of the first ten rows that has an e-mail column: some exports put a report
    title or a date above the header."""
    for index, (_, cells) in enumerate(records[:10]):
        if any(_ALIASES.get(header_key(cell)) == "email" for cell in cells):
            return index
    return 0


def _map_columns(columns: list[str]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for index, column in enumerate(columns):
        name = _ALIASES.get(header_key(column))
        if name is None or name in mapping:
            if column:
                ignored.append(column)
            continue
        mapping[name] = index
    if "name" in mapping and ({"first_name", "last_name"} & mapping.keys()):
        ignored.append(columns[mapping.pop("name")])
    return mapping, ignored


def _missing_columns(mapping: dict[str, int]) -> list[str]:
    missing = []
    if "email" not in mapping:
        missing.append("no e-mail column")
    if not ({"first_name", "last_name", "name"} & mapping.keys()):
        missing.append("no name column")
    return missing


def _missing_columns_message(columns: list[str], missing: list[str]) -> str:
    found = ", ".join(f"“{c}”" for c in columns if c) or "none"
    return (
        f"This file cannot be imported: Dyad found {' and '.join(missing)}. "
        f"Columns found: {found}. Dyad needs at least Email (or E-mail, Email Address), "
        "First Name and Last Name (or one Name column); it also reads Role, PGY, Track, "
        "Department, Start Date, Expected End Date and External ID. The first row of the "
        "file must be the column names."
    )


def _parse_row(line: int, cells: list[str], parsed: ParsedRoster, *, max_pgy: int) -> RosterRow:
    width = len(parsed.columns)
    padded = tuple(cells) + ("",) * (width - len(cells))
    row = RosterRow(line=line, cells=padded)

    def value(name: str) -> str:
        index = parsed.mapping.get(name)
        return padded[index].strip() if index is not None else ""

    if any(cell.strip() for cell in cells[width:]):
        row.errors.append(
            f"This row has {len(cells)} values but the header has {width} columns. A value "
            "that contains a comma (such as “Smith, Jr.”) must be in double quotes."
        )
    _read_email(row, value("email"))
    _read_name(row, value, single_column="name" in parsed.mapping)
    _read_role_and_pgy(row, value("role"), value("pgy"), max_pgy=max_pgy)
    row.track = value("track")
    row.department = value("department")
    row.external_id = value("external_id")
    row.start_date = _read_date(row, "Start Date", value("start_date"))
    row.expected_end_date = _read_date(row, "Expected End Date", value("expected_end_date"))
    if row.start_date and row.expected_end_date and row.expected_end_date < row.start_date:
        row.errors.append(
            f"The expected end date ({row.expected_end_date.isoformat()}) is before the start "
            f"date ({row.start_date.isoformat()}). Correct one of them."
        )
    for name in ("first_name", "last_name", "track", "department", "external_id"):
        if len(getattr(row, name)) > MAX_LENGTHS[name]:
            row.errors.append(
                f"{_LABELS[name]} is too long: at most {MAX_LENGTHS[name]} characters."
            )
    return row


def _read_email(row: RosterRow, text: str) -> None:
    row.email_text, row.email = text, text.lower()
    if not text:
        row.errors.append("The e-mail address is missing. Add it: it is how the person logs in.")
    elif not is_valid_email(text):
        row.errors.append(
            f"“{text}” is not a valid e-mail address. Correct it: it should look like "
            "name@hospital.org, one address per row."
        )


def _read_name(row: RosterRow, value, *, single_column: bool) -> None:
    if single_column:
        first, last = split_name(value("name"))
    else:
        first, last = value("first_name"), value("last_name")
    row.first_name, row.last_name = " ".join(first.split()), " ".join(last.split())
    if not row.first_name and not row.last_name:
        row.errors.append("The name is missing. Add the person's first and last name.")


def _read_role_and_pgy(row: RosterRow, role_text: str, pgy_text: str, *, max_pgy: int) -> None:
    row.role_text = role_text
    row.role, role_pgy = parse_role(role_text)
    if row.role is None:
        row.errors.append(f"“{role_text}” is not a role Dyad knows. Use one of: {ROLE_WORDS}.")
        return
    if row.role not in PGY_ROLES:
        return  # a faculty member's or a leader's PGY cell, if any, means nothing here
    pgy = role_pgy
    if pgy_text:
        try:
            pgy = parse_pgy(pgy_text)
        except ValueError:
            row.errors.append(
                f"“{pgy_text}” is not a PGY level. Write a number such as 2 or PGY-2."
            )
            return
        if role_pgy is not None and role_pgy != pgy:
            row.errors.append(
                f"The role says PGY-{role_pgy} but the PGY column says {pgy}. Make them agree."
            )
            return
    highest = max_pgy if row.role == RESIDENT else HIGHEST_PGY
    if pgy is None:
        if row.role == RESIDENT:
            row.errors.append(f"The PGY level is missing. Residents need one, from 1 to {max_pgy}.")
        return
    if not 1 <= pgy <= highest:
        who = "Residents of this program" if row.role == RESIDENT else "Levels"
        row.errors.append(
            f"PGY-{pgy} is outside the program's levels. {who} go from PGY-1 to PGY-{highest}."
        )
        return
    row.pgy = pgy


def _read_date(row: RosterRow, label: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        row.errors.append(
            f"{label} “{text}” is not a date Dyad can read. Write it as 2025-07-01 or "
            "7/1/2025 (month first)."
        )
        return None


def _check_duplicates(rows: list[RosterRow]) -> None:
    """A person appears once per file; an external ID belongs to one person. Later rows are
    the ones marked, naming the first."""
    first_email: dict[str, RosterRow] = {}
    first_id: dict[str, RosterRow] = {}
    for row in rows:
        if row.email and is_valid_email(row.email):
            earlier = first_email.setdefault(row.email, row)
            if earlier is not row:
                how = ""
                if earlier.email_text != row.email_text:
                    how = f" (written “{earlier.email_text}” there: case does not matter)"
                row.errors.append(
                    f"This e-mail address is already on row {earlier.line}{how}. A person "
                    "must appear once: remove or merge one of the two rows."
                )
        if row.external_id:
            earlier = first_id.setdefault(row.external_id, row)
            if earlier is not row and earlier.email != row.email:
                row.errors.append(
                    f"External ID “{row.external_id}” is already on row {earlier.line}, for "
                    "someone else. Each person needs their own ID."
                )


# --- report ----------------------------------------------------------------------------------


def _spreadsheet_safe(value: str) -> str:
    # A cell starting like a formula would run as one when the report is opened in a
    # spreadsheet; a leading apostrophe keeps it text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def error_report_csv(columns: list[str], rows: Iterable[tuple[RosterRow, list[str]]]) -> str:
    """The rows in error as CSV: the row number, the original columns, then what is wrong.

    The extra columns are ignored on upload, so the coordinator can correct this file and
    import it again.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Row", *columns, "Error"])
    for row, errors in rows:
        cells = [_spreadsheet_safe(cell) for cell in row.cells]
        writer.writerow([row.line, *cells, _spreadsheet_safe(" ".join(errors))])
    return out.getvalue()


# --- records (the REST API) ------------------------------------------------------------------

RECORD_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "role",
    "pgy",
    "track",
    "department",
    "start_date",
    "expected_end_date",
    "external_id",
)


def parse_roster_records(records: list[dict[str, str]], *, max_pgy: int) -> ParsedRoster:
    """Rows given as records (field name → text), as the REST API receives them, read
    with exactly the rules of a CSV file. Row numbers count the records from 1."""
    parsed = ParsedRoster(
        columns=list(RECORD_FIELDS),
        mapping={name: index for index, name in enumerate(RECORD_FIELDS)},
    )
    for number, record in enumerate(records, start=1):
        cells = [str(record.get(name) or "") for name in RECORD_FIELDS]
        parsed.rows.append(_parse_row(number, cells, parsed, max_pgy=max_pgy))
    _check_duplicates(parsed.rows)
    return parsed
