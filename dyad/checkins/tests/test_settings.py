"""Leaders set how often check-ins are asked and what alerts them."""

import pytest
from django.urls import reverse

from dyad.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(program):
    return reverse("checkins:settings", args=[program.slug])


def test_defaults_are_every_four_months_alerting_at_two(program):
    assert (program.checkin_interval_months, program.checkin_low_threshold) == (4, 2)


def test_a_leader_saves_them_audited(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(url(program), {"interval_months": "6", "low_threshold": "1"})
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.checkin_interval_months, program.checkin_low_threshold) == (6, 1)
    assert AuditEntry.objects.get(action="checkin.settings_saved").actor == coordinator


@pytest.mark.parametrize(
    "data",
    [
        {"interval_months": "0", "low_threshold": "2"},
        {"interval_months": "4", "low_threshold": "5"},
    ],
)
def test_values_off_their_range_are_refused(client, program, director, data):
    client.force_login(director)
    response = client.post(url(program), data)
    assert response.status_code == 200
    program.refresh_from_db()
    assert (program.checkin_interval_months, program.checkin_low_threshold) == (4, 2)


def test_the_cadence_page_shows_them(client, program, director):
    client.force_login(director)
    html = client.get(reverse("meetings:cadence", args=[program.slug])).content.decode()
    assert "Pairing-fit check-ins" in html and url(program) in html


def test_not_for_a_member_who_does_not_lead(client, program, resident):
    client.force_login(resident)
    assert client.get(url(program)).status_code == 403
