"""Leaders are people too: a director who mentors a resident is, for that relationship,
the other party, and a chief resident who is a safety contact may be the one a concern is
about. The privacy table still holds for them."""

import pytest
from django.urls import reverse

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import services
from dyad.relationships.factories import make_guide, make_learner, make_relationship
from dyad.relationships.models import SafetyContact

REASON = "The director never has time for me."


@pytest.fixture
def director_as_mentor(program):
    director = MembershipFactory(program=program, role=Role.DIRECTOR).user
    GuideProfileFactory(user=director, offers={GuidanceKind.MENTORING: 2})
    return director


@pytest.fixture
def other_director(program):
    return MembershipFactory(program=program, role=Role.DIRECTOR).user


@pytest.mark.django_db
def test_a_director_who_mentors_never_sees_the_learners_rematch_request(
    client,
    program,
    director_as_mentor,
    other_director,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    learner = make_learner(program)
    rel = make_relationship(
        program=program, learner=learner, guide=director_as_mentor, acting_user=other_director
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.rematch_request_create(relationship=rel, acting_user=learner, reason=REASON)

    client.force_login(director_as_mentor)
    for url in (
        rel.get_absolute_url(),
        reverse("relationships:rematch_requests", args=[program.slug]),
        reverse("relationships:overview", args=[program.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert REASON not in response.text, url
    assert director_as_mentor.email not in [m.to[0] for m in mailoutbox]

    client.force_login(other_director)
    page = client.get(reverse("relationships:rematch_requests", args=[program.slug]))
    assert REASON in page.text
    assert other_director.email in [m.to[0] for m in mailoutbox]


@pytest.mark.django_db
def test_a_safety_contact_never_reads_a_concern_about_themself(
    client, program, mailoutbox, django_capture_on_commit_callbacks
):
    chief = make_learner(program, role=Role.CHIEF_RESIDENT)
    other_contact = MembershipFactory(program=program, role=Role.DIRECTOR).user
    for user in (chief, other_contact):
        SafetyContact.objects.create(program=program, user=user)
    guide = make_guide(program)
    rel = make_relationship(program=program, learner=chief, guide=guide)
    with django_capture_on_commit_callbacks(execute=True):
        services.safety_concern_raise(
            relationship=rel, acting_user=guide, description="Worried about the chief."
        )

    assert [m.to[0] for m in mailoutbox if "concern" in m.subject] == [other_contact.email]
    client.force_login(chief)
    page = client.get(reverse("relationships:concerns", args=[program.slug]))
    assert "Worried about the chief" not in page.text
    client.force_login(other_contact)
    page = client.get(reverse("relationships:concerns", args=[program.slug]))
    assert "Worried about the chief" in page.text


@pytest.mark.django_db
def test_a_director_who_mentors_finds_no_trace_of_the_request_in_the_audit_log(
    client, program, director_as_mentor, other_director
):
    learner = make_learner(program)
    rel = make_relationship(
        program=program, learner=learner, guide=director_as_mentor, acting_user=other_director
    )
    services.rematch_request_create(relationship=rel, acting_user=learner, reason=REASON)
    audit = reverse("relationships:audit", args=[program.slug])

    entry = '<code class="small muted">rematch.requested</code>'
    client.force_login(director_as_mentor)
    assert entry not in client.get(audit).text
    client.force_login(other_director)
    assert entry in client.get(audit).text
