"""Invitations of new people: queued with the roster, sent once each by send_invitations,
sent again on a leader's request."""

import re
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dyad.accounts.factories import UserFactory
from dyad.accounts.models import User
from dyad.audit.models import AuditEntry
from dyad.programs import invitations, services
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Invitation, Role

HEADER = "Last Name,First Name,Email,Role,PGY"
State = Invitation.State


def roster_of(n, prefix="p"):
    return [f"Last{i},First{i},{prefix}{i}@h.org,Resident,1" for i in range(n)]


def apply_roster(program, lines, *, user=None):
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
    roster_import = services.roster_import_create(
        program=program,
        uploaded_file=SimpleUploadedFile("roster.csv", data),
        acting_user=user,
    )
    return services.roster_import_apply(
        roster_import=roster_import, skip_errors=False, acting_user=user
    )


def send(**options):
    out = StringIO()
    call_command("send_invitations", stdout=out, stderr=out, **options)
    return out.getvalue()


def recipients():
    return Counter(m.to[0] for m in mail.outbox)


@pytest.mark.django_db
def test_applying_a_roster_queues_the_invitations_and_sends_nothing(
    program, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        apply_roster(program, roster_of(3), user=coordinator)
    assert callbacks == []
    assert mail.outbox == []
    queued = Invitation.objects.filter(program=program)
    assert sorted(queued.values_list("user__email", "state", "attempts", "invited_by")) == [
        (f"p{i}@h.org", State.QUEUED, 0, coordinator.pk) for i in range(3)
    ]


@pytest.mark.django_db
def test_the_command_sends_each_invitation_once_with_a_set_password_link(program, settings):
    settings.SITE_URL = "https://dyad.example.org"
    apply_roster(program, roster_of(3))
    assert "3 invitations sent" in send()
    assert recipients() == {"p0@h.org": 1, "p1@h.org": 1, "p2@h.org": 1}
    message = next(m for m in mail.outbox if m.to == ["p0@h.org"])
    assert program.name in message.subject
    uidb64, token = re.search(
        r"https://dyad\.example\.org/accounts/invitation/([^/]+)/([^/]+)/", message.body
    ).groups()
    person = User.objects.get(email="p0@h.org")
    assert default_token_generator.check_token(person, token)
    assert person.invited_at is not None
    assert set(Invitation.objects.values_list("state", "attempts")) == {(State.SENT, 1)}

    assert "0 invitations sent" in send()
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_crash_after_some_sends_then_a_rerun_sends_each_exactly_once(program, monkeypatch):
    apply_roster(program, roster_of(5))
    real_mark_sent = invitations.invitation_mark_sent
    marked = []

    def dies_after_the_third_send(invitation):
        if len(marked) == 2:
            raise SystemExit("killed")  # the process dies after the e-mail left
        marked.append(invitation.pk)
        real_mark_sent(invitation)

    monkeypatch.setattr(invitations, "invitation_mark_sent", dies_after_the_third_send)
    with pytest.raises(SystemExit):
        send()
    assert len(mail.outbox) == 3
    assert Invitation.objects.filter(state=State.SENDING).count() == 1

    monkeypatch.setattr(invitations, "invitation_mark_sent", real_mark_sent)
    send()
    send()
    assert recipients() == {f"p{i}@h.org": 1 for i in range(5)}
    assert Invitation.objects.filter(state=State.SENT).count() == 4
    # The one interrupted stays unconfirmed: leaders may send it again once it is stale.
    (unconfirmed,) = Invitation.objects.filter(state=State.SENDING)
    assert not invitations.to_resend(program).exists()
    later = timezone.now() + invitations.STALE_CLAIM * 2
    assert list(invitations.to_resend(program, now=later)) == [unconfirmed]


class RefusingBackend(EmailBackend):
    """Refuses one address, as a mail server refuses a recipient."""

    refuse = "p1@h.org"

    def send_messages(self, messages):
        if any(self.refuse in m.to for m in messages):
            raise ConnectionError("550 mailbox unavailable")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_refused_send_stops_the_run_keeps_it_queued_then_fails_it(program, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    apply_roster(program, roster_of(3))
    for attempt in range(1, invitations.MAX_ATTEMPTS + 1):
        with pytest.raises(CommandError, match="refused an invitation"):
            send()
        refused = Invitation.objects.get(user__email="p1@h.org")
        assert refused.attempts == attempt
        assert "550 mailbox unavailable" in refused.last_error
    assert refused.state == State.FAILED
    send()
    assert recipients() == {"p0@h.org": 1, "p2@h.org": 1}
    assert invitations.invitation_counts(program).failed == 1


def _send_slowly(monkeypatch):
    """Make each send take a little while, so that two runs overlap for certain."""
    real_send = EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(0.005)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent runs need concurrent transactions: PostgreSQL only "
    "(set DATABASE_URL=postgres://… to run this test)",
)
def test_two_runs_at_once_send_each_invitation_exactly_once(program, monkeypatch):
    apply_roster(program, roster_of(120))
    _send_slowly(monkeypatch)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            counts.append(invitations.invitations_send())
        except Exception as error:  # judged below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(counts) == 120
    assert all(counts), f"one run sent everything: {counts}"
    assert recipients() == {f"p{i}@h.org": 1 for i in range(120)}
    assert Invitation.objects.filter(state=State.SENT).count() == 120


# --- the roster page ------------------------------------------------------------------------


def never_invited_member(program, email):
    """Someone added before invitations were queued, whose e-mail never left."""
    user = User.objects.create_user(email)
    MembershipFactory(program=program, user=user, role=Role.RESIDENT)
    return user


@pytest.fixture
def mixed(program):
    """Invitations in every state, and one person never invited."""
    apply_roster(program, roster_of(4))
    states = {"p0@h.org": State.SENT, "p1@h.org": State.FAILED, "p2@h.org": State.QUEUED}
    for email, state in states.items():
        Invitation.objects.filter(user__email=email).update(state=state)
    Invitation.objects.filter(user__email="p3@h.org").update(
        state=State.SENDING, claimed_at=timezone.now() - invitations.STALE_CLAIM * 2
    )
    return never_invited_member(program, "lost@h.org")


def upload_page(client, program):
    return client.get(reverse("programs:roster_upload", args=[program.slug]))


@pytest.mark.django_db
def test_the_roster_page_counts_the_invitations_waiting_sent_and_failed(
    client, program, coordinator, mixed
):
    client.force_login(coordinator)
    response = upload_page(client, program)
    counts = response.context["invitation_counts"]
    assert (counts.waiting, counts.sent, counts.failed) == (1, 1, 1)
    assert (counts.unconfirmed, counts.never_invited) == (1, 1)
    text = response.text
    assert "waiting to be sent" in text
    assert "never invited" in text
    assert "Send all 3 again" in text
    for email in ("p1@h.org", "p3@h.org", "lost@h.org"):
        assert email in text
    assert "p0@h.org" not in text


@pytest.mark.django_db
def test_a_leader_sends_one_failed_or_never_sent_invitation_again(
    client, program, coordinator, mixed
):
    client.force_login(coordinator)
    for person in (User.objects.get(email="p1@h.org"), mixed):
        url = reverse("programs:invitation_resend", args=[program.slug, person.uuid])
        response = client.post(url)
        assert response.status_code == 302
        invitation = Invitation.objects.get(program=program, user=person)
        assert (invitation.state, invitation.attempts) == (State.QUEUED, 0)
    entries = AuditEntry.objects.filter(action="roster.invitation_requeued")
    assert sorted(e.data["email"] for e in entries) == ["lost@h.org", "p1@h.org"]
    send()
    assert recipients() == {"p1@h.org": 1, "lost@h.org": 1, "p2@h.org": 1}


@pytest.mark.django_db
def test_an_invitation_sent_or_waiting_is_not_queued_again(client, program, coordinator, mixed):
    client.force_login(coordinator)
    for email, says in (("p0@h.org", "was sent"), ("p2@h.org", "is waiting to be sent")):
        person = User.objects.get(email=email)
        response = client.post(
            reverse("programs:invitation_resend", args=[program.slug, person.uuid]), follow=True
        )
        assert says in [str(m) for m in response.context["messages"]][0]
    refused = client.post(
        reverse("programs:invitation_resend", args=[program.slug, coordinator.uuid]),
        follow=True,
    )
    assert "already chosen a password" in [str(m) for m in refused.context["messages"]][0]
    assert not AuditEntry.objects.filter(action="roster.invitation_requeued").exists()


@pytest.mark.django_db
def test_a_person_of_another_program_is_404(client, program, coordinator, other_program):
    client.force_login(coordinator)
    elsewhere = never_invited_member(other_program, "elsewhere@h.org")
    url = reverse("programs:invitation_resend", args=[program.slug, elsewhere.uuid])
    assert client.post(url).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_leader_sends_all_failed_and_never_sent_invitations_again(
    client, program, coordinator, mixed
):
    client.force_login(coordinator)
    url = reverse("programs:invitations_resend_all", args=[program.slug])
    response = client.post(url, follow=True)
    assert "3 invitations are queued" in [str(m) for m in response.context["messages"]][0]
    (entry,) = AuditEntry.objects.filter(action="roster.invitations_requeued")
    assert entry.data == {"requeued": 2, "never_invited": 1}
    send()
    assert recipients() == {"p1@h.org": 1, "p2@h.org": 1, "p3@h.org": 1, "lost@h.org": 1}

    again = client.post(url, follow=True)
    assert "Every invitation has been sent" in [str(m) for m in again.context["messages"]][0]


@pytest.mark.django_db
def test_people_with_a_password_are_never_counted_as_never_invited(program):
    MembershipFactory(program=program, user=UserFactory(email="set@h.org"))
    never_invited_member(program, "lost@h.org")
    assert list(invitations.never_invited(program).values_list("email", flat=True)) == [
        "lost@h.org"
    ]


@pytest.mark.django_db
def test_the_admin_lists_the_queue_but_cannot_change_it(client, program):
    apply_roster(program, roster_of(2))
    admin = User.objects.create_superuser("admin@h.org", "a-long-password")
    client.force_login(admin)
    response = client.get(reverse("admin:programs_invitation_changelist"))
    assert response.status_code == 200
    assert "First0 Last0" in response.text
    invitation = Invitation.objects.first()
    change = reverse("admin:programs_invitation_change", args=[invitation.pk])
    client.post(change, {"state": State.SENT})
    invitation.refresh_from_db()
    assert invitation.state == State.QUEUED
