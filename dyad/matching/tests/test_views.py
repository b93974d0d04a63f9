"""The pages of a round: who reaches which, what each person sees, and the forms."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.matching import services
from dyad.matching.factories import mark, rank, run
from dyad.matching.models import GuideMark, LearnerRank, MatchRound, PairRule, Rule
from dyad.profiles.factories import LearnerProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_guide, make_learner

pytestmark = pytest.mark.django_db


def url(name, match_round, **kwargs):
    return reverse(
        name, kwargs={"slug": match_round.program.slug, "round_uuid": match_round.uuid, **kwargs}
    )


# --- The permission trio, view by view ----------------------------------------------------

LEADER_GETS = ["matching:round", "matching:run_preview", "matching:run_publish"]


@pytest.fixture
def with_run(match_round, people):
    rank(match_round, people.ann, people.gia)
    return run(match_round)


def _url_for(name, match_round, people):
    kwargs = {}
    if name in ("matching:run_preview", "matching:run_publish"):
        kwargs["number"] = 1
    return url(name, match_round, **kwargs)


@pytest.mark.parametrize("name", LEADER_GETS)
def test_leader_pages_are_for_leaders_only(
    client, name, match_round, people, with_run, coordinator, outsider
):
    target = _url_for(name, match_round, people)
    assert client.get(target).status_code == 302  # anonymous → login
    for user, status in [
        (people.director, 200),
        (coordinator, 200),
        (people.ann, 403),
        (people.gia, 403),
        (outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(target).status_code == status, (name, user)


def test_round_list_and_opening_form_are_for_leaders(client, program, people, outsider):
    for name in ("matching:rounds", "matching:round_open"):
        target = reverse(name, args=[program.slug])
        assert "/accounts/login/" in client.get(target)["Location"]
        client.force_login(people.director)
        assert client.get(target).status_code == 200
        client.force_login(people.ann)
        assert client.get(target).status_code == 403
        client.force_login(outsider)
        assert client.get(target).status_code == 404
        client.logout()


def test_the_ranking_page_is_for_learners_of_the_cohort(client, program, match_round, people):
    target = url("matching:rank", match_round)
    not_in_cohort = make_learner(program, "Pat", "Second", pgy=2)
    match_round.learners.remove(not_in_cohort)
    for user, status in [
        (people.ann, 200),
        (not_in_cohort, 403),
        (people.gia, 403),
        (people.director, 403),
    ]:
        client.force_login(user)
        assert client.get(target).status_code == status, user


def test_the_marks_page_is_for_guides_of_the_pool(client, program, match_round, people):
    target = url("matching:marks", match_round)
    not_in_pool = make_guide(program, "Nia", "Nopool")
    for user, status in [
        (people.gia, 200),
        (not_in_pool, 403),
        (people.ann, 403),
        (people.director, 403),
    ]:
        client.force_login(user)
        assert client.get(target).status_code == status, user


def test_a_round_of_another_program_is_not_found(client, match_round, outsider):
    from dyad.programs.models import Membership

    other = Membership.objects.get(user=outsider).program
    client.force_login(outsider)
    target = reverse("matching:round", args=[other.slug, match_round.uuid])
    assert client.get(target).status_code == 404


def test_changes_are_posts_only(client, match_round, people):
    client.force_login(people.director)
    for name in ("matching:round_close", "matching:round_run", "matching:rule_add"):
        assert client.get(url(name, match_round)).status_code == 405


# --- Opening ------------------------------------------------------------------------------


def test_the_opening_form_lists_the_guides_of_the_kind_with_room_ticked(
    client, program, people, director
):
    full = make_guide(program, "Fay", "Full", offers={GuidanceKind.MENTORING: 1})
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=make_learner(program, pgy=2), guide=full)
    client.force_login(director)
    response = client.get(reverse("matching:round_open", args=[program.slug]) + "?kind=mentoring")
    form = response.context["form"]
    listed = {value for value, _ in form.fields["guides"].choices}
    assert listed == {people.gia.pk, people.hal.pk, people.ivy.pk, full.pk}
    assert set(form.initial["guides"]) == {people.gia.pk, people.hal.pk, people.ivy.pk}
    assert "0 of 1 place left" in response.content.decode()
    advising = client.get(reverse("matching:round_open", args=[program.slug]) + "?kind=advising")
    assert {v for v, _ in advising.context["form"].fields["guides"].choices} == {people.ivy.pk}


def test_a_leader_opens_a_round_with_the_form(client, program, people, director):
    client.force_login(director)
    deadline = timezone.localtime() + timedelta(days=10)
    data = {
        "name": "Interns 2025",
        "kind": "mentoring",
        "learner_roles": ["resident"],
        "pgy_levels": ["1"],
        "guides": [str(people.gia.pk), str(people.hal.pk)],
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "solver": "stable",
        "max_ranks": "2",
        **{f"w_{name}": str(value) for name, value in _weights().items()},
    }
    response = client.post(reverse("matching:round_open", args=[program.slug]), data)
    match_round = MatchRound.objects.get()
    assert response.status_code == 302 and response["Location"] == match_round.get_absolute_url()
    assert set(match_round.guides.all()) == {people.gia, people.hal}
    assert match_round.learners.count() == 3
    assert match_round.max_ranks == 2


def _weights():
    from dyad.matching.engine import default_weights

    return default_weights()


# --- Ranking ------------------------------------------------------------------------------


def test_a_learner_ranks_with_one_select_per_position(client, match_round, people):
    client.force_login(people.ann)
    page = client.get(url("matching:rank", match_round))
    assert list(page.context["form"].fields) == [f"rank_{i}" for i in range(1, 6)]
    response = client.post(
        url("matching:rank", match_round),
        {"rank_1": str(people.hal.uuid), "rank_2": "", "rank_3": str(people.gia.uuid)},
    )
    assert response.status_code == 302
    assert list(LearnerRank.objects.filter(learner=people.ann).values_list("guide", "rank")) == [
        (people.hal.pk, 1),
        (people.gia.pk, 2),
    ]
    page = client.get(url("matching:rank", match_round))
    assert page.context["form"].initial == {
        "rank_1": str(people.hal.uuid),
        "rank_2": str(people.gia.uuid),
    }
    assert "your 1st choice" in page.content.decode()


def test_choosing_a_guide_twice_is_shown_as_an_error(client, match_round, people):
    client.force_login(people.ann)
    response = client.post(
        url("matching:rank", match_round),
        {"rank_1": str(people.hal.uuid), "rank_2": str(people.hal.uuid)},
    )
    assert response.status_code == 200
    assert "You chose this guide already" in response.content.decode()
    assert not LearnerRank.objects.exists()


def test_after_the_deadline_a_list_is_shown_but_refused_with_a_message(client, match_round, people):
    rank(match_round, people.ann, people.gia)
    client.force_login(people.ann)
    with time_machine.travel(match_round.deadline + timedelta(minutes=1), tick=False):
        response = client.post(
            url("matching:rank", match_round), {"rank_1": str(people.hal.uuid)}, follow=True
        )
        text = response.content.decode()
        assert "deadline of this round passed" in text
        assert "Save my list" not in text
        marks_page = client.get(url("matching:marks", match_round))
    assert list(LearnerRank.objects.values_list("guide", flat=True)) == [people.gia.pk]
    assert marks_page.status_code == 403


def test_the_pool_shows_profiles_places_left_and_what_the_pair_shares(client, match_round, people):
    research = ContentArea.objects.get(slug="research")
    LearnerProfileFactory(user=people.ann).content_areas_sought.set([research])
    people.hal.guide_profile.content_areas.set([research])
    client.force_login(people.ann)
    text = client.get(url("matching:rank", match_round)).content.decode()
    assert "In common:</strong> Research" in text
    assert "2 places left" in text  # Hal
    assert "1 place left" in text  # Gia, Ivy


def test_guides_mark_learners_and_change_their_marks(client, match_round, people):
    client.force_login(people.gia)
    response = client.post(
        url("matching:marks", match_round),
        {
            f"mark_{people.ann.uuid.hex}": "prefer",
            f"rank_{people.ann.uuid.hex}": "1",
            f"mark_{people.ben.uuid.hex}": "avoid",
        },
    )
    assert response.status_code == 302
    marks = {m.learner: (m.mark, m.rank) for m in GuideMark.objects.all()}
    assert marks == {people.ann: ("prefer", 1), people.ben: ("avoid", None)}


# --- Privacy ------------------------------------------------------------------------------


def test_before_publication_nobody_sees_a_run_or_anyone_elses_list(client, match_round, people):
    rank(match_round, people.ann, people.gia)
    rank(match_round, people.ben, people.hal)
    mark(match_round, people.gia, {people.ann: ("prefer", None), people.cal: ("avoid", None)})
    run(match_round)
    client.force_login(people.ann)
    text = client.get(url("matching:rank", match_round)).content.decode()
    assert "Your result" not in text
    assert "paired with" not in text
    assert "prefers" not in text and "rather not" not in text  # Gia's marks
    assert text.count("choice</span>") == 1  # only her own first choice is marked
    client.force_login(people.hal)
    text = client.get(url("matching:marks", match_round)).content.decode()
    assert "choice" not in text and "ranked" not in text  # nothing of the learners' lists
    assert "Would rather not</option>" in text  # the choices of his own form, not Gia's marks
    assert "selected>Prefer" not in text


def test_after_publication_a_learner_sees_their_own_result_only(client, match_round, people):
    rank(match_round, people.ann, people.gia)
    rank(match_round, people.ben, people.hal)
    services.run_publish(run=run(match_round), acting_user=people.director)
    client.force_login(people.ann)
    response = client.get(url("matching:rank", match_round))
    text = response.content.decode()
    assert "Your result" in text
    assert "You are paired with <strong>Gia Gold</strong>" in text
    assert "Ben Baker" not in text and "Hal Hart</strong>" not in text
    assert response.context["outcome"]["relationship"].get_absolute_url() in text
    client.force_login(people.cal)
    text = client.get(url("matching:rank", match_round)).content.decode()
    assert "You were not matched in this round (ranked no guide)" in text


def test_my_rankings_lists_only_my_rounds(client, program, match_round, people):
    other = make_learner(program, "Pat", "Second", pgy=2)
    client.force_login(people.ann)
    text = client.get(reverse("matching:my_rounds", args=[program.slug])).content.decode()
    assert match_round.name in text and "Rank your guides" in text
    client.force_login(people.hal)
    text = client.get(reverse("matching:my_rounds", args=[program.slug])).content.decode()
    assert "Mark learners" in text
    client.force_login(other)
    text = client.get(reverse("matching:my_rounds", args=[program.slug])).content.decode()
    assert match_round.name not in text


def test_the_home_page_invites_learners_and_guides_of_open_rounds(
    client, program, match_round, people
):
    client.force_login(people.ann)
    text = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert f"“{match_round.name}” is open" in text
    assert reverse("matching:my_rounds", args=[program.slug]) in text
    client.force_login(people.gia)
    text = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert f"You are in the pool of “{match_round.name}”" in text


# --- Preview, pins and publication --------------------------------------------------------


def test_the_preview_shows_pairs_reasons_unmatched_stats_and_changes(client, match_round, people):
    rank(match_round, people.ann, people.gia, people.hal)
    rank(match_round, people.ben, people.gia)
    mark(match_round, people.gia, {people.ben: ("prefer", None)})
    run(match_round)
    services.pair_rule_add(
        match_round=match_round,
        learner=people.ben,
        guide=people.gia,
        rule=Rule.FORBID,
        acting_user=people.director,
    )
    run(match_round)
    client.force_login(people.director)
    response = client.get(url("matching:run_preview", match_round, number=2))
    text = response.content.decode()
    assert "ranked 1st" in text  # Ann now has Gia
    assert "Ranked no guide" in text  # Cal
    assert "Every ranked guide conflicted" in text  # Ben: his one guide is forbidden
    assert "Gia Gold: forbidden by program leadership" in text
    assert "Learners matched" in text and "1 of 3 (33 %)" in text and "2 of 3 (67 %)" in text
    changes = response.context["view"].changes
    assert [p.learner for p in changes["removed"]] == [people.ben]
    assert [(old.guide, new.guide) for old, new in changes["changed"]] == [(people.hal, people.gia)]


def test_pinning_from_the_preview_comes_back_to_it(client, match_round, people):
    rank(match_round, people.ann, people.gia)
    run(match_round)
    client.force_login(people.director)
    response = client.post(
        url("matching:rule_add", match_round),
        {
            "learner": str(people.cal.uuid),
            "guide": str(people.hal.uuid),
            "rule": "pin",
            "run": "1",
        },
    )
    assert response["Location"] == url("matching:run_preview", match_round, number=1)
    rule = PairRule.objects.get()
    assert (rule.learner, rule.guide, rule.rule) == (people.cal, people.hal, Rule.PIN)
    response = client.post(
        url("matching:rule_delete", match_round, rule_uuid=rule.uuid), {"run": "1"}
    )
    assert response["Location"] == url("matching:run_preview", match_round, number=1)
    assert not PairRule.objects.exists()
    assert AuditEntry.objects.filter(action="match_round.unpinned").exists()


def test_a_refused_pin_is_explained(client, match_round, people):
    run(match_round)
    client.force_login(people.director)
    response = client.post(
        url("matching:rule_add", match_round),
        {"learner": str(people.gia.uuid), "guide": str(people.hal.uuid), "rule": "pin"},
        follow=True,
    )
    assert "Choose a learner and a guide of the round" in response.content.decode()


def test_the_preview_costs_the_same_queries_whatever_the_number_of_pairs(
    client, program, match_round, people
):
    rank(match_round, people.ann, people.gia)
    run(match_round)
    run(match_round)
    client.force_login(people.director)

    def count(number):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("matching:run_preview", match_round, number=number))
            assert response.status_code == 200
        return len(ctx.captured_queries)

    small = count(2)
    for i in range(8):
        learner = make_learner(program, f"L{i}", "More")
        guide = make_guide(program, f"G{i}", "More")
        match_round.learners.add(learner)
        match_round.guides.add(guide)
        rank(match_round, learner, guide)
    run(match_round)
    services.pair_rule_add(
        match_round=match_round,
        learner=people.cal,
        guide=people.hal,
        rule=Rule.PIN,
        acting_user=people.director,
    )
    run(match_round)
    assert match_round.runs.get(number=4).pairs.count() == 10
    assert count(4) == small


def test_publishing_asks_first_then_proposes_and_the_learner_finds_the_pairing(
    client, program, match_round, people
):
    rank(match_round, people.ann, people.gia)
    result = run(match_round)
    client.force_login(people.director)
    confirm = client.get(url("matching:run_publish", match_round, number=1))
    assert "Publish and propose 1 relationship" in confirm.content.decode()
    response = client.post(url("matching:run_publish", match_round, number=1))
    assert response["Location"] == match_round.get_absolute_url()
    match_round.refresh_from_db()
    assert match_round.published_run == result
    client.force_login(people.ann)
    text = client.get(reverse("relationships:mine", args=[program.slug])).content.decode()
    assert "Gia Gold" in text and "Proposed" in text


def test_a_failed_publication_is_explained_on_the_preview(client, program, match_round, people):
    from dyad.relationships.factories import make_relationship

    rank(match_round, people.ann, people.gia)
    run(match_round)
    make_relationship(program=program, learner=make_learner(program, pgy=2), guide=people.gia)
    client.force_login(people.director)
    response = client.post(url("matching:run_publish", match_round, number=1), follow=True)
    text = response.content.decode()
    assert "Gia Gold and Ann Avery cannot be paired" in text
    assert "Nothing was published" in text
    assert response.request["PATH_INFO"] == url("matching:run_preview", match_round, number=1)


def test_a_leader_closes_the_lists_and_runs_from_the_round_page(client, match_round, people):
    rank(match_round, people.ann, people.gia)
    client.force_login(people.director)
    client.post(url("matching:round_close", match_round))
    response = client.post(url("matching:round_run", match_round), {"solver": "stable"})
    assert response["Location"] == url("matching:run_preview", match_round, number=1)
    page = client.get(match_round.get_absolute_url()).content.decode()
    assert "Run 1" in page and "Closed" in page


def test_learners_and_guides_learn_only_the_obstacles_that_are_theirs_to_know(
    client, program, match_round, people
):
    from dyad.relationships.factories import DoNotRepairFactory, EvaluativeRoleFactory

    EvaluativeRoleFactory(program=program, evaluator=people.ivy)
    DoNotRepairFactory(program=program, learner=people.ann, guide=people.hal)
    services.pair_rule_add(
        match_round=match_round,
        learner=people.ann,
        guide=people.gia,
        rule=Rule.FORBID,
        acting_user=people.director,
    )
    client.force_login(people.ann)
    response = client.get(url("matching:rank", match_round))
    rows = {row["user"]: row for row in response.context["rows"]}
    assert rows[people.ivy]["unavailable_text"] == "Evaluates you: cannot be your mentoring guide"
    assert not rows[people.gia]["unavailable"]  # the leaders' forbid stays with them
    assert not rows[people.hal]["unavailable"]  # so does "do not re-pair"
    text = response.content.decode()
    assert "re-pair" not in text and "leadership" not in text.split("guides of this round")[1]
    client.force_login(people.hal)
    rows = client.get(url("matching:marks", match_round)).context["rows"]
    assert not any(row["unavailable"] for row in rows)


def test_the_ranking_page_costs_the_same_queries_whatever_the_size_of_the_pool(
    client, program, match_round, people
):
    research = ContentArea.objects.get(slug="research")
    client.force_login(people.ann)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("matching:rank", match_round)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(6):
        guide = make_guide(program, f"G{i}", "More")
        guide.guide_profile.content_areas.set([research])
        match_round.guides.add(guide)
    assert count() == small


# --- Learners who already have a guide of the kind ------------------------------------------


@pytest.fixture
def zoe(program):
    return make_guide(program, "Zoe", "Zane", offers={GuidanceKind.MENTORING: 3})


def test_the_round_page_shows_who_is_left_out_for_having_a_mentor(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    client.force_login(people.director)
    text = client.get(match_round.get_absolute_url()).content.decode()
    assert "left out: already has a mentor: Zoe Zane" in text


def test_a_leader_includes_guided_learners_and_the_pages_say_so(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    client.force_login(people.director)
    response = client.post(url("matching:round_settings", match_round), {"include_guided": "on"})
    assert response["Location"] == match_round.get_absolute_url()
    match_round.refresh_from_db()
    assert match_round.include_guided
    text = client.get(match_round.get_absolute_url()).content.decode()
    assert "already has a mentor: Zoe Zane" in text and "left out:" not in text


def test_the_preview_warns_of_a_learner_who_would_have_a_second_mentor(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    services.round_settings_change(
        match_round=match_round, include_guided=True, acting_user=people.director
    )
    rank(match_round, people.ann, people.gia)
    run(match_round)
    client.force_login(people.director)
    text = client.get(url("matching:run_preview", match_round, number=1)).content.decode()
    assert "Ann Avery would have a second mentor: Gia Gold, besides Zoe Zane." in text
    confirm = client.get(url("matching:run_publish", match_round, number=1)).content.decode()
    assert "Ann Avery would have a second mentor" in confirm


def test_a_coach_is_not_a_reason_to_warn_of_a_second_mentor(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    coach = make_guide(program, "Cora", "Coach", offers={GuidanceKind.COACHING: 2})
    make_relationship(program=program, learner=people.ann, guide=coach, kind="coaching")
    rank(match_round, people.ann, people.gia)
    run(match_round)
    client.force_login(people.director)
    text = client.get(url("matching:run_preview", match_round, number=1)).content.decode()
    assert "second mentor" not in text


def _grow(program, match_round, size, zoe):
    """`size` more learners (every other one with a mentor already) and guides, all ranked,
    and the round run again with guided learners in."""
    from dyad.relationships.factories import make_relationship

    for i in range(size):
        learner = make_learner(program, f"L{i}", "More")
        guide = make_guide(program, f"G{i}", "More")
        match_round.learners.add(learner)
        match_round.guides.add(guide)
        rank(match_round, learner, guide)
        if i % 2:
            make_relationship(program=program, learner=learner)
    match_round.include_guided = True
    match_round.save(update_fields=["include_guided"])
    return run(match_round, fill=True)


@pytest.mark.parametrize("name", ["matching:round", "matching:run_preview", "matching:run_publish"])
def test_the_round_pages_cost_the_same_queries_at_two_sizes(
    computed_pages, client, program, match_round, people, zoe, django_assert_num_queries, name
):
    def get(number, queries):
        kwargs = {} if name == "matching:round" else {"number": number}
        with django_assert_num_queries(queries):
            assert client.get(url(name, match_round, **kwargs)).status_code == 200

    _grow(program, match_round, 1, zoe)
    small = run(match_round, fill=True)  # a run with one before it, as the large one has
    client.force_login(people.director)
    kwargs = {} if name == "matching:round" else {"number": small.number}
    with CaptureQueriesContext(connection) as ctx:
        client.get(url(name, match_round, **kwargs))
    queries = len(ctx.captured_queries)
    get(small.number, queries)
    large = _grow(program, match_round, 12, zoe)
    assert large.pairs.count() > small.pairs.count() + 10
    get(large.number, queries)


def test_the_opening_form_says_who_is_left_out_or_includes_them_when_ticked(
    client, program, people, director, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    client.force_login(director)
    data = {
        "name": "Interns",
        "kind": "mentoring",
        "learner_roles": ["resident"],
        "guides": [str(people.gia.pk)],
        "deadline": (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "solver": "stable",
        "max_ranks": "2",
        **{f"w_{name}": str(value) for name, value in _weights().items()},
    }
    opened = client.post(reverse("matching:round_open", args=[program.slug]), data, follow=True)
    text = opened.content.decode()
    assert "2 learners can rank" in text
    assert "1 learner who already has a mentor is left out and was not invited" in text
    assert not MatchRound.objects.get().include_guided
    data["name"] = "Everyone"
    client.post(
        reverse("matching:round_open", args=[program.slug]), {**data, "include_guided": "on"}
    )
    assert MatchRound.objects.get(name="Everyone").include_guided


def test_a_learner_left_out_for_having_a_mentor_is_told_on_the_ranking_page(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    client.force_login(people.ann)
    text = client.get(url("matching:rank", match_round)).content.decode()
    assert "You already have a mentor: Zoe Zane. This round pairs learners who have none" in text
    client.force_login(people.ben)
    assert "You already have" not in client.get(url("matching:rank", match_round)).content.decode()


def test_the_home_page_does_not_invite_a_learner_left_out_for_having_a_mentor(
    client, program, match_round, people, zoe
):
    from dyad.relationships.factories import make_relationship

    make_relationship(program=program, learner=people.ann, guide=zoe)
    client.force_login(people.ann)
    home = reverse("home:home", args=[program.slug])
    assert f"“{match_round.name}” is open" not in client.get(home).content.decode()
    services.round_settings_change(
        match_round=match_round, include_guided=True, acting_user=people.director
    )
    assert f"“{match_round.name}” is open" in client.get(home).content.decode()
