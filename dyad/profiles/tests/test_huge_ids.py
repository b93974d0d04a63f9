"""A multi-select posted with an id no database row can have is refused with a message,
not a server error (SQLite cannot even bind an integer beyond 64 bits)."""

import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea, GuideProfile, LearnerProfile
from dyad.profiles.tests.test_edit_guide import post_data

HUGE = "99999999999999999999"  # beyond a signed 64-bit integer


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "9223372036854775808"])
def test_guide_profile_with_an_out_of_range_area_id_is_refused(client, resident, value):
    research = ContentArea.objects.get(program=None, slug="research")
    client.force_login(resident)
    response = client.post(
        reverse("profiles:edit_guide"), post_data(content_areas=[research.pk, value])
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert response.context["form"].errors["content_areas"]
    assert not GuideProfile.objects.filter(user=resident).exists()


@pytest.mark.django_db
def test_learner_profile_with_an_out_of_range_area_id_is_refused(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("profiles:edit_learner"),
        {"interests": "Neonatology", "content_areas_sought": [HUGE], "languages": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert response.context["form"].errors["content_areas_sought"]
    assert not LearnerProfile.objects.filter(user=resident).exists()


@pytest.mark.django_db
def test_largest_possible_id_is_an_ordinary_unknown_choice(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("profiles:edit_learner"),
        {"interests": "Neonatology", "content_areas_sought": ["9223372036854775807"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
