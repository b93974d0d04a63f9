"""Evaluative roles from a CSV file: decode, map columns, read rows, plan what to record.

Pure: no database and no Django. `parse(text)` reads the file; `plan(parsed, members=…,
existing=…, program=…)` checks each row against the program's members and the roles
already recorded, both handed in as plain values, and says per row: record it, skip it
(already recorded) or what to fix.

Row numbers are line numbers in the file (the header is line 1), so that a coordinator
finds the row in a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dyad.lib.csvimport import Column, csv_records, header_key, parse_date

# The kinds are the values of dyad.relationships.models.EvaluativeKind, repeated so that this
# module needs no Django (a test checks that they match).
CCC_MEMBER = "ccc_member"
PROGRAM_DIRECTOR = "program_director"
ASSOCIATE_DIRECTOR = "associate_director"
ROTATION_SUPERVISOR = "rotation_supervisor"

KIND_LABELS = {
    CCC_MEMBER: "CCC member",
    PROGRAM_DIRECTOR: "Program director",
    ASSOCIATE_DIRECTOR: "Associate program director",
    ROTATION_SUPERVISOR: "Rotation supervisor",
}

MAX_BYTES = 1024 * 1024


_KIND_WORDS = {
    CCC_MEMBER: (
        "CCC",
        "CCC member",
        "Clinical Competency Committee",
        "Clinical Competency Committee member",
    ),
    PROGRAM_DIRECTOR: ("Program Director", "PD"),
    ASSOCIATE_DIRECTOR: (
        "APD",
        "Associate Program Director",
        "Associate Director",
        "Assistant Program Director",
    ),
    ROTATION_SUPERVISOR: ("Rotation Supervisor", "Supervisor"),
}
_KINDS = {header_key(word): kind for kind, words in _KIND_WORDS.items() for word in words}
KIND_WORDS = ", ".join(word for words in _KIND_WORDS.values() for word in words)
_KINDS_IN_SHORT = (
    "CCC, Program Director (PD), Associate Program Director (APD) or Rotation Supervisor"
)


COLUMNS = (
    Column(
        "evaluator_email",
        "Evaluator Email",
        ("evaluator email", "evaluator e-mail", "evaluator", "faculty email", "email", "e-mail"),
        "The e-mail address of the person who evaluates, as in the program's roster.",
        required=True,
    ),
    Column(
        "kind",
        "Role",
        ("role", "kind", "evaluative role", "role type", "type"),
        f"One of: {KIND_WORDS}.",
        required=True,
    ),
    Column(
        "learner_email",
        "Learner Email",
        ("learner email", "learner e-mail", "resident email", "trainee email", "learner"),
        "Only for rotation supervision: the supervised learner. Leave it empty otherwise.",
    ),
    Column(
        "start_date",
        "Start Date",
        ("start date", "start", "from", "begin date"),
        "2025-07-01 or 7/1/2025 (month first).",
        required=True,
    ),
    Column(
        "end_date",
        "End Date",
        ("end date", "end", "to", "until"),
        "Optional; empty means open-ended. Same formats as Start Date.",
    ),
)
_ALIASES = {header_key(alias): col.field for col in COLUMNS for alias in col.aliases}
_LABELS = {col.field: col.label for col in COLUMNS}

EXAMPLE_CSV = (
    "Evaluator Email,Role,Learner Email,Start Date,End Date\r\n"
    "anh.nguyen@hospital.org,CCC member,,2025-07-01,2026-06-30\r\n"
    "maya.okafor@hospital.org,APD,,7/1/2024,\r\n"
    "sam.lee@hospital.org,Rotation Supervisor,chidi.okafor@hospital.org,9/1/2025,9/28/2025\r\n"
)


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says what to do instead."""


def decode(data: bytes) -> str:
    """UTF-8, with or without the byte-order mark spreadsheets put first."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"This file is larger than {MAX_BYTES // 1024} KB. Split it into smaller files."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "This file is not UTF-8 text. In Excel, choose File › Save As › “CSV UTF-8 "
            "(Comma delimited)” and upload that file."
        ) from None


def parse_kind(value: str) -> str | None:
    return _KINDS.get(header_key(value))


@dataclass
class Row:
    line: int
    evaluator_email: str = ""
    kind: str | None = None
    kind_text: str = ""
    learner_email: str = ""
    start_date: date | None = None
    end_date: date | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind or "", self.kind_text)


@dataclass
class ParsedFile:
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file


def parse(text: str) -> ParsedFile:
    parsed = ParsedFile()
    records = [(line, cells) for line, cells in csv_records(text) if any(c.strip() for c in cells)]
    if not records:
        parsed.errors.append("The file is empty.")
        return parsed
    parsed.columns = [c.strip() for c in records[0][1]]
    for index, name in enumerate(parsed.columns):
        column = _ALIASES.get(header_key(name))
        if column and column not in parsed.mapping:
            parsed.mapping[column] = index
    missing = [c.label for c in COLUMNS if c.required and c.field not in parsed.mapping]
    if missing:
        parsed.errors.append(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. The first "
            f"row must name the columns; found: {', '.join(parsed.columns) or 'nothing'}."
        )
        return parsed
    parsed.rows = [_parse_row(line, cells, parsed.mapping) for line, cells in records[1:]]
    if not parsed.rows:
        parsed.errors.append("The file has a header row but no role under it.")
    return parsed


def _parse_row(line: int, cells: list[str], mapping: dict[str, int]) -> Row:
    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = Row(line=line, evaluator_email=cell("evaluator_email").lower())
    row.learner_email = cell("learner_email").lower()
    row.kind_text = cell("kind")
    row.kind = parse_kind(row.kind_text)
    if not row.evaluator_email:
        row.errors.append("Evaluator Email is empty.")
    if row.kind is None:
        row.errors.append(
            f"Unknown role “{row.kind_text}”: write {_KINDS_IN_SHORT}."
            if row.kind_text
            else f"Role is empty: write {_KINDS_IN_SHORT}."
        )
    row.start_date = _date(row, cell("start_date"), "Start Date", required=True)
    row.end_date = _date(row, cell("end_date"), "End Date", required=False)
    if row.start_date and row.end_date and row.end_date < row.start_date:
        row.errors.append("End Date is before Start Date.")
    if row.kind == ROTATION_SUPERVISOR and not row.learner_email:
        row.errors.append("A rotation supervisor evaluates one learner: fill in Learner Email.")
    if row.kind and row.kind != ROTATION_SUPERVISOR and row.learner_email:
        row.errors.append(
            f"A {KIND_LABELS[row.kind].lower()} evaluates every learner of the program: "
            "leave Learner Email empty (or is this a rotation supervisor?)."
        )
    if row.learner_email and row.learner_email == row.evaluator_email:
        row.errors.append("The evaluator and the learner are the same person.")
    return row


def _date(row: Row, value: str, label: str, *, required: bool) -> date | None:
    if not value:
        if required:
            row.errors.append(f"{label} is empty.")
        return None
    try:
        return parse_date(value)
    except ValueError:
        row.errors.append(f"{label} “{value}” is not a date: write 2025-07-01 or 7/1/2025.")
        return None


# --- plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A person of the program, as the plan needs them; `user` is opaque here."""

    user: Any
    is_learner: bool


@dataclass(frozen=True)
class RoleKey:
    """What makes two roles the same one: importing it again records nothing."""

    evaluator_email: str
    kind: str
    learner_email: str
    start_date: date
    end_date: date | None


CREATE = "create"
SKIP = "skip"
ERROR = "error"


@dataclass
class PlannedRow:
    row: Row
    evaluator: Any = None
    learner: Any = None
    action: str = CREATE
    note: str = ""

    @property
    def errors(self) -> list[str]:
        return self.row.errors


@dataclass
class Plan:
    parsed: ParsedFile
    rows: list[PlannedRow] = field(default_factory=list)

    @property
    def file_errors(self) -> list[str]:
        return self.parsed.errors

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.action == ERROR for r in self.rows)

    @property
    def to_create(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == CREATE]

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(1 for r in self.rows if r.action == a) for a in (CREATE, SKIP, ERROR)}


def plan(
    parsed: ParsedFile, *, members: dict[str, Member], existing: set[RoleKey], program: str
) -> Plan:
    """Check each row: evaluator and learner must be members (the learner a learner), and
    a role identical to one recorded, or to an earlier row, is skipped."""
    result = Plan(parsed=parsed)
    seen: dict[RoleKey, int] = {}
    for row in parsed.rows:
        planned = PlannedRow(row=row)
        evaluator = members.get(row.evaluator_email) if row.evaluator_email else None
        if row.evaluator_email and evaluator is None:
            row.errors.append(f"{row.evaluator_email} is not a member of {program}.")
        learner = members.get(row.learner_email) if row.learner_email else None
        if row.learner_email and learner is None:
            row.errors.append(f"{row.learner_email} is not a member of {program}.")
        elif learner is not None and not learner.is_learner:
            row.errors.append(f"{row.learner_email} is not a learner of {program}.")
        planned.evaluator = evaluator.user if evaluator else None
        planned.learner = learner.user if learner else None
        if row.errors:
            planned.action = ERROR
        else:
            key = RoleKey(
                evaluator_email=row.evaluator_email,
                kind=row.kind or "",
                learner_email=row.learner_email,
                start_date=row.start_date or date.min,
                end_date=row.end_date,
            )
            if key in existing:
                planned.action, planned.note = SKIP, "Already recorded."
            elif key in seen:
                planned.action, planned.note = SKIP, f"Same as row {seen[key]}."
            else:
                seen[key] = row.line
        result.rows.append(planned)
    return result
