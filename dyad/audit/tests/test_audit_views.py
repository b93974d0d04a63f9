"""The program's audit log page (SPEC M11): directors read it; nobody else in the program."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.audit.actions import AuditAction
from dyad.audit.models import AuditEntry
from dyad.audit.services import audit_log
from dyad.relationships.models import SafetyContact

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def url(program, **params):
    base = reverse("relationships:audit", args=[program.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def record(program, action, actor=None, *, at=None, **data):
    entry = audit_log(action=action, actor=actor, program=program, data=data)
    if at:
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def actions(response):
    return [e.action for e in response.context["page"].object_list]


def test_director_reads_the_programs_entries_newest_first_with_actor_and_time(
    client, program, other_program, director, coordinator
):
    record(program, "relationship.created", coordinator, at=NOW - timedelta(days=2))
    record(program, "consent.read", director, at=NOW, category="goals")
    record(program, "agreement.revised", coordinator, at=NOW - timedelta(days=1))
    record(other_program, "relationship.ended", at=NOW)
    client.force_login(director)
    response = client.get(url(program))
    assert response.status_code == 200
    assert actions(response) == ["consent.read", "agreement.revised", "relationship.created"]
    assert str(coordinator) in response.text
    assert "Sep 15, 2025 10:00" in response.text
    assert '<code class="small muted">relationship.ended</code>' not in response.text


def test_an_entry_without_actor_reads_as_a_scheduled_job(client, program, director):
    record(program, "guide_request.expired")
    client.force_login(director)
    assert "Dyad (scheduled job)" in client.get(url(program)).text


def test_filter_by_family_of_actions(client, program, director):
    for action in ("relationship.created", "relationship.ended", "consent.changed"):
        record(program, action, director)
    # An entry of an older code that merely starts with the same letters.
    AuditEntry.objects.create(program=program, actor=director, action="relationshipish.other")
    client.force_login(director)
    response = client.get(url(program, action="relationship"))
    assert sorted(actions(response)) == ["relationship.created", "relationship.ended"]
    assert response.context["chosen"] == "relationship"


def test_an_unknown_filter_shows_everything(client, program, director):
    record(program, "relationship.created", director)
    record(program, "consent.changed", director)
    client.force_login(director)
    response = client.get(url(program, action="drop table"))
    assert len(actions(response)) == 2
    assert response.context["chosen"] == ""


def test_pages_of_fifty(client, program, director):
    for i in range(51):
        record(program, "relationship.created", director, at=NOW - timedelta(minutes=i), n=i)
    client.force_login(director)
    first = client.get(url(program))
    assert len(first.context["page"].object_list) == 50
    second = client.get(url(program, page=2))
    assert [e.data["n"] for e in second.context["page"].object_list] == [50]


def test_queries_do_not_grow_with_the_entries(client, program, director, coordinator):
    record(program, "relationship.created", coordinator)
    client.force_login(director)
    with CaptureQueriesContext(connection) as few:
        client.get(url(program))
    for i in range(60):
        record(program, "agreement.revised", coordinator if i % 2 else director)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(program))
    assert len(response.context["page"].object_list) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_query_budget(client, program, director, coordinator, django_assert_max_num_queries):
    for _ in range(60):
        record(program, "relationship.created", coordinator)
    client.force_login(director)
    with django_assert_max_num_queries(12):
        client.get(url(program, action="relationship"))


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "resident"])
def test_members_who_are_not_directors_get_403(client, program, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(program)).status_code == 403


def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(url(program)).status_code == 404


def test_anonymous_is_sent_to_login(client, program):
    response = client.get(url(program))
    assert reverse("accounts:login") in response["Location"]


def test_concern_entries_are_shown_to_a_director_who_receives_concerns(client, program, director):
    record(program, "concern.raised", director)
    client.force_login(director)  # no contact designated: the directors receive concerns
    response = client.get(url(program, action="concern"))
    assert actions(response) == ["concern.raised"]
    assert "Safety concerns" in response.text


def test_concern_entries_are_hidden_from_a_director_who_is_not_a_contact(
    client, program, director, coordinator
):
    SafetyContact.objects.create(program=program, user=coordinator)
    record(program, "concern.raised", director)
    record(program, "relationship.created", director)
    client.force_login(director)
    response = client.get(url(program, action="concern"))
    assert actions(response) == ["relationship.created"]
    assert "Safety concerns" not in response.text


def test_filter_by_one_action_from_the_list(client, program, director):
    for action in ("relationship.created", "relationship.ended", "consent.changed"):
        record(program, action, director)
    client.force_login(director)

    response = client.get(url(program, action="relationship.ended"))

    assert actions(response) == ["relationship.ended"]
    assert '<option value="relationship.ended" selected>Relationship ended</option>' in (
        response.text
    )
    assert "Relationship ended" in response.text  # the entry's readable label


def test_the_filter_offers_every_action_of_the_list(client, program, director):
    client.force_login(director)  # no contact designated: the directors receive concerns
    response = client.get(url(program))
    offered = {code for _, _, actions in response.context["groups"] for code, _ in actions}
    assert offered == set(AuditAction.values)
    for action in AuditAction:
        assert f'<option value="{action.value}">{action.label}</option>' in response.text


def test_a_director_who_is_not_a_contact_is_not_offered_the_concern_actions(
    client, program, director, coordinator
):
    SafetyContact.objects.create(program=program, user=coordinator)
    client.force_login(director)
    response = client.get(url(program, action="concern.raised"))
    assert "concern.raised" not in response.text
    assert response.context["chosen"] == ""


def test_an_action_outside_the_list_is_refused():
    with pytest.raises(ValueError, match="not a valid AuditAction"):
        audit_log(action="relationship.teleported", actor=None)
