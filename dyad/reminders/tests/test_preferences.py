"""Each user chooses the optional reminders they receive; essential ones always go."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dyad.reminders import services
from dyad.reminders.models import Kind, ReminderLog, ReminderPreference
from dyad.reminders.selectors import enabled_kinds
from dyad.reminders.tests.helpers import at, meeting, pair, run, sent

URL = reverse("reminders:preferences")
NOW = at(2025, 10, 15, 10, 0)


@pytest.fixture
def rel(program):
    return pair(program)


def turn_off(user, *kinds):
    on = set(Kind.optional()) - set(kinds)
    services.reminder_preferences_update(user=user, enabled=on, acting_user=user)


# --- the page ------------------------------------------------------------------------------


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(URL, {"enabled": []}).status_code == 302
    assert not ReminderPreference.objects.exists()


def test_every_optional_reminder_is_on_by_default(client, resident):
    client.force_login(resident)
    response = client.get(URL)
    assert response.status_code == 200
    assert set(response.context["form"].initial["enabled"]) == set(Kind.optional())
    for kind in Kind.optional():
        assert f'value="{kind.value}"' in response.text
    # Essential reminders are listed as always sent, not offered as a choice.
    assert 'value="overdue"' not in response.text
    assert Kind.OVERDUE.label in response.text


def test_saving_choices_redirects_with_a_message(client, resident):
    client.force_login(resident)
    response = client.post(URL, {"enabled": ["upcoming", "log_meeting"]})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert enabled_kinds(resident) == {Kind.UPCOMING, Kind.LOG_MEETING}
    page = client.get(URL)
    assert "Your reminder choices are saved." in page.text
    assert set(page.context["form"].initial["enabled"]) == {"upcoming", "log_meeting"}


def test_unticking_everything_turns_every_optional_reminder_off(client, resident):
    client.force_login(resident)
    assert client.post(URL, {}).status_code == 302
    assert enabled_kinds(resident) == set()


def test_essential_reminders_cannot_be_turned_off(client, resident):
    client.force_login(resident)
    response = client.post(URL, {"enabled": ["upcoming", "overdue"]})
    assert response.status_code == 200
    assert response.context["form"].errors["enabled"]
    assert not ReminderPreference.objects.exists()


def test_a_user_edits_only_their_own_choices(client, resident, faculty):
    client.force_login(resident)
    client.post(URL, {"enabled": [], "user": faculty.pk, "user_id": faculty.pk})
    assert enabled_kinds(resident) == set()
    assert enabled_kinds(faculty) == set(Kind.optional())
    assert not ReminderPreference.objects.filter(user=faculty).exists()


def test_the_service_refuses_to_change_someone_elses_choices(resident, director):
    with pytest.raises(PermissionDenied):
        services.reminder_preferences_update(user=resident, enabled=[], acting_user=director)
    assert not ReminderPreference.objects.exists()


# --- the command respects them ----------------------------------------------------------


def test_an_optional_reminder_turned_off_is_not_sent(rel):
    turn_off(rel.learner, Kind.UPCOMING)
    meeting(rel, NOW + timedelta(hours=5))
    mails = run(NOW)
    assert not sent(mails, "Reminder:", rel.learner)
    assert sent(mails, "Reminder:", rel.guide)
    assert sent(mails, "Prepare", rel.learner)  # another kind, still on


def test_turned_back_on_it_comes_while_still_due(rel):
    turn_off(rel.learner, Kind.UPCOMING)
    meeting(rel, NOW + timedelta(hours=5))
    run(NOW)
    assert not ReminderLog.objects.filter(recipient=rel.learner, kind=Kind.UPCOMING).exists()
    turn_off(rel.learner)
    assert len(sent(run(NOW + timedelta(minutes=15)), "Reminder:", rel.learner)) == 1


@pytest.mark.parametrize(
    ("kind", "moment", "subject"),
    [
        (Kind.DUE_SOON, at(2025, 12, 2), "Time to schedule"),
        (Kind.LOG_MEETING, NOW, "How did it go?"),
        (Kind.PREPARATION, NOW, "Prepare"),
    ],
)
def test_each_optional_kind_can_be_turned_off(rel, kind, moment, subject):
    meeting(rel, NOW - timedelta(hours=3))
    meeting(rel, NOW + timedelta(hours=30))
    assert sent(run(moment), subject, rel.learner)
    ReminderLog.objects.all().delete()
    turn_off(rel.learner, kind)
    assert not sent(run(moment), subject, rel.learner)


def test_essential_reminders_are_always_sent(rel, coordinator):
    turn_off(rel.learner, *Kind.optional())
    turn_off(coordinator, *Kind.optional())
    mails = run(at(2025, 12, 31))
    assert sent(mails, "Overdue:", rel.learner)
    assert sent(mails, "Overdue for 15 days", coordinator)


def test_inactive_accounts_get_nothing(rel, coordinator):
    for user in (rel.learner, coordinator):
        user.is_active = False
        user.save()
    meeting(rel, NOW + timedelta(hours=5))
    assert [m.to for m in run(NOW)] == [[rel.guide.email]]
    assert not run(at(2025, 12, 31))
    assert not ReminderLog.objects.filter(recipient__in=[rel.learner, coordinator]).exists()
