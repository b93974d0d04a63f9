"""A round's pages stay small as the round grows: long lists come a page at a time, and
the pool's names are sent once at most, never once per row or per position."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.matching import views
from dyad.matching.factories import mark, rank, run
from dyad.matching.forms import RankForm
from dyad.matching.models import GuideMark, LearnerRank
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_guide, make_learner

pytestmark = pytest.mark.django_db


def url(name, match_round, **kwargs):
    return reverse(
        name, kwargs={"slug": match_round.program.slug, "round_uuid": match_round.uuid, **kwargs}
    )


def pool(program, match_round, count):
    guides = [
        make_guide(program, f"P{i:03}", "Pool", offers={GuidanceKind.MENTORING: 1})
        for i in range(count)
    ]
    match_round.guides.add(*guides)
    return guides


def cohort(program, match_round, count):
    learners = [make_learner(program, f"L{i:03}", "Many") for i in range(count)]
    match_round.learners.add(*learners)
    return learners


def test_a_large_pool_is_not_rendered_once_per_unmatched_learner(
    client, program, match_round, people
):
    pool(program, match_round, views.PIN_SELECT_MAX + 2)
    cohort(program, match_round, 6)
    result = run(match_round)  # nobody ranked, no fill step: every learner is unmatched
    client.force_login(people.director)
    preview = url("matching:run_preview", match_round, number=result.number)
    text = client.get(preview).content.decode()
    unmatched = result.unmatched.count()
    assert unmatched == 9
    assert "<option" not in text
    assert text.count("Choose a guide") == unmatched
    learner = result.unmatched.first().learner
    chosen = client.get(f"{preview}?pin={learner.uuid}").content.decode()
    # The pool once, in the select of the learner the leader chose.
    assert chosen.count("<option") == match_round.guides.count()
    assert f'id="pin-{learner.uuid}"' in chosen
    assert chosen.count("Choose a guide") == unmatched - 1


def test_a_small_pool_keeps_a_select_in_every_unmatched_row(client, match_round, people):
    result = run(match_round)
    client.force_login(people.director)
    text = client.get(url("matching:run_preview", match_round, number=result.number)).content
    assert text.decode().count('<select name="guide"') == result.unmatched.count() == 3


def test_the_preview_shows_a_page_of_pairs_and_of_the_guides_load(
    client, program, match_round, people
):
    guides = pool(program, match_round, views.PAGE_SIZE + 6)
    learners = cohort(program, match_round, views.PAGE_SIZE + 6)
    for learner, guide in zip(learners, guides, strict=True):
        rank(match_round, learner, guide)
    result = run(match_round)
    assert result.pairs.count() == views.PAGE_SIZE + 6
    client.force_login(people.director)
    preview = url("matching:run_preview", match_round, number=result.number)
    first = client.get(preview)
    assert len(first.context["pairs_page"].object_list) == views.PAGE_SIZE
    assert len(first.context["load_page"].object_list) == views.PAGE_SIZE
    assert first.content.decode().count("<tr") < 2 * views.PAGE_SIZE + 30
    second = client.get(f"{preview}?page=2")
    shown = {p.learner for p in first.context["pairs_page"]} | {
        p.learner for p in second.context["pairs_page"]
    }
    assert shown == set(learners)
    assert "page=2#pairs" in first.content.decode()


def test_the_round_page_lists_learners_and_guides_a_page_at_a_time(
    client, program, match_round, people
):
    cohort(program, match_round, views.PAGE_SIZE + 1)
    client.force_login(people.director)
    response = client.get(match_round.get_absolute_url())
    assert len(response.context["learners_page"].object_list) == views.PAGE_SIZE
    assert response.context["learners"][-1] not in response.context["learners_page"]
    everyone = len(response.context["learners"])
    assert f"0 / {everyone}</span>" in response.content.decode()  # counts are of the whole round
    later = client.get(match_round.get_absolute_url() + "?learners_page=2")
    assert response.context["learners"][-1] in later.context["learners_page"]


def test_a_large_pool_is_suggested_once_and_a_list_is_saved_by_name(
    client, program, match_round, people
):
    pool(program, match_round, RankForm.SELECT_MAX)
    client.force_login(people.ann)
    page = client.get(url("matching:rank", match_round))
    text = page.content.decode()
    # One shared list of names, not one select of the pool per position.
    assert text.count("<option") == match_round.guides.count()
    assert text.count('list="pool-names"') == match_round.max_ranks
    form = page.context["form"]
    hal = next(name for name in form.suggestions if name.startswith("Hal Hart"))
    response = client.post(
        url("matching:rank", match_round), {"rank_1": hal, "rank_2": str(people.gia.uuid)}
    )
    assert response.status_code == 302
    assert list(
        LearnerRank.objects.filter(learner=people.ann).order_by("rank").values_list("guide")
    ) == [(people.hal.pk,), (people.gia.pk,)]
    again = client.get(url("matching:rank", match_round)).context["form"]
    assert again.initial["rank_1"] == hal
    refused = client.post(url("matching:rank", match_round), {"rank_1": "Nobody Known"})
    assert "type a name from the list" in refused.content.decode()
    assert len(page.context["page"].object_list) == views.POOL_PAGE_SIZE


def test_marks_are_saved_a_page_at_a_time_and_keep_the_other_pages(
    client, program, match_round, people
):
    learners = cohort(program, match_round, views.PAGE_SIZE)
    mark(match_round, people.gia, {people.ann: ("prefer", 1)})
    client.force_login(people.gia)
    marks = url("matching:marks", match_round)
    second = client.get(f"{marks}?page=2")
    rows = second.context["rows"]
    assert len(rows) == 3  # Ann, Ben and Cal before the fifty, by last name
    last = learners[-1]
    assert last in [row["user"] for row in rows]
    response = client.post(f"{marks}?page=2", {f"mark_{last.uuid.hex}": "avoid"})
    assert response["Location"] == f"{marks}?page=2"
    saved = {m.learner: (m.mark, m.rank) for m in GuideMark.objects.filter(guide=people.gia)}
    assert saved == {people.ann: ("prefer", 1), last: ("avoid", None)}


def test_the_rounds_list_counts_learners_guides_and_runs_without_multiplying_them(
    client, match_round, people
):
    rank(match_round, people.ann, people.gia)
    run(match_round)
    run(match_round)
    client.force_login(people.director)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("matching:rounds", args=[match_round.program.slug]))
    [listed] = response.context["rounds"]
    assert (listed.n_learners, listed.n_guides, listed.n_runs) == (3, 3, 2)
    [query] = [q["sql"] for q in ctx.captured_queries if "n_learners" in q["sql"]]
    assert "JOIN" not in query  # counted by subqueries, one per count


@pytest.mark.parametrize("value", [None, "", 3, "12", '"><b>'])
def test_the_marks_rank_input_writes_what_djangos_number_input_writes(value):
    from django import forms

    from dyad.matching.forms import NumberInput

    attrs = {"id": "id_rank_x", "min": 1, "max": 999, "required": False}
    assert NumberInput().render("rank_x", value, attrs) == forms.NumberInput().render(
        "rank_x", value, attrs
    )


@pytest.mark.parametrize("name", ["matching:rank", "matching:marks"])
def test_the_ranking_and_marks_pages_cost_the_same_queries_at_two_sizes(
    computed_pages, client, program, match_round, people, django_assert_num_queries, name
):
    computed, cached = QUERIES[name]
    mark(match_round, people.gia, {people.ann: ("prefer", 1)})
    rank(match_round, people.ann, people.gia)
    client.force_login(people.ann if name == "matching:rank" else people.gia)
    with django_assert_num_queries(computed):
        assert client.get(url(name, match_round)).status_code == 200
    pool(program, match_round, 40)
    cohort(program, match_round, views.PAGE_SIZE + 10)
    with django_assert_num_queries(computed):
        assert client.get(url(name, match_round)).status_code == 200
    with django_assert_num_queries(cached):
        assert client.get(url(name, match_round) + "?page=2").status_code == 200


# Session, user, program, role, round and the person's place in it (6), then the page's
# own: for the ranking page, the pool's guides are computed (version and three queries),
# then read from the cache while nothing they are read from changes.
QUERIES = {"matching:rank": (16, 13), "matching:marks": (10, 10)}


def test_the_marks_page_reads_only_the_learners_of_its_page(client, program, match_round, people):
    cohort(program, match_round, views.PAGE_SIZE + 10)
    client.force_login(people.gia)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url("matching:marks", match_round))
    [query] = [
        q["sql"]
        for q in ctx.captured_queries
        if '"matching_matchround_learners"' in q["sql"] and "COUNT" not in q["sql"]
    ]
    assert f"LIMIT {views.PAGE_SIZE}" in query
