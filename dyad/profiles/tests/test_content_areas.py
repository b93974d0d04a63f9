import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea
from dyad.profiles.tests.helpers import make_guide


def url(program):
    return reverse("profiles:content_areas", args=[program.slug])


def add_url(program):
    return reverse("profiles:content_area_add", args=[program.slug])


@pytest.mark.django_db
def test_leader_sees_default_and_own_areas_with_their_use(client, program, coordinator):
    simulation = ContentArea.objects.create(program=program, name="Simulation", slug="sim")
    make_guide(program, areas=[simulation])
    client.force_login(coordinator)
    response = client.get(url(program))
    assert response.status_code == 200
    assert "Default taxonomy" in response.text
    assert "Work-life integration" in response.text
    assert "Simulation" in response.text
    assert "1 guide" in response.text


@pytest.mark.django_db
def test_other_programs_areas_are_not_shown(client, program, other_program, director):
    ContentArea.objects.create(program=other_program, name="Trauma systems", slug="trauma")
    client.force_login(director)
    assert "Trauma systems" not in client.get(url(program)).text


@pytest.mark.django_db
def test_leader_adds_an_area_and_is_redirected(client, program, director):
    client.force_login(director)
    response = client.post(add_url(program), {"name": "  Point-of-care   ultrasound "})
    assert response.status_code == 302
    assert response["Location"] == url(program)
    area = ContentArea.objects.get(program=program)
    assert area.name == "Point-of-care ultrasound"
    assert area.slug == "point-of-care-ultrasound"
    followed = client.get(url(program))
    assert "“Point-of-care ultrasound” is now a content area" in followed.text


@pytest.mark.django_db
def test_duplicate_area_is_refused_with_a_clear_error(client, program, coordinator):
    ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    client.force_login(coordinator)
    response = client.post(add_url(program), {"name": "SIMULATION"})
    assert response.status_code == 200
    assert "This program already has an area called “SIMULATION”." in response.text
    assert ContentArea.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_default_area_name_is_refused(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(add_url(program), {"name": "Global Health"})
    assert "already in the default taxonomy" in response.text
    assert not ContentArea.objects.filter(program=program).exists()


@pytest.mark.django_db
def test_new_area_becomes_a_choice_for_the_programs_guides(client, program, coordinator, faculty):
    client.force_login(coordinator)
    client.post(add_url(program), {"name": "Simulation"})
    client.force_login(faculty)
    form = client.get(reverse("profiles:edit_guide")).context["form"]
    assert "simulation" in {area.slug for area in form.fields["content_areas"].queryset}


@pytest.mark.django_db
def test_add_needs_post(client, program, coordinator):
    client.force_login(coordinator)
    assert client.get(add_url(program)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["resident", "faculty"])
def test_non_leaders_get_403(client, program, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(program)).status_code == 403
    assert client.post(add_url(program), {"name": "Simulation"}).status_code == 403
    assert not ContentArea.objects.filter(program=program).exists()


@pytest.mark.django_db
def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(url(program)).status_code == 404
    assert client.post(add_url(program), {"name": "Simulation"}).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, program):
    for response in (client.get(url(program)), client.post(add_url(program), {"name": "X"})):
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
