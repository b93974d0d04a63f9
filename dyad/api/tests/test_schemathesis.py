"""Schemathesis generates requests from the OpenAPI schema and checks every answer: never
a server error, every status and body as the schema says. Once with a token holding every
scope (the program in the path is then the token's own, so that answers are 200s and
400s, not only 404s), once without any token.

Kept to a few seconds: a fixed number of examples per operation, derandomized so that a
failure comes back on the next run.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from dyad.api.api import api
from dyad.api.models import Scope
from dyad.api.services import api_token_create
from dyad.wsgi import application

EXAMPLES = 30
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


FAST = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    schema.app = application
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation, mode, *, headers, slug=None) -> list[int]:
    """Run EXAMPLES generated requests against the operation; return their statuses."""
    statuses = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @FAST
    def run(case):
        if slug and "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = slug
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    run()
    return statuses


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called as a WSGI app, Django closes the database connection after each request, as
    in production; the test's transaction lives on it, so keep it (as Django's own test
    client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def secret(program, coordinator, resident):
    return api_token_create(
        program=program, name="fuzz", scopes=Scope.values, acting_user=coordinator
    ).secret


OPERATIONS = operations()
IDS = [f"{op.method.upper()} {op.path}" for op in OPERATIONS]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
def test_the_api_answers_as_its_schema_says_with_a_token(db, secret, operation, mode):
    statuses = fuzz(operation, mode, headers={"Authorization": f"Bearer {secret}"}, slug="peds")
    assert statuses
    if mode == GenerationMode.POSITIVE:
        assert {200, 400} & set(statuses), statuses


@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
def test_the_api_answers_as_its_schema_says_without_a_token(db, operation):
    statuses = fuzz(operation, GenerationMode.POSITIVE, headers={})
    assert set(statuses) == {401}
