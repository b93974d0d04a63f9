"""The 360° suppression rule: examples, then properties over random answers and cycles."""

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.lib.suppression import (
    MERGED,
    OVERALL,
    THRESHOLD,
    changes,
    comments,
    parts,
    summarize,
)

# A busy machine must not fail the rule: generation speed is not what is tested here.
FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GROUPS = ("peer", "supervisor", "junior", "staff")


# --- examples ------------------------------------------------------------------------------


def test_groups_of_three_or_more_are_shown_with_the_overall():
    result = summarize({"peer": [4, 5, 3], "supervisor": [2, 3, 4, 5]})
    assert [f.key for f in result.figures] == ["peer", "supervisor"]
    assert result.overall.count == 7
    assert result.withheld == ()


def test_a_group_under_three_is_withheld_and_so_is_the_overall():
    """Overall minus peers would be the two supervisors' answers."""
    result = summarize({"peer": [4, 5, 3], "supervisor": [1, 2]})
    assert [f.key for f in result.figures] == ["peer"]
    assert result.overall is None
    assert result.withheld == ("supervisor",)


def test_small_groups_that_reach_three_together_are_shown_merged():
    result = summarize({"peer": [4, 5, 3], "supervisor": [1, 2], "staff": [5]})
    assert [f.key for f in result.figures] == ["peer", MERGED]
    merged = result.figures[1]
    assert merged.groups == ("supervisor", "staff")
    assert merged.count == 3
    assert result.overall.count == 6
    assert result.withheld == ()


def test_one_group_alone_under_three_shows_nothing():
    result = summarize({"peer": [5, 5]})
    assert result.figures == ()
    assert result.overall is None


def test_nothing_to_show_without_answers():
    result = summarize({"peer": [], "staff": []})
    assert result.figures == () and result.overall is None and result.withheld == ()


def test_mean_and_distribution():
    peers = summarize({"peer": [1, 5, 5, 3]}).figures[0]
    assert peers.mean == 3.5
    assert peers.distribution == (1, 0, 1, 0, 2)
    assert peers.shares == (25, 0, 25, 0, 50)


def test_groups_without_answers_do_not_count_as_small():
    cut = parts({"peer": 3, "staff": 0})
    assert cut.shown == (("peer",),)
    assert cut.overall_shown


def test_a_change_is_shown_only_for_figures_shown_in_both_cycles():
    first = summarize({"peer": [3, 3, 3], "supervisor": [2, 2, 2], "staff": [1, 2]})
    second = summarize({"peer": [4, 4, 4], "supervisor": [2, 3], "staff": [5, 5, 5]})
    assert changes(first, second) == {"peer": 1.0}


def test_the_overall_changes_when_shown_in_both():
    first = summarize({"peer": [3, 3, 3]})
    second = summarize({"peer": [4, 4, 5]})
    assert changes(first, second) == {"peer": 1.33, OVERALL: 1.33}


def test_merged_figures_have_no_change():
    first = summarize({"peer": [1, 2], "staff": [3]})
    second = summarize({"peer": [1], "staff": [3, 4]})
    assert MERGED not in changes(first, second)


def test_comments_of_a_small_group_are_withheld():
    shown, withheld = comments(
        {"peer": ["Clear", "Kind"], "staff": ["Late to rounds"]},
        {"peer": 3, "staff": 2},
        seed="cycle",
    )
    assert [(c.key, sorted(c.texts)) for c in shown] == [("peer", ["Clear", "Kind"])]
    assert withheld == ("staff",)


def test_comments_are_shuffled_the_same_way_on_every_load():
    texts = {"peer": [f"comment {n}" for n in range(12)]}
    first, _ = comments(texts, {"peer": 12}, seed="abc")
    again, _ = comments({"peer": list(reversed(texts["peer"]))}, {"peer": 12}, seed="abc")
    assert first == again  # the order the answers were stored in does not show through
    assert list(first[0].texts) != sorted(first[0].texts)


def test_blank_comments_are_left_out():
    shown, _ = comments({"peer": ["", "  ", "Good"]}, {"peer": 3}, seed="s")
    assert shown[0].texts == ("Good",)


# --- properties ----------------------------------------------------------------------------

values = st.integers(min_value=1, max_value=5)
cycle_answers = st.fixed_dictionaries({g: st.lists(values, max_size=7) for g in GROUPS})


def _with_ids(answers, start):
    """Give every answer an id (answers of different cycles never share one)."""
    ids, n = {}, start
    for group, vals in answers.items():
        ids[group] = list(range(n, n + len(vals)))
        n += len(vals)
    return ids, n


def _shown_sets(result, ids):
    """The answers behind every figure shown."""
    sets = [frozenset(i for g in f.groups for i in ids[g]) for f in result.figures]
    if result.overall is not None:
        sets.append(frozenset(i for vals in ids.values() for i in vals))
    return sets


def _smallest_isolable(sets):
    """The smallest non-empty set of answers that sums and differences of the shown
    figures can single out: the atoms of the algebra the shown sets generate (answers
    in exactly the same shown sets cannot be told apart)."""
    atoms = defaultdict(set)
    for answer in set().union(*sets) if sets else ():
        atoms[tuple(answer in s for s in sets)].add(answer)
    return min((len(a) for a in atoms.values()), default=None)


@FAST
@given(cycle_answers)
def test_no_combination_of_shown_figures_isolates_fewer_than_three(answers):
    ids, _ = _with_ids(answers, 0)
    smallest = _smallest_isolable(_shown_sets(summarize(answers), ids))
    assert smallest is None or smallest >= THRESHOLD


@FAST
@given(st.lists(cycle_answers, min_size=2, max_size=4))
def test_no_combination_across_cycles_isolates_fewer_than_three(cycles):
    """Every cycle's figures, and the changes between consecutive ones (a change is the
    difference of two shown figures), taken together."""
    sets, start, results = [], 0, []
    for answers in cycles:
        ids, start = _with_ids(answers, start)
        result = summarize(answers)
        results.append(result)
        sets += _shown_sets(result, ids)
    for earlier, later in zip(results, results[1:], strict=False):
        for key in changes(earlier, later):
            assert key in earlier.by_key() and key in later.by_key()
    smallest = _smallest_isolable(sets)
    assert smallest is None or smallest >= THRESHOLD


@FAST
@given(cycle_answers)
def test_every_shown_figure_holds_three_or_more_answers(answers):
    result = summarize(answers)
    for f in (*result.figures, *([result.overall] if result.overall else [])):
        assert f.count >= THRESHOLD
        assert sum(f.distribution) == f.count
        assert 1 <= f.mean <= 5


@FAST
@given(cycle_answers)
def test_the_overall_is_the_sum_of_the_shown_parts(answers):
    result = summarize(answers)
    if result.overall is not None:
        assert result.overall.count == sum(f.count for f in result.figures)
        assert result.withheld == ()
    else:
        assert result.withheld or not result.figures


@FAST
@given(cycle_answers)
def test_every_answer_is_shown_or_its_group_withheld(answers):
    result = summarize(answers)
    shown_groups = {g for f in result.figures for g in f.groups}
    for group, vals in answers.items():
        if vals:
            assert (group in shown_groups) != (group in result.withheld)


@FAST
@given(
    st.fixed_dictionaries({g: st.integers(0, 6) for g in GROUPS}),
    st.text(min_size=1, max_size=8),
)
def test_no_comment_comes_from_a_part_of_fewer_than_three_respondents(respondents, seed):
    texts = {g: [f"{g}-{n}" for n in range(count)] for g, count in respondents.items()}
    shown, withheld = comments(texts, respondents, seed=seed)
    for part in shown:
        assert sum(respondents[g] for g in part.groups) >= THRESHOLD
        assert sorted(part.texts) == sorted(t for g in part.groups for t in texts[g])
    shown_groups = {g for part in shown for g in part.groups}
    assert not shown_groups & set(withheld)
