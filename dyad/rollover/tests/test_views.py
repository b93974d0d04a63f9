import pytest
from django.urls import reverse

from dyad.programs.models import Membership
from dyad.rollover.models import Rollover


def page(year):
    return reverse("rollover:index", args=[year.program.slug])


def key_of(response):
    return response.context["form"]["submission_key"].value()


@pytest.mark.django_db
def test_a_leader_sees_the_preview(client, year, coordinator):
    client.force_login(coordinator)
    response = client.get(page(year))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Roll over into 2026–27" in html
    assert "PGY-1 → PGY-2" in html and "Res Graduate" in html
    assert "PGY-1 learners without a peer mentor: Res Newintern" in html
    assert reverse("programs:roster_upload", args=[year.program.slug]) in html
    assert Membership.objects.get(user=year.senior).pgy == 2


@pytest.mark.django_db
def test_a_learner_may_not_and_an_outsider_does_not_see_it(client, year, outsider):
    client.force_login(year.senior)
    assert client.get(page(year)).status_code == 403
    client.force_login(outsider)
    assert client.get(page(year)).status_code == 404


@pytest.mark.django_db
def test_rolling_over_leads_to_the_numbers_before_and_after(client, year, coordinator):
    client.force_login(coordinator)
    key = key_of(client.get(page(year)))
    response = client.post(page(year), {"year": "2026", "submission_key": key})
    assert response.status_code == 302
    assert response["Location"] == reverse("rollover:result", args=[year.program.slug, 2026])
    result = client.get(response["Location"])
    html = result.content.decode()
    assert "Rolled over into 2026–27" in html
    assert result.context["rows"][0] == ("Learners at PGY-1", 2, 1)
    assert "Res Senior" in html  # still to re-acknowledge
    assert Rollover.objects.get(program=year.program, year=2026).started_by == coordinator


@pytest.mark.django_db
def test_a_refused_year_is_shown_on_the_form(client, year, coordinator):
    client.force_login(coordinator)
    key = key_of(client.get(page(year)))
    response = client.post(page(year), {"year": "2028", "submission_key": key})
    assert response.status_code == 200
    assert "roll it into 2026–27 first" in response.content.decode()
    assert not Rollover.objects.filter(year=2026).exists()


@pytest.mark.django_db
def test_once_rolled_over_the_page_shows_the_next_year_and_who_has_to_re_acknowledge(
    client, year, coordinator
):
    client.force_login(coordinator)
    key = key_of(client.get(page(year)))
    client.post(page(year), {"year": "2026", "submission_key": key})
    html = client.get(page(year)).content.decode()
    assert "Preview: into 2027–28" in html
    assert "can run from" in html and "2027" in html
    assert "Not yet re-acknowledged for 2026–27" in html and "Res Senior" in html


@pytest.mark.django_db
def test_the_preview_page_does_not_grow_with_the_program(
    client, year, coordinator, django_assert_num_queries
):
    from dyad.rollover.tests.conftest import THIS_YEAR, resident

    for i in range(8):
        resident(year.program, f"Grad{i}", 3)
        resident(year.program, f"Mid{i}", 2, peer_places=2)
        resident(year.program, f"New{i}", 1, start=THIS_YEAR)
    client.force_login(coordinator)
    with django_assert_num_queries(20):  # with the kept page's version
        assert client.get(page(year)).status_code == 200


@pytest.mark.django_db
def test_an_unknown_year_is_not_found(client, year, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("rollover:result", args=[year.program.slug, 2001])).status_code == 404


@pytest.mark.django_db
def test_a_continuing_pair_is_asked_to_re_acknowledge_for_the_new_year(client, year):
    from dyad.rollover.services import program_rollover

    program_rollover(program=year.program, year=2026, acting_user=year.director)
    client.force_login(year.senior)
    html = client.get(year.continuing.get_absolute_url()).content.decode()
    assert "Re-acknowledge for 2026–27" in html
