"""Login throttling (django-axes, counted in the database): one e-mail from one address,
and one address across many e-mails."""

import pytest

from dyad.accounts.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def attempt(client, email, password="wrong-password", ip="203.0.113.7"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.DYAD_LOGIN_ADDRESS_FAILURE_LIMIT = 5
    return settings


@pytest.mark.django_db
def test_one_email_is_locked_after_repeated_failures_from_one_address(client, resident, limits):
    for _ in range(3):
        attempt(client, resident.email)
    response = attempt(client, resident.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_same_email_from_another_address_still_logs_in(client, resident, limits):
    for _ in range(3):
        attempt(client, resident.email)
    response = attempt(client, resident.email, TEST_PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302
    assert response.wsgi_request.user == resident


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_do_not_lock(client, resident, limits):
    for _ in range(2):
        attempt(client, resident.email)
    assert attempt(client, resident.email, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_password_tried_on_many_accounts_locks_the_address(client, resident, limits):
    """Each e-mail fails once only, far below the per-e-mail limit, but the address has
    failed five times: it is locked out, even for a right password."""
    for n in range(5):
        attempt(client, f"someone{n}@example.org", "Summer2026!")
    response = attempt(client, resident.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_locked_address_does_not_lock_other_addresses(client, resident, limits):
    for n in range(5):
        attempt(client, f"someone{n}@example.org", "Summer2026!")
    response = attempt(client, resident.email, TEST_PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_address_lock_ends_after_the_cool_off(client, resident, limits, time_machine):
    time_machine.move_to("2026-09-01 09:00", tick=False)
    for n in range(5):
        attempt(client, f"someone{n}@example.org", "Summer2026!")
    assert attempt(client, resident.email, TEST_PASSWORD).status_code == 429
    time_machine.move_to("2026-09-01 09:16", tick=False)
    assert attempt(client, resident.email, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_counts_are_kept_in_the_database(client, resident, limits):
    from axes.models import AccessAttempt

    attempt(client, "someone@example.org")
    attempt(client, resident.email.upper())
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        "someone@example.org",
        resident.email,
    }


@pytest.mark.django_db
def test_a_successful_login_clears_that_emails_failures(client, limits):
    user = UserFactory()
    for _ in range(2):
        attempt(client, user.email)
    assert attempt(client, user.email, TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        attempt(client, user.email)
    assert attempt(client, user.email, TEST_PASSWORD).status_code == 302


def test_the_email_is_read_from_allauths_credentials_or_the_posted_form(rf):
    from allauth.account.app_settings import LoginMethod

    from dyad.accounts.throttle import username_of

    request = rf.post("/accounts/login/", {"login": " Posted@Example.org "})
    assert username_of(request, {LoginMethod.EMAIL: "Given@Example.org"}) == "given@example.org"
    assert username_of(request) == "posted@example.org"
    admin = rf.post("/admin/login/", {"username": "Staff@Example.org"})
    assert username_of(admin, {"username": "Staff@Example.org"}) == "staff@example.org"
    assert username_of(rf.post("/accounts/login/", {})) is None
