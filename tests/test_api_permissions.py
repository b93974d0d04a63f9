"""The REST API's permission table: every endpoint × every kind of token.

Right scope 200; a token of this program without the scope 403; a token of another
program (with every scope) 404, as an outsider gets for pages; no token, a revoked one or
garbage 401. Tokens act as the leader who made them, as the pages would let them.
"""

import json

import pytest
from django.db import transaction

from dyad.api.models import Scope
from dyad.api.services import api_token_create, api_token_revoke
from dyad.programs.models import Membership
from tests.world import build_world

# name: (method, path after /api/v1/programs/<slug>, scope needed, JSON body)
ENDPOINTS = {
    "people": ("get", "/people", Scope.ROSTER_READ, None),
    "roster_sync": ("post", "/roster", Scope.ROSTER_WRITE, {"people": [], "dry_run": True}),
    "relationships": ("get", "/relationships", Scope.RELATIONSHIPS_READ, None),
    "meetings": ("get", "/meetings", Scope.MEETINGS_READ, None),
    "metrics": ("get", "/metrics", Scope.METRICS_READ, None),
}
TOKENS = ["right_scope", "other_scopes", "other_program", "none", "revoked", "garbage"]
EXPECTED = {
    "right_scope": 200,
    "other_scopes": 403,
    "other_program": 404,
    "none": 401,
    "revoked": 401,
    "garbage": 401,
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _token(world, kind, scope):
    director = world.user("director")
    if kind == "right_scope":
        return api_token_create(
            program=world.program, name="t", scopes=[scope], acting_user=director
        ).secret
    if kind == "other_scopes":
        others = [s for s in Scope.values if s != scope]
        return api_token_create(
            program=world.program, name="t", scopes=others, acting_user=director
        ).secret
    if kind == "other_program":
        return api_token_create(
            program=world.other_program,
            name="t",
            scopes=Scope.values,
            acting_user=world.user("outsider"),
        ).secret
    if kind == "revoked":
        new = api_token_create(
            program=world.program, name="t", scopes=Scope.values, acting_user=director
        )
        api_token_revoke(token=new.token, acting_user=director)
        return new.secret
    if kind == "garbage":
        return "dyad_not-a-token-at-all"
    return None


def call(client, world, name, token, slug=None):
    method, suffix, _, body = ENDPOINTS[name]
    url = f"/api/v1/programs/{slug or world.program.slug}{suffix}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "post":
        return client.post(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )
    return client.get(url, headers=headers)


CASES = [(name, kind) for name in ENDPOINTS for kind in TOKENS]


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_api_permission_table(db, client, world, name, kind):
    token = _token(world, kind, ENDPOINTS[name][2])
    response = call(client, world, name, token)
    assert response.status_code == EXPECTED[kind], response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_program_that_does_not_exist_is_a_404(db, client, world, name):
    token = _token(world, "right_scope", ENDPOINTS[name][2])
    assert call(client, world, name, token, slug="no-such-program").status_code == 404


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_token_stops_working_when_its_creator_is_no_longer_a_leader(db, client, world, name):
    token = _token(world, "right_scope", ENDPOINTS[name][2])
    Membership.objects.filter(user=world.user("director"), program=world.program).update(
        is_active=False
    )
    assert call(client, world, name, token).status_code == 403


@pytest.mark.parametrize("persona", ["learner", "guide", "director"])
def test_a_signed_in_session_does_not_open_the_api(db, client, world, persona):
    client.force_login(world.user(persona))
    assert call(client, world, "people", None).status_code == 401


def test_the_api_never_returns_meeting_content(db, client, world):
    director = world.user("director")
    token = api_token_create(
        program=world.program, name="t", scopes=Scope.values, acting_user=director
    ).secret
    text = "".join(
        call(client, world, name, token).content.decode()
        for name in ("relationships", "meetings", "metrics", "people")
    )
    for secret in (
        "PREPARATION-SECRET",
        "SUMMARY-SECRET",
        "ACTION-SECRET",
        "PRIVATE-NOTE-OF-LEARNER",
        "PRIVATE-NOTE-OF-GUIDE",
        "Find a research project",
        "We never find time.",
        "Seemed exhausted",
        "Clinic B",
    ):
        assert secret not in text
    assert str(world.relationship.uuid) in text
    assert str(world.meeting.uuid) in text
