import pytest
from django.urls import reverse

from dyad.accounts.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def log_in(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


@pytest.mark.django_db
def test_login_with_email_in_any_case(client, resident):
    response = log_in(client, "RESIDENT@Example.org")
    assert response.status_code == 302
    assert response.wsgi_request.user == resident


@pytest.mark.django_db
def test_login_lands_on_the_programs_page(client, resident):
    response = log_in(client, resident.email)
    assert response["Location"] == reverse("programs:index")


@pytest.mark.django_db
def test_login_goes_on_to_the_page_asked_for(client, resident):
    response = client.post(
        LOGIN, {"login": resident.email, "password": TEST_PASSWORD, "next": "/calendar/"}
    )
    assert response["Location"] == "/calendar/"


@pytest.mark.django_db
def test_wrong_password_says_so_and_does_not_log_in(client, resident):
    response = log_in(client, resident.email, "nope")
    assert response.status_code == 200
    assert "not correct" in response.text
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = log_in(client, user.email)
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_invited_user_without_a_password_cannot_log_in(client):
    from dyad.accounts.models import User

    user = User.objects.create_user("invited@example.org")
    response = log_in(client, user.email, "")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_post(client, resident):
    client.force_login(resident)
    client.get(reverse("accounts:logout"))
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_dyad_login_name_and_allauth_name_are_the_same_page():
    assert reverse("accounts:login") == reverse("account_login") == LOGIN


@pytest.mark.django_db
def test_there_is_no_public_sign_up(client):
    assert client.get("/accounts/signup/").status_code == 404
    assert "/accounts/signup/" not in client.get(LOGIN).text


@pytest.mark.django_db
def test_the_email_address_cannot_be_changed_by_its_user(client, resident):
    client.force_login(resident)
    assert client.get("/accounts/email/").status_code == 404


def test_emails_are_unique_whatever_their_case(db):
    from django.db import IntegrityError

    UserFactory(email="a.person@example.org")
    with pytest.raises(IntegrityError):
        UserFactory(email="A.Person@example.org")
