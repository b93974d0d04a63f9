import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea
from dyad.profiles.tests.helpers import make_guide


def url(program, profile):
    return reverse("profiles:guide_detail", args=[program.slug, profile.uuid])


@pytest.fixture
def guide(program):
    research = ContentArea.objects.get(program=None, slug="research")
    simulation = ContentArea.objects.create(program=program, name="Simulation", slug="sim")
    return make_guide(
        program,
        "Maya",
        "Okafor",
        title="Associate Professor",
        department="Pediatrics",
        division="Pulmonology",
        bio="I study asthma in schools.",
        skills="Grant writing",
        career_path="Community pediatrics, then research.",
        clinical_interests="Severe asthma",
        outside_interests="Marathons",
        languages=["English", "Igbo"],
        meeting_modes=["in_person", "phone"],
        offers={"mentoring": 3, "coaching": 1, "advising": 0},
        accepting_new=False,
        fte_effort=15,
        areas=[research, simulation],
    )


@pytest.mark.django_db
def test_member_sees_the_whole_profile(client, program, resident, guide):
    client.force_login(resident)
    response = client.get(url(program, guide))
    assert response.status_code == 200
    text = response.text
    for expected in [
        "Maya Okafor",
        "Associate Professor",
        "Pediatrics · Pulmonology",
        "I study asthma in schools.",
        "Grant writing",
        "Community pediatrics, then research.",
        "Severe asthma",
        "Marathons",
        "English, Igbo",
        "In person, Phone",
        "Research",
        "Simulation",
        "Not accepting new learners",
    ]:
        assert expected in text, expected
    # Not accepting: the offers are listed without places left, which would say otherwise.
    assert "<strong>Mentoring</strong></li>" in text
    assert "<strong>Coaching</strong></li>" in text
    assert "place left" not in text
    assert "Advising" not in text


@pytest.mark.django_db
def test_open_offers_show_their_places_left(client, program, resident, guide):
    guide.accepting_new = True
    guide.save()
    client.force_login(resident)
    text = client.get(url(program, guide)).text
    assert "Accepting new learners" in text
    assert 'Mentoring</strong> <span class="muted">· 3 of 3 places left' in text
    assert 'Coaching</strong> <span class="muted">· 1 of 1 place left' in text


@pytest.mark.django_db
def test_fte_effort_is_for_leaders_and_the_guide_only(
    client, program, resident, coordinator, guide
):
    client.force_login(resident)
    assert "FTE effort" not in client.get(url(program, guide)).text
    client.force_login(coordinator)
    assert "FTE effort" in client.get(url(program, guide)).text
    client.force_login(guide.user)
    response = client.get(url(program, guide))
    assert "FTE effort" in response.text
    assert "Edit your profile" in response.text


@pytest.mark.django_db
def test_others_get_no_edit_link(client, program, coordinator, guide):
    client.force_login(coordinator)
    assert "Edit your profile" not in client.get(url(program, guide)).text


@pytest.mark.django_db
def test_guide_of_another_program_is_404(client, program, other_program, resident):
    foreign = make_guide(other_program, last="Elsewhere")
    client.force_login(resident)
    assert client.get(url(program, foreign)).status_code == 404


@pytest.mark.django_db
def test_guide_without_offers_is_not_published(client, program, resident, guide):
    guide.offers.update(capacity=0)
    client.force_login(resident)
    assert client.get(url(program, guide)).status_code == 404


@pytest.mark.django_db
def test_guide_page_query_count_is_fixed(
    client, program, resident, guide, django_assert_max_num_queries
):
    client.force_login(resident)
    with django_assert_max_num_queries(10):
        assert client.get(url(program, guide)).status_code == 200


@pytest.mark.django_db
def test_outsider_gets_404(client, program, outsider, guide):
    client.force_login(outsider)
    assert client.get(url(program, guide)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, program, guide):
    response = client.get(url(program, guide))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
