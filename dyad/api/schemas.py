"""What the API reads and answers, as the OpenAPI schema shows it."""

import unicodedata
from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict]


class PersonIn(Schema):
    email: str = Field(..., max_length=254, description="How the person logs in; identifies them.")
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    role: str = Field(
        "resident",
        max_length=50,
        description="resident, chief_resident, fellow, student, faculty, junior_faculty, "
        "director, associate_director or coordinator (the import's words work too).",
    )
    pgy: int | None = Field(None, description="Required for residents, 1 to the program's last.")
    track: str = Field("", max_length=100)
    department: str = Field("", max_length=200)
    start_date: date | None = None
    expected_end_date: date | None = None
    external_id: str = Field("", max_length=100)

    @field_validator(
        "email", "first_name", "last_name", "role", "track", "department", "external_id"
    )
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        # As for an uploaded roster file: a NUL or another control character is a broken
        # export, and PostgreSQL would refuse to store it.
        if any(unicodedata.category(char) == "Cc" for char in value):
            raise ValueError("must not contain control characters (such as NUL or tabs)")
        return value


class RosterIn(Schema):
    people: list[PersonIn] = Field(..., max_length=5000)
    dry_run: bool = Field(False, description="Check and report what would change; write nothing.")


class RowResult(Schema):
    row: int = Field(..., description="Position of the person in `people`, from 1.")
    email: str
    action: str = Field(..., description="create, add_role, update, unchanged or error.")
    changes: list[str] = []
    errors: list[str] = []


class RosterOut(Schema):
    applied: bool
    counts: dict[str, int]
    rows: list[RowResult]


class RosterErrors(Schema):
    detail: str
    # Absent when the body itself could not be read (not JSON at all).
    rows: list[RowResult] = []


class MembershipOut(Schema):
    uuid: UUID
    email: str
    first_name: str
    last_name: str
    role: str
    pgy: int | None
    track: str
    department: str
    start_date: date | None
    expected_end_date: date | None
    external_id: str
    is_active: bool


class PersonRef(Schema):
    uuid: UUID
    email: str
    name: str


class RelationshipOut(Schema):
    uuid: UUID
    kind: str
    state: str
    start_date: date
    end_date: date | None
    learner: PersonRef
    guide: PersonRef


class MeetingOut(Schema):
    uuid: UUID
    relationship: UUID
    starts_at: datetime
    duration_minutes: int
    mode: str
    status: str


class MonthCompliance(Schema):
    month_end: date
    active_pairs: int
    on_track: int


class KindCount(Schema):
    kind: str
    learners_without_guide: int
    learners: int


class MetricsOut(Schema):
    today: date
    active_pairs: int
    on_track: int
    compliance_percent: int | None
    by_month: list[MonthCompliance]
    without_guide: list[KindCount]
