"""The reminder choices answer hostile input with a message, never a 500, and write nothing."""

import pytest
from django.urls import reverse

from dyad.meetings.tests.bad_input import BAD_VALUES, case_id, snapshot

URL = reverse("reminders:preferences")


def test_a_valid_choice_is_saved(client, resident):
    client.force_login(resident)
    before = snapshot()
    assert client.post(URL, {"enabled": ["upcoming"]}).status_code == 302
    assert snapshot() != before


@pytest.mark.parametrize("value", BAD_VALUES["choice"], ids=case_id)
def test_a_bad_choice_is_refused_and_nothing_is_written(client, resident, value):
    client.force_login(resident)
    before = snapshot()
    response = client.post(URL, {"enabled": ["upcoming", value]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert snapshot() == before
