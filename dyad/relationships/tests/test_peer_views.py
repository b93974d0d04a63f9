"""The peer-pairing page: leaders preview, then publish; nobody else gets in."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.profiles.factories import LearnerProfileFactory
from dyad.relationships import peer
from dyad.relationships.factories import make_learner, make_relationship
from dyad.relationships.models import Relationship
from dyad.relationships.tests.test_peer_pairing import PEER, interns, volunteer


def url(program):
    return reverse("relationships:peer_pairing", args=[program.slug])


def publish_url(program):
    return reverse("relationships:peer_pairing_publish", args=[program.slug])


def previewed(client, program):
    return client.get(url(program)).context["proposal"].keys


@pytest.mark.django_db
def test_leader_sees_the_proposal_with_reasons_and_who_cannot_be_paired(
    client, program, coordinator
):
    volunteer(program, "Ames", places=1, outside_interests="Running")
    first, _second = interns(program, 2)
    LearnerProfileFactory(user=first, interests="Running", career_goals="")
    client.force_login(coordinator)
    response = client.get(url(program))
    assert response.status_code == 200
    text = response.text
    assert "Proposed pairs" in text
    assert "Ida Intern00" in text and "Sam Ames" in text
    assert "Shared: running" in text
    assert "Interns who cannot be paired" in text
    assert "Every volunteer who could take them is full." in text
    assert 'name="pair"' in text
    assert not Relationship.objects.filter(kind=PEER).exists()  # a preview stores nothing


@pytest.mark.django_db
def test_empty_states_say_what_to_do(client, program, director):
    client.force_login(director)
    assert "Every intern has a peer mentor." in client.get(url(program)).text
    make_learner(program)
    assert "No senior resident volunteers as peer mentor yet." in client.get(url(program)).text


@pytest.mark.django_db
def test_publish_creates_the_pairs_and_says_so(client, program, director):
    volunteer(program, "Ames", places=2)
    volunteer(program, "Bell", places=2)
    interns(program, 3)
    client.force_login(director)
    response = client.post(publish_url(program), {"pair": previewed(client, program)}, follow=True)
    assert response.redirect_chain == [(url(program), 302)]
    assert "3 interns now have a peer mentor." in response.text
    assert Relationship.objects.filter(kind=PEER, program=program).count() == 3
    assert "Every intern has a peer mentor." in response.text


@pytest.mark.django_db
def test_stale_preview_asks_to_preview_again(client, program, director):
    ames = volunteer(program, "Ames", places=3)
    first, _ = interns(program, 2)
    client.force_login(director)
    keys = previewed(client, program)
    make_relationship(program=program, learner=first, guide=ames, kind=PEER)
    response = client.post(publish_url(program), {"pair": keys}, follow=True)
    assert "The pairing changed since your preview" in response.text
    assert "Check the new preview below and publish again." in response.text
    assert Relationship.objects.filter(kind=PEER).count() == 1
    # The new preview is on the page, ready to publish.
    assert response.context["proposal"].keys != sorted(keys)


@pytest.mark.django_db
def test_permission_trio(client, program, coordinator, resident, faculty, outsider):
    volunteer(program, "Ames")
    interns(program, 1)
    client.force_login(coordinator)
    assert client.get(url(program)).status_code == 200
    for user in (resident, faculty):
        client.force_login(user)
        assert client.get(url(program)).status_code == 403
        assert client.post(publish_url(program)).status_code == 403
    client.force_login(outsider)
    assert client.get(url(program)).status_code == 404
    assert client.post(publish_url(program)).status_code == 404
    assert not Relationship.objects.filter(kind=PEER).exists()


@pytest.mark.django_db
def test_publish_needs_post(client, program, director):
    client.force_login(director)
    assert client.get(publish_url(program)).status_code == 405


@pytest.mark.django_db
def test_leaders_home_links_to_the_pairing(client, program, director):
    client.force_login(director)
    home = client.get(reverse("home:home", args=[program.slug])).text
    assert url(program) in home


@pytest.mark.django_db
def test_preview_query_count_does_not_grow_with_the_program(
    computed_pages, client, program, director
):
    client.force_login(director)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(program)).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        volunteer(program, f"V{i}", places=2)
    interns(program, 3, prefix="A")
    small = count()
    for i in range(2, 8):
        volunteer(program, f"V{i}", places=2)
    interns(program, 12, prefix="B")
    assert count() == small == 8


def test_stale_preview_is_a_relationship_error():
    """Views catch the service's refusals as ValidationError, stale previews included."""
    assert issubclass(peer.StalePreview, ValidationError)
