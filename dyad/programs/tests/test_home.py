import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import make_relationship


def home_url(program):
    return reverse("programs:home", args=[program.slug])


@pytest.mark.django_db
def test_coordinator_sees_program_overview(client, program, coordinator, resident, faculty):
    client.force_login(coordinator)
    response = client.get(home_url(program))
    assert response.status_code == 200
    assert "Program at a glance" in response.text
    assert response.context["overview"]["residents"] == 1
    assert response.context["overview"]["guides_published"] == 1


@pytest.mark.django_db
def test_resident_sees_learner_home_without_leader_figures(client, program, resident):
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.status_code == 200
    assert "Your mentoring" in response.text
    assert "Program at a glance" not in response.text
    assert "overview" not in response.context


@pytest.mark.django_db
def test_faculty_sees_guide_home(client, program, faculty):
    client.force_login(faculty)
    response = client.get(home_url(program))
    assert "As a guide" in response.text
    assert "Program at a glance" not in response.text


@pytest.mark.django_db
def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(home_url(program)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, program):
    response = client.get(home_url(program))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_index_redirects_a_one_program_member_to_its_home(client, program, resident):
    client.force_login(resident)
    response = client.get(reverse("programs:index"))
    assert response.status_code == 302
    assert response["Location"] == home_url(program)


@pytest.mark.django_db
def test_index_lists_programs_of_a_member_of_several(client, program, other_program, resident):
    MembershipFactory(program=other_program, user=resident, role=Role.FELLOW)
    client.force_login(resident)
    response = client.get(reverse("programs:index"))
    assert response.status_code == 200
    assert list(response.context["programs"]) == [program, other_program]


@pytest.mark.django_db
def test_leader_home_query_count_does_not_grow(
    client, program, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(home_url(program)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(15):
        m = MembershipFactory(program=program, role=Role.FACULTY)
        GuideProfileFactory(user=m.user)
        learner = MembershipFactory(program=program, role=Role.RESIDENT, pgy=2).user
        make_relationship(program=program, learner=learner, guide=m.user)
    assert count() == small
    with django_assert_max_num_queries(18):
        client.get(home_url(program))


@pytest.mark.django_db
def test_learner_home_query_count_does_not_grow_with_their_guides(client, program, resident):
    client.force_login(resident)
    make_relationship(program=program, learner=resident)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(home_url(program)).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(3):
        make_relationship(program=program, learner=resident, kind=GuidanceKind.COACHING)
        make_relationship(program=program, learner=resident, kind=GuidanceKind.ADVISING)
    assert count() == one
