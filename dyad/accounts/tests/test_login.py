import pytest
from django.urls import reverse

from dyad.accounts.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_login_with_email_in_any_case(client, resident):
    response = client.post(LOGIN, {"username": "RESIDENT@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == resident


@pytest.mark.django_db
def test_wrong_password_says_so_and_does_not_log_in(client, resident):
    response = client.post(LOGIN, {"username": resident.email, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.text.lower()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client, resident, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": resident.email, "password": "nope"})
    response = client.post(LOGIN, {"username": resident.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_logout_needs_post(client, resident):
    client.force_login(resident)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_emails_are_unique_whatever_their_case(db):
    from django.db import IntegrityError

    UserFactory(email="a.person@example.org")
    with pytest.raises(IntegrityError):
        UserFactory(email="A.Person@example.org")
