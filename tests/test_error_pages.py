"""The 404, 403 and 500 pages, as production shows them (DEBUG off): they say what happened
and where to go, in the site's look."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.views import defaults

import dyad.urls


def fails(request):
    raise RuntimeError("the database went away")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *dyad.urls.urlpatterns,
    path("boom/", fails),
    path("forbidden/", forbidden),
]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
def test_404_says_what_happened_and_offers_the_programs(client, production, resident):
    client.force_login(resident)
    response = client.get("/p/no-such-program/")
    assert response.status_code == 404
    text = response.text
    assert "This page does not exist, or it is not yours to see" in text
    assert f'href="{reverse("programs:index")}"' in text
    assert 'class="topbar"' in text  # the site's own page, not the server's
    assert resident.email in text  # in the site's frame, logged in


@pytest.mark.django_db
def test_404_for_a_visitor_offers_to_log_in(client, production):
    text = client.get("/nowhere/").text
    assert f'href="{reverse("accounts:login")}?next=/nowhere/"' in text


@pytest.mark.django_db
def test_403_says_the_role_does_not_allow_it(client, production, program, resident):
    client.force_login(resident)
    response = client.get(reverse("programs:roster_upload", args=[program.slug]))
    assert response.status_code == 403
    assert "Your role does not allow this" in response.text
    assert "program coordinator" in response.text
    assert client.get("/forbidden/").status_code == 403


@pytest.mark.django_db
def test_500_is_the_site_page(production):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "the database went away" not in response.text  # nothing of the error leaks


def test_500_renders_without_database_or_context_processors():
    """No django_db mark: any query here fails the test."""
    response = defaults.server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert 'class="brand-mark"' in text
    assert 'href="/"' in text
