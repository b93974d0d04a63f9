"""Hostile input in the forms an anonymous visitor sees (the project-wide fuzz test posts
as signed-in personas only): never a server error, nobody signed in."""

import pytest
from django.core import mail

from dyad.accounts.factories import UserFactory

HOSTILE = ["", "x" * 100_000, "ab\x00cd", "\u202eשלום 👩🏽‍⚕️\u202c", "-1", "a@b", " " * 5]
FORMS = {
    "/accounts/login/": ["login", "password"],
    "/accounts/password/reset/": ["email"],
    "/accounts/password/reset/key/1-set-password/": ["password1", "password2"],
    "/accounts/2fa/authenticate/": ["code"],
}
CASES = [(path, value) for path in FORMS for value in HOSTILE]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "value"), CASES)
def test_hostile_input_is_refused_without_a_server_error(client, path, value):
    UserFactory(email="a@example.org")
    for field in [*FORMS[path], None]:  # one field at a time, then all at once
        data = {f: value for f in FORMS[path] if field is None or f == field}
        response = client.post(path, data)
        assert response.status_code < 500, (path, field)
        assert "_auth_user_id" not in client.session
    assert mail.outbox == []
