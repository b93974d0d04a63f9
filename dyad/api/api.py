"""The REST API, version 1 (SPEC M12): roster sync and reporting for a program's systems.

Every endpoint names the token scope it needs and asks dyad/policy.py the same rule as
the page that shows the same thing, for the leader who created the token. A token of
another program gets a 404 for this one, as an outsider would. The API never returns
meeting content (preparations, summaries, notes): only that pairs exist and meet.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import Field

from dyad import access, policy
from dyad.api import schemas, selectors, services
from dyad.api.models import ApiToken, Scope
from dyad.policy import Viewer


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dyad_…`, a live token; anything else is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return services.api_token_authenticate(token)


class TokenThrottle(SimpleRateThrottle):
    """At most DYAD_API_REQUESTS_PER_MINUTE requests per token and minute, so that a
    runaway sync script cannot take the pages' share of the server."""

    scope = "token"

    def get_rate(self) -> str:
        return f"{settings.DYAD_API_REQUESTS_PER_MINUTE}/min"

    def allow_request(self, request: HttpRequest) -> bool:
        # The rate is read on every request, so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        return None if token is None else f"dyad-api-throttle-{token.uuid}"


api = NinjaAPI(
    title="Dyad API",
    version="1",
    description=(
        "Roster sync and reporting for one program. Leaders create tokens on the program's "
        "*API tokens* page; each token is for one program and carries scopes. Send it as "
        "`Authorization: Bearer <token>`."
    ),
    auth=TokenAuth(),
    throttle=TokenThrottle(),
    urls_namespace="api",
    docs_url="/docs",
)

AUTH_ERRORS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 429: schemas.Error}
QUERY_ERRORS = {**AUTH_ERRORS, 422: schemas.ValidationErrorOut}


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return api.create_response(
        request, {"detail": "A valid, unrevoked API token is required."}, status=401
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


def _viewer(request: HttpRequest, slug: str, scope: Scope, allow: Callable[[Viewer], bool]):
    """The token's program as its creator sees it today; 404 for another program's token,
    403 when the token lacks the scope or its creator may no longer do this."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.program.slug != slug:
        raise HttpError(404, "No such program.")
    if not policy.api_token_allows(token.scopes, scope):
        raise HttpError(403, f"This token does not have the {scope.value} scope.")
    if token.created_by is None:
        raise HttpError(403, "The person who created this token no longer has an account.")
    viewer = access.viewer_for(token.created_by, token.program)
    if not allow(viewer):
        raise HttpError(403, "The person who created this token may no longer do this.")
    return viewer


class Paging(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class PeoplePage(Schema):
    count: int
    items: list[schemas.MembershipOut]


class RelationshipsPage(Schema):
    count: int
    items: list[schemas.RelationshipOut]


class MeetingsPage(Schema):
    count: int
    items: list[schemas.MeetingOut]


def _person(user) -> dict:
    return {"uuid": user.uuid, "email": user.email, "name": user.full_name or user.email}


@api.get(
    "/programs/{slug}/people",
    response={200: PeoplePage, **QUERY_ERRORS},
    summary="The roster: every membership of the program, with PGY",
    tags=["roster"],
)
def people(request, slug: str, paging: Query[Paging]):
    viewer = _viewer(request, slug, Scope.ROSTER_READ, policy.can_view_people)
    rows = selectors.memberships(viewer.program)
    page = rows[paging.offset : paging.offset + paging.limit]
    items = [
        {
            "uuid": m.uuid,
            "email": m.user.email,
            "first_name": m.user.first_name,
            "last_name": m.user.last_name,
            "role": m.role,
            "pgy": m.pgy,
            "track": m.track,
            "department": m.department,
            "start_date": m.start_date,
            "expected_end_date": m.expected_end_date,
            "external_id": m.external_id,
            "is_active": m.is_active,
        }
        for m in page
    ]
    return {"count": rows.count(), "items": items}


def _row_results(plan) -> list[dict]:
    return [
        {
            "row": rp.row.line,
            "email": rp.row.email_text,
            "action": rp.action,
            "changes": [f"{c.label}: {c.old_text} → {c.new_text}" for c in rp.changes],
            "errors": rp.errors,
        }
        for rp in plan.rows
    ]


@api.post(
    "/programs/{slug}/roster",
    response={200: schemas.RosterOut, 400: schemas.RosterErrors, **QUERY_ERRORS},
    summary="Sync the roster: add or update people, roles and PGY levels in one batch",
    description=(
        "All or nothing: if any row has an error, nothing is written and the answer (400) "
        "says for each row what to fix. People are matched by e-mail (case does not "
        "matter), roles by (person, role); blank values never erase what Dyad holds and "
        "names a person set are kept. Sending the same batch again changes nothing. New "
        "people are sent an invitation. People left out of the batch are not removed."
    ),
    tags=["roster"],
)
def roster_sync(request, slug: str, body: schemas.RosterIn):
    viewer = _viewer(request, slug, Scope.ROSTER_WRITE, policy.can_manage_roster)
    records = [person.model_dump(mode="json") for person in body.people]
    try:
        plan = services.roster_sync(
            token=request.auth, records=records, dry_run=body.dry_run, acting_user=viewer.user
        )
    except services.RosterRowsInvalid as refused:
        return Status(
            400,
            {
                "detail": f"{len(refused.plan.error_rows)} of {len(refused.plan.rows)} rows have "
                "errors; nothing was written. Correct them and send the batch again.",
                "rows": [r for r in _row_results(refused.plan) if r["errors"]],
            },
        )
    return {
        "applied": not body.dry_run and plan.changes_anything,
        "counts": plan.counts,
        "rows": _row_results(plan),
    }


@api.get(
    "/programs/{slug}/relationships",
    response={200: RelationshipsPage, **QUERY_ERRORS},
    summary="Pairings as leaders see them: kind, dates, state and the two people",
    tags=["reporting"],
)
def relationships(request, slug: str, paging: Query[Paging]):
    viewer = _viewer(request, slug, Scope.RELATIONSHIPS_READ, policy.can_manage_relationships)
    rows = selectors.relationships(viewer)
    page = selectors.visible_relationships(
        viewer, rows[paging.offset : paging.offset + paging.limit]
    )
    items = [
        {
            "uuid": r.uuid,
            "kind": r.kind,
            "state": r.state,
            "start_date": r.start_date,
            "end_date": r.end_date,
            "learner": _person(r.learner),
            "guide": _person(r.guide),
        }
        for r in page
    ]
    return {"count": rows.count(), "items": items}


@api.get(
    "/programs/{slug}/meetings",
    response={200: MeetingsPage, **QUERY_ERRORS},
    summary="Meetings as leaders see them: that they took place, when, and how (no content)",
    tags=["reporting"],
)
def meetings(request, slug: str, paging: Query[Paging]):
    viewer = _viewer(request, slug, Scope.MEETINGS_READ, policy.can_view_compliance)
    rows = selectors.meetings(viewer)
    page = rows[paging.offset : paging.offset + paging.limit]
    items = [
        {
            "uuid": m.uuid,
            "relationship": m.relationship.uuid,
            "starts_at": m.starts_at,
            "duration_minutes": m.duration_minutes,
            "mode": m.mode,
            "status": m.status,
        }
        for m in page
    ]
    return {"count": rows.count(), "items": items}


@api.get(
    "/programs/{slug}/metrics",
    response={200: schemas.MetricsOut, **QUERY_ERRORS},
    summary="Cadence compliance (today and the last 12 months) and learners without a guide",
    tags=["reporting"],
)
def metrics(request, slug: str):
    viewer = _viewer(request, slug, Scope.METRICS_READ, policy.can_view_compliance)
    return selectors.metrics(viewer.program)
