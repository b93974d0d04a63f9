"""A token may make DYAD_API_REQUESTS_PER_MINUTE requests a minute; then 429 with
Retry-After, for that token only."""

import pytest
import time_machine
from django.core.cache import cache

from dyad.api.models import Scope
from dyad.api.services import api_token_create


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.DYAD_API_REQUESTS_PER_MINUTE = 3
    cache.clear()
    yield
    cache.clear()


def test_fourth_request_in_a_minute_is_refused_with_retry_after(api):
    assert [api("get", "/people").status_code for _ in range(3)] == [200, 200, 200]
    refused = api("get", "/people")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests."}
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_another_token_keeps_its_own_allowance(api, program, coordinator):
    other = api_token_create(
        program=program, name="Reporting", scopes=Scope.values, acting_user=coordinator
    )
    for _ in range(3):
        api("get", "/people")
    assert api("get", "/people").status_code == 429
    assert api("get", "/people", secret=other.secret).status_code == 200


def test_allowance_comes_back_after_a_minute(api):
    with time_machine.travel("2026-12-03 09:00:00Z", tick=False) as traveller:
        for _ in range(3):
            api("get", "/people")
        assert api("get", "/people").status_code == 429
        traveller.shift(61)
        assert api("get", "/people").status_code == 200


def test_requests_without_a_valid_token_are_not_counted_against_one(api, token):
    for _ in range(5):
        assert api("get", "/people", secret="dyad_wrong").status_code == 401
    assert api("get", "/people").status_code == 200
