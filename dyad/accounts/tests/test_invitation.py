import re

import pytest
from django.core import mail

from dyad.accounts.models import User
from dyad.accounts.services import user_invite

NEW_PASSWORD = "a-long-pass-phrase-7"


def invite(program):
    user = User.objects.create_user("new.resident@example.org", first_name="Ana")
    user_invite(user=user, program=program)
    [message] = mail.outbox
    url = re.search(r"https?://\S+", message.body).group(0)
    return user, message, url


@pytest.mark.django_db
def test_invitation_mail_names_the_program_and_holds_a_link(program):
    user, message, url = invite(program)
    assert message.to == ["new.resident@example.org"]
    assert program.name in message.subject
    assert "/accounts/invitation/" in url
    user.refresh_from_db()
    assert user.invited_at is not None
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_invitation_link_sets_the_password_and_logs_in(client, program):
    user, _, url = invite(program)
    path = url.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a password" in form_page.text
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_invitation_link_works_only_once(client, program):
    _, _, url = invite(program)
    path = url.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.logout()
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.text
