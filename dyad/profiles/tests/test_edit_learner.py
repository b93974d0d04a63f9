import pytest
from django.urls import reverse

from dyad.profiles.factories import LearnerProfileFactory
from dyad.profiles.models import ContentArea, LearnerProfile

URL = reverse("profiles:edit_learner")


@pytest.mark.django_db
def test_resident_fills_in_their_profile(client, resident):
    wellness = ContentArea.objects.get(program=None, slug="wellness")
    client.force_login(resident)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        {
            "interests": "Neonatology",
            "career_goals": "NICU fellowship",
            "content_areas_sought": [wellness.pk],
            "outside_interests": "Choir",
            "languages": "English,  Tagalog ,english",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = LearnerProfile.objects.get(user=resident)
    assert profile.career_goals == "NICU fellowship"
    assert profile.languages == ["English", "Tagalog"]
    assert list(profile.content_areas_sought.all()) == [wellness]
    assert "Your profile is saved." in client.get(URL).text


@pytest.mark.django_db
def test_existing_profile_is_shown_for_editing(client, resident):
    LearnerProfileFactory(user=resident, languages=["English", "French"])
    client.force_login(resident)
    response = client.get(URL)
    assert "NICU" not in response.text
    assert "Academic general pediatrics" in response.text
    assert 'value="English, French"' in response.text


@pytest.mark.django_db
def test_area_of_another_program_is_refused_by_field(client, other_program, resident):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    client.force_login(resident)
    response = client.post(URL, {"content_areas_sought": [foreign.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["content_areas_sought"]
    assert not LearnerProfile.objects.filter(user=resident).exists()


@pytest.mark.django_db
def test_one_program_member_gets_its_top_bar(client, program, resident):
    client.force_login(resident)
    response = client.get(URL)
    assert response.context["viewer"].program == program
    assert response.context["viewer"].is_learner


@pytest.mark.django_db
def test_user_without_program_is_refused(client, stranger):
    client.force_login(stranger)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
