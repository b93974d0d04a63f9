import json

import pytest

from dyad.api.models import Scope
from dyad.api.services import api_token_create


@pytest.fixture
def token(program, coordinator):
    """A token of the program with every scope, made by its coordinator."""
    return api_token_create(
        program=program, name="Roster sync", scopes=Scope.values, acting_user=coordinator
    )


@pytest.fixture
def api(client, token):
    """api("get"|"post", path after /api/v1/programs/peds, body) with the token."""

    def call(method, path, body=None, secret=None):
        headers = {"Authorization": f"Bearer {secret or token.secret}"}
        url = f"/api/v1/programs/peds{path}"
        if method == "post":
            return client.post(
                url, data=json.dumps(body), content_type="application/json", headers=headers
            )
        return client.get(url, headers=headers)

    return call
