"""Password reset by e-mail (allauth): one-time, short-lived links; the same answer
whether the address has an account or not."""

import re

import pytest
from django.core import mail

from dyad.accounts.factories import TEST_PASSWORD, UserFactory
from dyad.accounts.models import User
from dyad.audit.models import AuditEntry

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a-new-long-pass-phrase-9"


def ask_for_a_link(client, email):
    return client.post(RESET, {"email": email}, follow=True)


def link_in(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return url.split("127.0.0.1:8000", 1)[1]


def choose(client, path, password=NEW_PASSWORD):
    """Open the link (allauth moves the token into the session) and set the password."""
    form_page = client.get(path, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": password, "password2": password},
    )


@pytest.mark.django_db
def test_a_known_address_gets_a_link_that_sets_the_password(client):
    user = UserFactory(email="known@example.org")
    ask_for_a_link(client, "Known@Example.org")
    [message] = mail.outbox
    assert message.to == ["known@example.org"]
    assert "works once" in message.body
    response = choose(client, link_in(message))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not response.wsgi_request.user.is_authenticated  # logs in like anyone else


@pytest.mark.django_db
def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(client):
    UserFactory(email="known@example.org")
    known = ask_for_a_link(client, "known@example.org")
    unknown = ask_for_a_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    text = "If that address has a Dyad account"
    assert text in known.text and text in unknown.text
    # Nothing is sent to an address Dyad does not know.
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


@pytest.mark.django_db
def test_the_link_works_only_once(client):
    UserFactory(email="known@example.org")
    ask_for_a_link(client, "known@example.org")
    path = link_in(mail.outbox[0])
    choose(client, path)
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.text
    assert choose(client, path, "yet-another-pass-phrase-3").status_code == 200
    assert User.objects.get().check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_the_link_expires(client, settings, time_machine):
    settings.DYAD_PASSWORD_RESET_SECONDS = 3600
    time_machine.move_to("2026-09-01 09:00", tick=False)
    user = UserFactory(email="known@example.org")
    ask_for_a_link(client, "known@example.org")
    time_machine.move_to("2026-09-01 10:01", tick=False)
    page = client.get(link_in(mail.outbox[0]), follow=True)
    assert "This link no longer works" in page.text
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_the_link_still_works_within_its_time(client, settings, time_machine):
    settings.DYAD_PASSWORD_RESET_SECONDS = 3600
    time_machine.move_to("2026-09-01 09:00", tick=False)
    UserFactory(email="known@example.org")
    ask_for_a_link(client, "known@example.org")
    time_machine.move_to("2026-09-01 09:59", tick=False)
    assert choose(client, link_in(mail.outbox[0])).status_code == 302


@pytest.mark.django_db
def test_an_invitation_token_is_not_a_reset_token(client, program):
    from django.utils.http import int_to_base36

    from dyad.accounts.services import invitation_url

    user = UserFactory(email="known@example.org")
    invitation = invitation_url(user).rsplit("/", 3)
    forged = f"/accounts/password/reset/key/{int_to_base36(user.pk)}-{invitation[-2]}/"
    page = client.get(forged, follow=True)
    assert "This link no longer works" in page.text


@pytest.mark.django_db
def test_someone_invited_who_never_chose_a_password_can_choose_one_this_way(client, program):
    """The invitation mail got lost: the reset link does the invitation's work, and the
    old invitation link stops working once a password is set."""
    from dyad.accounts.services import user_invite

    user = User.objects.create_user("invited@example.org")
    user_invite(user=user, program=program)
    invitation = link_in(mail.outbox[0])
    ask_for_a_link(client, "invited@example.org")
    assert choose(client, link_in(mail.outbox[1])).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "This link no longer works" in client.get(invitation, follow=True).text
    response = client.post("/accounts/login/", {"login": user.email, "password": NEW_PASSWORD})
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_a_deactivated_account_gets_no_link(client):
    UserFactory(email="gone@example.org", is_active=False)
    page = ask_for_a_link(client, "gone@example.org")
    assert "If that address has a Dyad account" in page.text
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reset_is_audited(client):
    user = UserFactory(email="known@example.org")
    ask_for_a_link(client, "known@example.org")
    choose(client, link_in(mail.outbox[0]))
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.actor == user
    assert entry.target_id == str(user.uuid)
    assert entry.program is None


@pytest.mark.django_db
def test_the_login_page_links_to_the_reset(client):
    assert RESET in client.get("/accounts/login/").text
