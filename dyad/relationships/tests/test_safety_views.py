"""Safety and wellbeing concerns (SPEC M11): raised by the guide, read only by the program's
designated contacts; nobody else learns what they say, or that they exist."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from dyad.audit.models import AuditEntry
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships import services
from dyad.relationships.factories import (
    SafetyContactFactory,
    make_active_relationship,
    make_guide,
)
from dyad.relationships.models import EndReason, SafetyConcern, SafetyContact

pytestmark = pytest.mark.django_db

SECRET = "Said she has not slept for days and sees no way out."


@pytest.fixture
def relationship(program, faculty, resident, director):
    return make_active_relationship(
        program=program, learner=resident, guide=faculty, acting_user=director
    )


@pytest.fixture
def other_guide(program):
    return make_guide(program, "Ola", "Other")


def raise_url(relationship):
    return reverse(
        "relationships:concern_raise", args=[relationship.program.slug, relationship.uuid]
    )


def concerns_url(program):
    return reverse("relationships:concerns", args=[program.slug])


def contacts_url(program):
    return reverse("relationships:safety_contacts", args=[program.slug])


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def raise_concern(relationship, text=SECRET, urgency="routine"):
    return services.safety_concern_raise(
        relationship=relationship, acting_user=relationship.guide, description=text, urgency=urgency
    )


# --- raising -----------------------------------------------------------------------------


def test_guide_sees_the_form(client, relationship, faculty):
    client.force_login(faculty)
    response = client.get(raise_url(relationship))
    assert response.status_code == 200
    assert "Send to the designated contacts" in response.text


def test_guide_raises_a_concern_and_sees_a_confirmation(
    client, relationship, faculty, django_capture_on_commit_callbacks
):
    client.force_login(faculty)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            raise_url(relationship), {"urgency": "urgent", "description": SECRET}
        )
    assert response["Location"] == relationship.get_absolute_url()
    concern = SafetyConcern.objects.get()
    assert (concern.raised_by, concern.urgency, concern.description) == (faculty, "urgent", SECRET)
    assert "gone to the program's designated contacts" in flashes(response)[0]
    assert AuditEntry.objects.filter(action="concern.raised").exists()


def test_the_email_to_contacts_does_not_contain_the_description(
    client,
    program,
    relationship,
    faculty,
    director,
    coordinator,
    django_capture_on_commit_callbacks,
):
    contact = MembershipFactory(program=program, role=Role.FACULTY, user__email="c@h.org").user
    SafetyContactFactory(program=program, user=contact)
    client.force_login(faculty)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(raise_url(relationship), {"urgency": "urgent", "description": SECRET})
    assert [m.to for m in mail.outbox] == [["c@h.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("URGENT: ")
    assert SECRET not in message.body and SECRET not in message.subject
    assert concerns_url(program) in message.body


def test_without_designated_contacts_the_directors_are_told(
    client, relationship, faculty, director, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(faculty)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(raise_url(relationship), {"urgency": "routine", "description": SECRET})
    assert [m.to for m in mail.outbox] == [[director.email]]


def test_a_concern_needs_a_description(client, relationship, faculty):
    client.force_login(faculty)
    response = client.post(raise_url(relationship), {"urgency": "routine", "description": " "})
    assert response.status_code == 200
    assert "Describe the concern" in response.text
    assert not SafetyConcern.objects.exists()


def test_guide_sees_when_they_raised_concerns_before(client, relationship, faculty):
    raise_concern(relationship)
    client.force_login(faculty)
    response = client.get(raise_url(relationship))
    assert "Concerns you raised about" in response.text
    assert SECRET not in response.text  # the contacts read it; the form does not echo it


@pytest.mark.parametrize("persona", ["resident", "coordinator", "director"])
def test_the_learner_and_leaders_may_not_raise_a_concern(client, relationship, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(raise_url(relationship)).status_code == 403
    assert client.post(raise_url(relationship), {"description": "x"}).status_code == 403
    assert not SafetyConcern.objects.exists()


def test_a_concern_about_an_ended_relationship_is_refused(client, relationship, faculty, director):
    services.relationship_end(
        relationship=relationship, acting_user=director, reason=EndReason.COMPLETED
    )
    client.force_login(faculty)
    assert client.get(raise_url(relationship)).status_code == 403


def test_another_guide_of_the_program_gets_404(client, relationship, other_guide):
    client.force_login(other_guide)
    assert client.get(raise_url(relationship)).status_code == 404


def test_outsider_gets_404_on_the_form(client, relationship, outsider):
    client.force_login(outsider)
    assert client.get(raise_url(relationship)).status_code == 404


def test_anonymous_is_sent_to_login_from_the_form(client, relationship):
    assert reverse("accounts:login") in client.get(raise_url(relationship))["Location"]


# --- reading -----------------------------------------------------------------------------


def test_without_designated_contacts_the_director_reads_concerns(client, relationship, director):
    raise_concern(relationship, urgency="urgent")
    client.force_login(director)
    response = client.get(concerns_url(relationship.program))
    assert response.status_code == 200
    assert SECRET in response.text
    assert str(relationship.learner) in response.text
    assert str(relationship.guide) in response.text
    assert "Urgent" in response.text


def test_a_designated_faculty_contact_reads_concerns(client, program, relationship):
    contact = MembershipFactory(program=program, role=Role.FACULTY).user
    SafetyContactFactory(program=program, user=contact)
    raise_concern(relationship)
    client.force_login(contact)
    assert SECRET in client.get(concerns_url(program)).text


def test_a_director_who_is_not_the_designated_contact_gets_403(
    client, program, relationship, director, coordinator
):
    SafetyContactFactory(program=program, user=coordinator)
    raise_concern(relationship)
    client.force_login(director)
    assert client.get(concerns_url(program)).status_code == 403
    client.force_login(coordinator)
    assert SECRET in client.get(concerns_url(program)).text


@pytest.mark.parametrize("persona", ["resident", "coordinator", "faculty", "other_guide"])
def test_everyone_else_in_the_program_gets_403(client, program, relationship, request, persona):
    raise_concern(relationship)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(concerns_url(program)).status_code == 403


def test_outsider_gets_404_on_concerns(client, program, outsider):
    client.force_login(outsider)
    assert client.get(concerns_url(program)).status_code == 404


def test_anonymous_is_sent_to_login_from_concerns(client, program):
    assert reverse("accounts:login") in client.get(concerns_url(program))["Location"]


def test_concerns_of_another_program_are_not_shown(client, program, other_program, director):
    surgeon = make_guide(other_program, "Sam", "Surgeon")
    other = make_active_relationship(program=other_program, guide=surgeon)
    raise_concern(other, text="Concern in surgery.")
    client.force_login(director)
    assert "Concern in surgery." not in client.get(concerns_url(program)).text


def _pages_of(user, relationship):
    program = relationship.program
    pages = [
        reverse("home:home", args=[program.slug]),
        reverse("relationships:mine", args=[program.slug]),
        reverse("relationships:requests", args=[program.slug]),
        relationship.get_absolute_url(),
    ]
    if user.memberships.filter(role__in=Role.leaders()).exists():
        pages += [
            reverse("relationships:overview", args=[program.slug]),
            reverse("relationships:rematch_requests", args=[program.slug]),
        ]
    return pages


@pytest.mark.parametrize("persona", ["resident", "coordinator", "other_guide"])
def test_nothing_of_a_concern_reaches_the_learner_a_leader_or_another_guide(
    client, relationship, request, persona
):
    raise_concern(relationship)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in _pages_of(user, relationship):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert SECRET not in response.text, url
        assert "wellbeing concern was raised" not in response.text, url
        assert "Concerns you raised" not in response.text, url


def test_a_director_who_is_not_a_contact_does_not_see_concerns_in_the_audit_log(
    client, program, relationship, director, coordinator
):
    SafetyContactFactory(program=program, user=coordinator)
    raise_concern(relationship)
    client.force_login(director)
    response = client.get(reverse("relationships:audit", args=[program.slug]))
    assert "concern.raised" not in response.text


# --- designating contacts ------------------------------------------------------------------


def test_director_sees_who_receives_concerns(client, program, director):
    client.force_login(director)
    response = client.get(contacts_url(program))
    assert response.status_code == 200
    assert "No contact is designated, so the program's directors receive them." in response.text
    assert list(response.context["receiving"]) == [director]


def test_contacts_are_chosen_among_leaders_and_faculty(
    client, program, director, coordinator, faculty, resident
):
    client.force_login(director)
    choices = set(client.get(contacts_url(program)).context["form"].fields["contacts"].queryset)
    assert choices == {director, coordinator, faculty}


def test_director_designates_contacts_and_it_is_audited(
    client, program, director, coordinator, faculty
):
    client.force_login(director)
    response = client.post(contacts_url(program), {"contacts": [coordinator.pk, faculty.pk]})
    assert response["Location"] == contacts_url(program)
    assert set(SafetyContact.objects.values_list("user", flat=True)) == {coordinator.pk, faculty.pk}
    added = AuditEntry.objects.filter(action="safety_contact.added")
    assert sorted(e.data["user"] for e in added) == sorted([coordinator.email, faculty.email])


def test_director_removes_every_contact(client, program, director, coordinator):
    SafetyContactFactory(program=program, user=coordinator)
    client.force_login(director)
    response = client.post(contacts_url(program), {})
    assert response.status_code == 302
    assert not SafetyContact.objects.exists()
    assert AuditEntry.objects.filter(action="safety_contact.removed").count() == 1


def test_a_resident_cannot_be_designated(client, program, director, resident):
    client.force_login(director)
    response = client.post(contacts_url(program), {"contacts": [resident.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["contacts"]
    assert not SafetyContact.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "resident"])
def test_only_directors_designate_contacts(client, program, director, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(contacts_url(program)).status_code == 403
    assert client.post(contacts_url(program), {"contacts": [user.pk]}).status_code == 403
    assert not SafetyContact.objects.exists()


def test_outsider_gets_404_on_contacts(client, program, outsider):
    client.force_login(outsider)
    assert client.get(contacts_url(program)).status_code == 404


def test_anonymous_is_sent_to_login_from_contacts(client, program):
    assert reverse("accounts:login") in client.get(contacts_url(program))["Location"]
