from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.insight.tests.helpers import held, pairing
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role
from dyad.relationships.factories import director_of, make_guide, make_learner


def insight_url(program, **query):
    url = reverse("insight:program", args=[program.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_leaders_see_every_metric_with_its_chart_and_table(client, busy_program, director, today):
    client.force_login(director)
    response = client.get(insight_url(busy_program))
    assert response.status_code == 200
    text = response.content.decode()
    for key in (
        "guides",
        "cadence",
        "first-meeting",
        "meetings",
        "rematch",
        "goals",
        "ilp",
        "load",
    ):
        assert f'id="metric-{key}"' in text
    assert text.count('role="img"') == 10 and text.count("<table") == 10
    assert "GOAL-TITLE-SECRET" not in text  # counts, never what a goal says
    assert "2025–26" in text


def test_the_year_is_chosen_and_a_wrong_one_falls_back_to_the_current(
    client, busy_program, director, today
):
    client.force_login(director)
    assert "2023–24 (" in client.get(insight_url(busy_program, year=2023)).content.decode()
    for wrong in ("abc", "2999", "1900"):
        text = client.get(insight_url(busy_program, year=wrong)).content.decode()
        assert "academic year 2025–26" in text


def test_a_learner_is_refused_and_an_outsider_does_not_learn_the_program_exists(
    client, busy_program, other_program, today
):
    client.force_login(make_learner(busy_program, "Other", "Learner"))
    assert client.get(insight_url(busy_program)).status_code == 403
    client.force_login(director_of(other_program))
    assert client.get(insight_url(busy_program)).status_code == 404


def test_the_gme_office_sees_programs_of_its_institution_only(
    client, busy_program, gme_admin, today
):
    elsewhere = ProgramFactory(institution="Lakeside Medical Center")
    client.force_login(gme_admin)
    response = client.get(insight_url(busy_program))
    assert response.status_code == 200
    # No member: no program menu, and a way back to the office's page.
    assert reverse("insight:institution") in response.content.decode()
    assert reverse("relationships:mine", args=[busy_program.slug]) not in response.content.decode()
    assert client.get(insight_url(elsewhere)).status_code == 404
    assert client.get(reverse("insight:people_csv", args=[busy_program.slug])).status_code == 404


def test_the_gme_office_page_lists_every_program_with_totals(
    client, busy_program, gme_admin, today
):
    ProgramFactory(name="Surgery Residency", institution=busy_program.institution)
    ProgramFactory(name="Hidden Residency", institution="Lakeside Medical Center")
    client.force_login(gme_admin)
    text = client.get(reverse("insight:institution")).content.decode()
    assert "Pediatrics Residency" in text and "Surgery Residency" in text
    assert "Hidden Residency" not in text
    assert "All programs" in text


def test_the_gme_office_page_is_not_found_for_anyone_else(client, director):
    client.force_login(director)
    assert client.get(reverse("insight:institution")).status_code == 404


def _add_program(institution, n):
    program = ProgramFactory(institution=institution)
    director = MembershipFactory(program=program, role=Role.DIRECTOR).user
    for i in range(n):
        learner = make_learner(program, f"L{i}", "Learner")
        guide = make_guide(program, f"G{i}", "Guide")
        rel = pairing(program, director, learner, guide, date(2025, 9, 1))
        held(rel, date(2025, 10, 1))
    return program


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# Pinned: session, user, program, memberships, the office check, then the figures (eight),
# the surveys' satisfaction (up to three) and the pairing-fit check-ins (one).
PROGRAM_PAGE_QUERIES = 18


def test_the_program_page_does_not_grow_with_the_data(
    client, busy_program, director, today, django_assert_max_num_queries
):
    client.force_login(director)
    with django_assert_max_num_queries(PROGRAM_PAGE_QUERIES):
        client.get(insight_url(busy_program))
    for i in range(4):
        rel = pairing(
            busy_program,
            director,
            make_learner(busy_program),
            make_guide(busy_program),
            date(2025, 8, 1),
        )
        held(rel, date(2025, 9, i + 1))
    with django_assert_max_num_queries(PROGRAM_PAGE_QUERIES):
        client.get(insight_url(busy_program))


def test_the_gme_office_page_costs_the_same_for_one_program_or_five(
    client, busy_program, gme_admin, today
):
    client.force_login(gme_admin)
    url = reverse("insight:institution")
    one = _queries(client, url)
    for n in range(1, 5):
        _add_program(busy_program.institution, n)
    assert _queries(client, url) == one
