"""Query budgets of the leaders' relationship pages: the same number of queries for a
program of a few people as for one of many (issue 9)."""

import pytest
from django.urls import reverse

from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import (
    make_active_relationship,
    make_guide,
    make_learner,
    make_relationship,
)

MENTORING, COACHING = GuidanceKind.MENTORING, GuidanceKind.COACHING


def _fill(program, director, n):
    """n learners, each with a mentor (every other one full) and some awaiting agreement."""
    for i in range(n):
        guide = make_guide(program, f"G{i}", offers={MENTORING: 1, COACHING: 2})
        learner = make_learner(program, f"L{i}")
        if i % 2:
            make_active_relationship(program=program, learner=learner, guide=guide)
        else:
            make_relationship(program=program, learner=learner, guide=guide, acting_user=director)


@pytest.mark.parametrize("people", [1, 8])
def test_the_overview_reads_the_same_number_of_queries_whatever_the_program(
    computed_pages, client, program, director, coordinator, django_assert_num_queries, people
):
    _fill(program, director, people)
    client.force_login(coordinator)
    url = reverse("relationships:overview", args=[program.slug])
    client.get(url)  # the session and caches of a first visit
    with django_assert_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "Guides at capacity" in page.text


@pytest.mark.parametrize(
    ("url_name", "budget"),
    [("relationships:assign", 6), ("relationships:evaluative_roles", 6)],
)
@pytest.mark.parametrize("people", [1, 8])
def test_forms_listing_the_programs_people_read_them_in_one_query_a_list(
    computed_pages,
    client,
    program,
    director,
    coordinator,
    django_assert_num_queries,
    url_name,
    budget,
    people,
):
    _fill(program, director, people)
    client.force_login(coordinator)
    url = reverse(url_name, args=[program.slug])
    client.get(url)
    with django_assert_num_queries(budget):
        page = client.get(url)
    assert page.status_code == 200
    assert "G0 Guide (" in page.text and "L0 Learner (" in page.text


@pytest.mark.parametrize("people", [1, 8])
def test_the_safety_contacts_page_reads_its_candidates_in_one_query(
    computed_pages, client, program, director, django_assert_num_queries, people
):
    _fill(program, director, people)
    client.force_login(director)
    url = reverse("relationships:safety_contacts", args=[program.slug])
    client.get(url)
    with django_assert_num_queries(7):
        page = client.get(url)
    assert page.status_code == 200
