"""A learner sees, before writing anything, which guides evaluate them and so cannot be
their mentor, coach or peer mentor (SPEC M3): on the directory card and the profile page.
Nobody else learns who evaluates whom from these pages."""

from datetime import date

import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea
from dyad.profiles.tests.helpers import count_queries, make_guide
from dyad.relationships.factories import EvaluativeRoleFactory, make_learner
from dyad.relationships.models import EvaluativeKind

TODAY = date(2025, 9, 15)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def directory(program, **params):
    base = reverse("profiles:directory", args=[program.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def detail(program, guide):
    return reverse("profiles:guide_detail", args=[program.slug, guide.uuid])


def card(response, last) -> str:
    """The directory card of the guide whose last name is `last`."""
    results = response.text.split('id="directory-results"')[1]
    for chunk in results.split('<li class="card guide-card">')[1:]:
        if f" {last}</a>" in chunk:
            return chunk
    raise AssertionError(f"no card for {last}")


def ccc_member(program, last="Judge", **offers):
    guide = make_guide(program, last=last, offers=offers or {"coaching": 2, "advising": 2})
    EvaluativeRoleFactory(program=program, evaluator=guide.user)
    return guide


@pytest.mark.django_db
def test_card_discloses_the_conflict_to_the_evaluated_learner(client, program, resident):
    ccc_member(program, mentoring=2, coaching=1, advising=2)
    make_guide(program, last="Free", offers={"coaching": 2})
    client.force_login(resident)
    response = client.get(directory(program))
    judge = card(response, "Judge")
    assert "Evaluates you as a Clinical Competency Committee member" in judge
    assert "not offered to you for coaching or mentoring; advising is still possible" in judge
    assert "Coaching · not offered to you" in judge
    assert "Mentoring · not offered to you" in judge
    assert "Advising · 2 of 2 places left" in judge
    assert "Evaluates you" not in card(response, "Free")


@pytest.mark.django_db
def test_card_summary_speaks_of_what_is_open_to_the_learner(client, program, resident):
    ccc_member(program, mentoring=2, advising=2)
    client.force_login(resident)
    judge = card(client.get(directory(program)), "Judge")
    assert "Accepting new learners for advising" in judge
    assert "Accepting new learners for mentoring" not in judge


@pytest.mark.django_db
def test_without_advising_the_card_says_nothing_is_possible(client, program, resident):
    ccc_member(program, coaching=2)
    client.force_login(resident)
    judge = card(client.get(directory(program)), "Judge")
    assert "Nothing open to you" in judge
    assert "Accepting new learners" not in judge
    assert "not offered to you for coaching." in judge
    assert "still possible" not in judge


@pytest.mark.django_db
def test_accepting_filter_leaves_out_kinds_barred_to_the_learner(
    client, program, resident, coordinator
):
    ccc_member(program, last="Judge", coaching=2, advising=1)
    make_guide(program, last="Coach", offers={"coaching": 2})
    make_learner(program, "Ola", "Other")

    def listed(**params):
        page = client.get(directory(program, **params)).context["page"]
        return [g.user.last_name for g in page.object_list]

    client.force_login(resident)
    assert listed(kind="coaching") == ["Coach", "Judge"]  # who offers it
    assert listed(kind="coaching", accepting="on") == ["Coach"]
    assert listed(kind="advising", accepting="on") == ["Judge"]
    assert listed(accepting="on") == ["Coach", "Judge"]  # advising is open to them
    client.force_login(coordinator)
    assert listed(kind="coaching", accepting="on") == ["Coach", "Judge"]


@pytest.mark.django_db
def test_rotation_supervision_is_a_conflict_only_while_it_lasts_and_for_its_learner(
    client, program, resident
):
    other = make_learner(program, "Ola", "Other")
    current = make_guide(program, last="Current", offers={"coaching": 2})
    EvaluativeRoleFactory(
        program=program,
        evaluator=current.user,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 9, 30),
    )
    past = make_guide(program, last="Past", offers={"coaching": 2})
    EvaluativeRoleFactory(
        program=program,
        evaluator=past.user,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2025, 7, 1),
        end_date=date(2025, 7, 31),
    )
    client.force_login(resident)
    response = client.get(directory(program))
    assert "Evaluates you as a rotation supervisor" in card(response, "Current")
    assert "Evaluates you" not in card(response, "Past")
    client.force_login(other)
    assert "Evaluates you" not in client.get(directory(program)).text


@pytest.mark.django_db
def test_a_role_in_another_program_is_no_conflict_here(client, program, other_program, resident):
    guide = make_guide(program, last="Elsewhere", offers={"coaching": 2})
    EvaluativeRoleFactory(program=other_program, evaluator=guide.user)
    client.force_login(resident)
    assert "Evaluates you" not in client.get(directory(program)).text


@pytest.mark.django_db
def test_people_who_are_not_learners_see_no_conflicts(
    client, program, coordinator, faculty, director
):
    """Who evaluates whom is not shown to anyone but the learner concerned."""
    ccc_member(program)
    judge_user = ccc_member(program, last="Other").user
    for user in (coordinator, faculty, director, judge_user):
        client.force_login(user)
        assert "Evaluates you" not in client.get(directory(program)).text
        assert "not offered to you" not in client.get(directory(program)).text


@pytest.mark.django_db
def test_profile_page_discloses_the_conflict_and_offers_advising(client, program, resident):
    guide = ccc_member(program, mentoring=2, advising=1)
    client.force_login(resident)
    response = client.get(detail(program, guide))
    text = response.text
    assert "Evaluates you as a Clinical Competency Committee member (from Jul 1, 2024)" in text
    assert "not offered to you for mentoring; advising is still possible" in text
    assert 'Mentoring</strong> <span class="muted">· not offered to you' in text
    assert reverse("relationships:request_guide", args=[program.slug, guide.uuid]) in text


@pytest.mark.django_db
def test_profile_page_offers_no_request_when_every_open_kind_conflicts(client, program, resident):
    guide = ccc_member(program, coaching=2)
    client.force_login(resident)
    text = client.get(detail(program, guide)).text
    assert "Evaluates you" in text
    assert reverse("relationships:request_guide", args=[program.slug, guide.uuid]) not in text


@pytest.mark.django_db
def test_directory_conflicts_take_a_fixed_number_of_queries(
    computed_pages, client, program, resident
):
    research = ContentArea.objects.get(program=None, slug="research")

    def add(start, n):
        for i in range(start, start + n):
            guide = make_guide(
                program,
                last=f"G{i:02d}",
                areas=[research],
                offers={"mentoring": 2, "coaching": 1, "advising": 1},
            )
            if i % 2:
                EvaluativeRoleFactory(program=program, evaluator=guide.user)
            if i % 3 == 0:
                EvaluativeRoleFactory(
                    program=program,
                    evaluator=guide.user,
                    kind=EvaluativeKind.ROTATION_SUPERVISOR,
                    learner=resident,
                )

    client.force_login(resident)
    add(0, 4)
    client.get(directory(program))  # the suggestions computed once, then cached
    small = count_queries(client, directory(program))
    add(4, 30)
    response_text = client.get(directory(program)).text
    assert response_text.count("Evaluates you as") == 14  # G00–G19: odd, or 0, 6, 12, 18
    assert count_queries(client, directory(program)) == small
    assert count_queries(client, directory(program, page=2)) == small
