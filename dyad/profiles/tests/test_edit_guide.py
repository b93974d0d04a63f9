import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea, GuideProfile
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role

URL = reverse("profiles:edit_guide")


def post_data(**overrides):
    data = {
        "title": "Assistant Professor",
        "department": "Pediatrics",
        "division": "Hospital Medicine",
        "bio": "Hospitalist and QI nerd.",
        "skills": "Run charts",
        "career_path": "Chief resident, then faculty.",
        "clinical_interests": "Bronchiolitis",
        "outside_interests": "Cycling",
        "languages": "English, Spanish, english",
        "meeting_modes": ["in_person", "phone"],
        "accepting_new": "on",
        "fte_effort": "12.5",
        "offer_mentoring": "on",
        "capacity_mentoring": "3",
        "offer_coaching": "on",
        "capacity_coaching": "1",
        "capacity_advising": "2",
        "capacity_peer_mentoring": "2",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_member_without_profile_sees_an_empty_form(client, resident):
    client.force_login(resident)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Your guide profile" in response.text
    assert "I offer this" in response.text


@pytest.mark.django_db
def test_saving_writes_profile_offers_and_areas_then_redirects(client, resident):
    research = ContentArea.objects.get(program=None, slug="research")
    client.force_login(resident)
    response = client.post(URL, post_data(content_areas=[research.pk]))
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = GuideProfile.objects.get(user=resident)
    assert profile.languages == ["English", "Spanish"]
    assert profile.meeting_modes == ["in_person", "phone"]
    assert str(profile.fte_effort) == "12.5"
    assert list(profile.content_areas.all()) == [research]
    assert {o.kind: o.capacity for o in profile.offers.all()} == {"mentoring": 3, "coaching": 1}
    followed = client.get(URL)
    assert "Your guide profile is saved." in followed.text


@pytest.mark.django_db
def test_unticking_a_kind_stops_offering_it(client, faculty):
    client.force_login(faculty)
    data = post_data()
    del data["offer_mentoring"]
    client.post(URL, data)
    assert {o.kind for o in faculty.guide_profile.offers.all()} == {"coaching"}


@pytest.mark.django_db
def test_invalid_capacity_is_shown_by_the_field_and_nothing_is_saved(client, faculty):
    client.force_login(faculty)
    response = client.post(URL, post_data(capacity_mentoring="12", title="Changed"))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity_mentoring"]
    assert "Take between 1 and 10 learners" in response.text
    faculty.guide_profile.refresh_from_db()
    assert faculty.guide_profile.title != "Changed"


@pytest.mark.django_db
def test_form_offers_areas_of_every_program_of_the_user_named_by_program(
    client, program, other_program, faculty
):
    MembershipFactory(program=other_program, user=faculty, role=Role.FACULTY)
    ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    ContentArea.objects.create(program=other_program, name="Trauma systems", slug="trauma")
    client.force_login(faculty)
    response = client.get(URL)
    assert "Simulation (Pediatrics Residency)" in response.text
    assert "Trauma systems (Surgery Residency)" in response.text


@pytest.mark.django_db
def test_one_program_member_gets_its_top_bar(client, program, faculty):
    client.force_login(faculty)
    response = client.get(URL)
    assert response.context["viewer"].program == program
    assert reverse("profiles:directory", args=[program.slug]) in response.text


@pytest.mark.django_db
def test_member_of_several_programs_gets_no_program_top_bar(client, other_program, faculty):
    MembershipFactory(program=other_program, user=faculty, role=Role.FACULTY)
    client.force_login(faculty)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["viewer"] is None
    assert 'aria-label="Program"' not in response.text


@pytest.mark.django_db
def test_published_guide_gets_a_link_to_their_profile_page(client, program, faculty):
    client.force_login(faculty)
    response = client.get(URL)
    detail = reverse("profiles:guide_detail", args=[program.slug, faculty.guide_profile.uuid])
    assert detail in response.text


@pytest.mark.django_db
def test_user_without_program_may_not_keep_a_profile(client, stranger):
    client.force_login(stranger)
    assert client.get(URL).status_code == 403
    assert client.post(URL, post_data()).status_code == 403
    assert not GuideProfile.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_former_member_may_not_keep_a_profile(client, program, resident):
    resident.memberships.update(is_active=False)
    client.force_login(resident)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_edit_page_query_count_does_not_grow(
    computed_pages, client, faculty, django_assert_num_queries
):
    """The offers are read once, for the form and for whether the profile is published."""
    client.force_login(faculty)
    client.post(URL, post_data())
    client.get(URL)  # warm the session
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert response.context["published"] is True
    program = faculty.memberships.first().program
    for i in range(10):
        ContentArea.objects.create(program=program, name=f"Area {i}", slug=f"area-{i}")
    client.post(URL, post_data(offer_advising="on", offer_peer_mentoring="on"))
    with django_assert_num_queries(6):
        client.get(URL)
