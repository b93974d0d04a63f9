"""Program leaders must have a second factor before they open their program's pages, when
the institution (DYAD_REQUIRE_MFA_FOR_LEADERS) or the program says so."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

MFA_SETUP = "/accounts/2fa/"


def give_app(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "X"})


def open_people_page(client, user, program):
    client.force_login(user)
    return client.get(reverse("programs:people", args=[program.slug]), follow=False)


@pytest.mark.django_db
def test_nothing_is_asked_by_default(client, director, program):
    assert open_people_page(client, director, program).status_code == 200


@pytest.mark.django_db
def test_the_institution_sends_a_leader_without_one_to_set_it_up(
    client, settings, director, program
):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    response = open_people_page(client, director, program)
    assert response.status_code == 302
    assert response["Location"] == MFA_SETUP
    page = client.get(MFA_SETUP)
    assert "asks its coordinators and directors to sign in with a second factor" in page.text


@pytest.mark.django_db
def test_the_program_alone_can_ask_it(client, coordinator, program):
    program.leaders_need_second_factor = True
    program.save()
    assert open_people_page(client, coordinator, program)["Location"] == MFA_SETUP


@pytest.mark.django_db
def test_every_page_of_the_program_is_held_back_not_only_leader_pages(
    client, settings, director, program
):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    client.force_login(director)
    response = client.get(reverse("home:home", args=[program.slug]))
    assert response["Location"] == MFA_SETUP


@pytest.mark.django_db
def test_a_leader_with_an_authenticator_app_goes_in(client, settings, director, program):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    give_app(director)
    assert open_people_page(client, director, program).status_code == 200


@pytest.mark.django_db
def test_recovery_codes_alone_are_not_a_second_factor(client, settings, director, program):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    Authenticator.objects.create(
        user=director, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert open_people_page(client, director, program).status_code == 302


@pytest.mark.django_db
def test_learners_and_guides_are_not_asked(client, settings, program, resident, faculty):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    for user in (resident, faculty):
        client.force_login(user)
        assert client.get(reverse("home:home", args=[program.slug])).status_code == 200


@pytest.mark.django_db
def test_leaders_of_another_program_that_does_not_ask_are_not_asked(
    client, program, other_program, outsider
):
    program.leaders_need_second_factor = True
    program.save()
    client.force_login(outsider)  # directs the other program
    assert client.get(reverse("home:home", args=[other_program.slug])).status_code == 200


@pytest.mark.django_db
def test_an_outsider_still_gets_a_404_not_a_setup_page(client, settings, program, outsider):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    client.force_login(outsider)
    assert client.get(reverse("programs:people", args=[program.slug])).status_code == 404


@pytest.mark.django_db
def test_an_htmx_request_is_sent_to_the_setup_page_too(client, settings, director, program):
    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    client.force_login(director)
    response = client.get(reverse("programs:people", args=[program.slug]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == MFA_SETUP
