"""Reads on the year's expectations: the documents, who was asked, who has acknowledged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dyad.expectations.models import (
    Audience,
    ExpectationsDocument,
    ExpectationsRequest,
    LeadershipAgreement,
)
from dyad.lib import expectations as lib
from dyad.lib.cadence import academic_year_start
from dyad.lib.people import Person
from dyad.meetings.selectors import policies_for
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import ConsentCategory

LEADERSHIP = "leadership"
GROUPS = {
    Audience.LEARNERS.value: "Learners",
    Audience.GUIDES.value: "Mentors, coaches and advisors",
    LEADERSHIP: "Program leadership",
}


def current_year(program, today: date | None = None) -> int:
    return academic_year_start(
        today or timezone.localdate(), program.academic_year_start_month
    ).year


def latest_document(program, year: int, audience: str) -> ExpectationsDocument | None:
    return (
        ExpectationsDocument.objects.filter(program=program, year=year, audience=audience)
        .order_by("-version")
        .first()
    )


def latest_documents(program, year: int) -> dict[str, ExpectationsDocument]:
    """The latest version of each audience's document of the year, in one query."""
    latest: dict[str, ExpectationsDocument] = {}
    for doc in ExpectationsDocument.objects.filter(program=program, year=year).order_by("version"):
        doc.program = program  # their links name the program: not read again
        latest[doc.audience] = doc
    return latest


def years_with_documents(program) -> list[int]:
    return sorted(
        set(ExpectationsDocument.objects.filter(program=program).values_list("year", flat=True)),
        reverse=True,
    )


def meeting_standards(program) -> list[list[str]]:
    """The cadence of each kind of relationship, as the program's policies set it; kinds
    that follow the same rules are named together."""
    policies = policies_for(program)
    kinds_of: dict = {}
    for kind in GuidanceKind:
        kinds_of.setdefault(policies[kind.value], []).append(kind.label)
    return [lib.meeting_standards(_names(labels), policy) for policy, labels in kinds_of.items()]


def _names(labels: list[str]) -> str:
    """ "Mentoring, coaching and advising"."""
    words = [labels[0]] + [label.lower() for label in labels[1:]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def reporting() -> lib.Reporting:
    return lib.reporting(ConsentCategory.labels)


def recipients(program, audience: str):
    """Everyone who holds a role of the audience in the program today."""
    User = get_user_model()
    return (
        User.objects.filter(
            memberships__program=program,
            memberships__is_active=True,
            memberships__role__in=Audience(audience).roles,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def is_acknowledged(request: ExpectationsRequest | None, latest: ExpectationsDocument | None):
    return bool(
        request
        and latest
        and request.acknowledged_version is not None
        and request.acknowledged_version >= latest.version
    )


@dataclass(frozen=True)
class Asked:
    """The part of a request that says where a person stands, for every row; the rows shown
    get the whole request (with_requests)."""

    acknowledged_version: int | None


@dataclass(frozen=True)
class Row:
    person: Person
    group: str
    roles: str
    request: ExpectationsRequest | Asked | None = None
    agreement: LeadershipAgreement | None = None
    latest_version: int | None = None

    @property
    def done(self) -> bool:
        if self.group == LEADERSHIP:
            return self.agreement is not None
        return bool(
            self.request
            and self.latest_version
            and self.request.acknowledged_version is not None
            and self.request.acknowledged_version >= self.latest_version
        )

    @property
    def state(self) -> str:
        if self.done:
            return "Agreed" if self.group == LEADERSHIP else "Acknowledged"
        if self.group == LEADERSHIP:
            return "Not yet agreed"
        if self.request is None:
            return "Not sent yet"
        if self.request.acknowledged_version is not None:
            return f"Acknowledged version {self.request.acknowledged_version}; asked again"
        return "Not yet acknowledged"

    @property
    def done_at(self) -> datetime | None:
        if self.group == LEADERSHIP:
            return self.agreement.agreed_at if self.agreement else None
        return self.request.acknowledged_at if self.request else None


def status(program, year: int) -> dict:
    """Everyone the year's expectations concern, in three groups, with counts, and the
    leaders' agreements by person. Four queries whatever the size of the program, reading
    of each request only where its person stands: give the rows shown to with_requests."""
    # A person read as plain values: a roster of a thousand is not a thousand users to build.
    memberships = (
        Membership.objects.filter(program=program, is_active=True)
        .exclude(role=Role.EXTERNAL_COACH)
        .order_by("user__last_name", "user__first_name", "user__pk")
        .values_list("user_id", "role", "user__first_name", "user__last_name", "user__email")
    )
    roles: dict[int, list[str]] = {}
    people: dict[int, Person] = {}
    for user_id, role, first_name, last_name, email in memberships:
        roles.setdefault(user_id, []).append(role)
        people.setdefault(user_id, Person(user_id, first_name, last_name, email))
    requests = {
        (audience, person_id): Asked(version)
        for audience, person_id, version in ExpectationsRequest.objects.filter(
            program=program, year=year
        ).values_list("audience", "person_id", "acknowledged_version")
    }
    agreements = {
        a.person_id: a for a in LeadershipAgreement.objects.filter(program=program, year=year)
    }
    latest = latest_documents(program, year)
    labels = dict(Role.choices)
    groups: dict[str, list[Row]] = {g: [] for g in GROUPS}
    for pk, person in people.items():
        held = set(roles[pk])
        words = ", ".join(labels[r] for r in sorted(held))
        for audience in Audience:
            if held & audience.roles:
                doc = latest.get(audience.value)
                groups[audience.value].append(
                    Row(
                        person,
                        audience.value,
                        words,
                        request=requests.get((audience.value, pk)),
                        latest_version=doc.version if doc else None,
                    )
                )
        if held & Role.leaders():
            groups[LEADERSHIP].append(Row(person, LEADERSHIP, words, agreement=agreements.get(pk)))
    counts = {
        g: {"total": len(rows), "done": sum(1 for r in rows if r.done)}
        for g, rows in groups.items()
    }
    return {"groups": groups, "counts": counts, "documents": latest, "agreements": agreements}


def with_requests(program, year: int, rows: list[Row]) -> list[Row]:
    """The rows with their whole requests (when sent, reminders, when acknowledged), in one
    query for all of them."""
    ids = {r.person.pk for r in rows if r.request is not None}
    full = (
        {
            (r.audience, r.person_id): r
            for r in ExpectationsRequest.objects.filter(
                program=program, year=year, person_id__in=ids
            )
        }
        if ids
        else {}
    )
    return [
        replace(r, request=full[(r.group, r.person.pk)]) if r.request is not None else r
        for r in rows
    ]


def own_documents(viewer, year: int, audiences, *, latest=None) -> list[dict]:
    """The viewer's documents of the year with where they stand on each. `latest`:
    latest_documents of the year if already read."""
    latest = latest if latest is not None else latest_documents(viewer.program, year)
    requests = {
        r.audience: r
        for r in ExpectationsRequest.objects.filter(
            program=viewer.program, year=year, person=viewer.user
        )
    }
    return [
        {
            "audience": Audience(a),
            "document": latest.get(a),
            "request": requests.get(a),
            "done": is_acknowledged(requests.get(a), latest.get(a)),
        }
        for a in sorted(audiences)
    ]


def pending_for(viewer, audiences, *, today: date | None = None) -> dict:
    """What the viewer's home asks of them for this year: the sent documents they have not
    acknowledged (latest version), and, for a leader, the consent terms to agree to."""
    program = viewer.program
    year = current_year(program, today)
    latest = latest_documents(program, year) if audiences else {}
    # Where none of the viewer's documents is sent there is nothing to acknowledge: their
    # requests are not read.
    sent = [a for a in audiences if latest.get(a) and latest[a].sent_at]
    docs = [
        d
        for d in (own_documents(viewer, year, sent, latest=latest) if sent else [])
        if not d["done"]
    ]
    agree = (
        viewer.is_leader
        and not LeadershipAgreement.objects.filter(
            program=program, year=year, person=viewer.user
        ).exists()
    )
    return {"year": year, "documents": docs, "agree": agree}


def has_agreed(program, year: int, person) -> LeadershipAgreement | None:
    return LeadershipAgreement.objects.filter(program=program, year=year, person=person).first()
