"""The learning plan's pages as each person sees them: the content by the privacy table
(leaders by consent, each reading recorded), the versions, the PDF, leaders' completion."""

from datetime import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dyad.audit.models import AuditEntry
from dyad.goals import services
from dyad.goals.factories import make_ilp
from dyad.goals.models import Ilp, IlpState
from dyad.relationships.factories import (
    EvaluativeRoleFactory,
    acknowledge_both,
    make_guide,
    make_learner,
    make_relationship,
    revise_agreement,
)

NOW = timezone.make_aware(datetime(2026, 10, 1, 10, 0))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, ilp, *extra):
    return reverse(f"goals:{name}", args=[ilp.program.slug, ilp.uuid, *extra])


def get(client, user, address):
    client.force_login(user)
    return client.get(address)


@pytest.fixture
def plan(program, pairing):
    """A plan shared with the pairing's guide, with a learning goal, reviewed once."""
    ilp = make_ilp(
        program=program,
        learner=pairing.learner,
        shared_with=[pairing],
        strengths="PLAN-WORDS calm in codes",
        timeline="Oct: shadow palliative care",
        competency_notes={"ics": "Bad news conversations"},
    )
    services.ilp_goal_add(
        ilp=ilp,
        acting_user=pairing.learner,
        title="Lead three family meetings",
        competency="ics",
        measure="3 meetings with written feedback",
    )
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="REVIEW-NOTE good start")
    ilp.refresh_from_db()
    return ilp


def pdf_text(response) -> str:
    pages = PdfReader(BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_learner_starts_this_years_plan_from_the_index(client, program, pairing):
    client.force_login(pairing.learner)
    page = client.get(reverse("goals:ilp_index", args=[program.slug]))
    assert "Start my 2026–27 plan" in page.text
    response = client.post(
        reverse("goals:ilp_start", args=[program.slug]),
        {"submission_key": page.context["start_form"]["submission_key"].initial},
    )
    ilp = Ilp.objects.get()
    assert response.url == url("ilp_edit", ilp) and ilp.year == 2026
    again = client.post(reverse("goals:ilp_start", args=[program.slug]))
    assert again.status_code == 302 and Ilp.objects.count() == 1


def test_the_learner_writes_the_sections_and_review_dates(client, program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner)
    client.force_login(pairing.learner)
    response = client.post(
        url("ilp_edit", ilp),
        {
            "strengths": "Calm",
            "growth_areas": "Bad news",
            "note_ics": "Practise with the palliative team",
            "review_1": "2026-12-01",
            "review_2": "2027-05-20",
        },
    )
    assert response.status_code == 302
    ilp.refresh_from_db()
    assert ilp.growth_areas == "Bad news"
    assert ilp.competency_notes == {"ics": "Practise with the palliative team"}
    assert ilp.review_dates == ["2026-12-01", "2027-05-20"]
    outside = client.post(url("ilp_edit", ilp), {"review_1": "2028-01-01"})
    assert outside.status_code == 200 and "does not" in outside.text


def test_an_ilp_goal_needs_a_competency_and_gets_the_smart_feedback(client, program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner)
    client.force_login(pairing.learner)
    feedback = client.post(
        url("ilp_goal_new", ilp),
        {"title": "Get better", "smart_check": "1"},
        headers={"HX-Request": "true"},
    )
    assert [t.name for t in feedback.templates] == ["goals/_smart.html"]
    assert "Measurable:" in feedback.text
    refused = client.post(url("ilp_goal_new", ilp), {"title": "Get better"})
    assert refused.status_code == 200 and "ACGME competencies" in refused.text
    client.post(url("ilp_goal_new", ilp), {"title": "Get better", "competency": "mk"})
    assert ilp.goals.get().competency == "mk"


def test_the_guide_reads_the_shared_plan_and_records_a_review(client, plan, pairing):
    page = get(client, pairing.guide, url("ilp_detail", plan))
    assert "PLAN-WORDS" in page.text and "Record a review" in page.text
    assert "Edit the plan" not in page.text
    client.post(url("ilp_review", plan), {"reviewed_on": "2026-10-01", "note": "Second"})
    assert plan.reviews.count() == 2


def test_a_version_shows_the_plan_then_and_what_changed_since_the_one_before(client, plan, pairing):
    services.ilp_update(ilp=plan, acting_user=pairing.learner, timeline="Nov: lead a meeting")
    services.ilp_review(ilp=plan, acting_user=pairing.guide, note="Mid-year")
    first = get(client, pairing.learner, url("ilp_version", plan, 1))
    assert "Oct: shadow palliative care" in first.text and "First version" in first.text
    second = get(client, pairing.learner, url("ilp_version", plan, 2))
    assert "Changed since version 1" in second.text
    changes = second.context["changes"]
    assert [c["label"] for c in changes] == ["Timeline"]
    assert changes[0]["added"] == ["Nov: lead a meeting"]
    assert changes[0]["removed"] == ["Oct: shadow palliative care"]
    assert get(client, pairing.learner, url("ilp_version", plan, 3)).status_code == 404


def test_the_pdf_is_an_attachment_with_the_learners_plan(client, plan, pairing):
    response = get(client, pairing.learner, url("ilp_pdf", plan))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == ('attachment; filename="ilp-2026-27-lee-learner.pdf"')
    text = pdf_text(response)
    for words in (
        "Pediatrics Residency",
        "2026–27",
        "Lee Learner",
        "PLAN-WORDS calm in codes",
        "Lead three family meetings",
        "Interpersonal and communication skills",
        "In progress",
        "Oct: shadow palliative care",
        "REVIEW-NOTE good start",
        "15 Dec 2026",
    ):
        assert words in text, words


def test_leaders_see_no_content_without_consent_and_know_the_plan_exists(
    client, plan, director, coordinator
):
    for leader in (director, coordinator):
        for name in ("ilp_detail", "ilp_pdf"):
            assert get(client, leader, url(name, plan)).status_code == 403
        assert get(client, leader, url("ilp_version", plan, 1)).status_code == 403
    assert not AuditEntry.objects.filter(action="consent.read").exists()


def test_leaders_read_with_consent_and_each_reading_is_recorded(client, plan, pairing, director):
    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    page = get(client, director, url("ilp_detail", plan))
    assert "PLAN-WORDS" in page.text and "recorded in the audit log" in page.text
    assert "Record a review" not in page.text and "Edit the plan" not in page.text
    assert "PLAN-WORDS" in pdf_text(get(client, director, url("ilp_pdf", plan)))
    get(client, director, url("ilp_version", plan, 1))
    reads = AuditEntry.objects.filter(action="consent.read", actor=director)
    assert reads.count() == 3
    assert {e.target_id for e in reads} == {str(plan.uuid)}
    assert all(e.data == {"categories": ["goals"]} for e in reads)


def test_consent_given_in_a_pairing_the_plan_is_not_shared_with_does_not_count(
    client, program, pairing, director
):
    coached = make_relationship(
        program=program, learner=pairing.learner, acting_user=director, kind="mentoring"
    )
    acknowledge_both(coached)
    revise_agreement(coached, pairing.learner, consent=["goals"])
    acknowledge_both(coached)
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    assert get(client, director, url("ilp_detail", ilp)).status_code == 403


def test_an_evaluator_and_another_learner_do_not_learn_the_plan_exists(
    client, program, plan, pairing, faculty
):
    EvaluativeRoleFactory(program=program, evaluator=faculty)
    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    other = make_learner(program, "Ola", "Other")
    for person in (faculty, other):
        for name in ("ilp_detail", "ilp_pdf"):
            assert get(client, person, url(name, plan)).status_code == 404


def test_an_outsider_gets_a_404(client, plan, outsider):
    assert get(client, outsider, url("ilp_detail", plan)).status_code == 404


def test_the_completion_page_shows_state_and_dates_never_content(
    client, program, plan, pairing, coordinator
):
    services.ilp_complete(ilp=plan, acting_user=pairing.learner)
    make_learner(program, "Nia", "Notstarted")
    response = get(client, coordinator, reverse("goals:ilp_completion", args=[program.slug]))
    text = response.text
    assert "Lee Learner" in text and "Nia Notstarted" in text and "Not started" in text
    assert "Completed for the year" in text and "1 Oct 2026" in text
    assert "PLAN-WORDS" not in text and "REVIEW-NOTE" not in text
    assert "Lead three family meetings" not in text
    assert response.context["counts"]["completed"] == 1
    assert response.context["counts"]["none"] == 1


def test_the_completion_page_shows_another_year_on_request(client, program, pairing, director):
    make_ilp(program=program, learner=pairing.learner, year=2025)
    response = get(
        client, director, reverse("goals:ilp_completion", args=[program.slug]) + "?year=2025"
    )
    assert response.context["year"] == 2025
    assert response.context["counts"]["draft"] == 1
    odd = get(client, director, reverse("goals:ilp_completion", args=[program.slug]) + "?year=x")
    assert odd.context["year"] == 2026


def completion_queries(client, user, program) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("goals:ilp_completion", args=[program.slug]))
        assert response.status_code == 200
    return len(captured)


def test_the_completion_page_costs_the_same_whatever_the_number_of_learners(
    client, program, director
):
    def add_learners(n):
        for i in range(n):
            learner = make_learner(program, "Res", f"Ident{i}{n}")
            ilp = make_ilp(program=program, learner=learner)
            if i % 2:
                services.ilp_update(ilp=ilp, acting_user=learner, strengths="x")

    add_learners(1)
    few = completion_queries(client, director, program)
    add_learners(6)
    assert completion_queries(client, director, program) == few


def test_the_completion_page_shows_fifty_learners_a_page_in_the_same_queries(
    computed_pages, client, program, director
):
    def add_learners(start, n):
        for i in range(start, start + n):
            make_ilp(program=program, learner=make_learner(program, "Res", f"L{i:02}"))

    add_learners(0, 3)
    few = completion_queries(client, director, program)
    add_learners(3, 57)
    assert completion_queries(client, director, program) == few
    address = reverse("goals:ilp_completion", args=[program.slug])
    first = client.get(address)
    assert len(first.context["rows"]) == 50 and first.context["counts"]["draft"] == 60
    second = client.get(address + "?page=2")
    assert [r["learner"].last_name for r in second.context["rows"]] == [
        f"L{i}" for i in range(50, 60)
    ]
    assert all(r["ilp"].review_count == 0 for r in second.context["rows"])
    assert "learners 51–60 of 60" in second.text


def test_the_completion_page_finds_a_learner_and_keeps_the_choice_in_its_pages(
    client, program, director
):
    for i in range(55):
        make_learner(program, "Res", f"L{i:02}")
    make_ilp(program=program, learner=make_learner(program, "Nia", "Started"))
    address = reverse("goals:ilp_completion", args=[program.slug])
    found = get(client, director, address + "?q=nia")
    assert [r["learner"].last_name for r in found.context["rows"]] == ["Started"]
    assert found.context["counts"]["none"] == 55  # the counts are of every learner
    waiting = client.get(address + "?year=2026&only=not_started&q=res")
    assert waiting.context["page"].paginator.count == 55
    assert "?year=2026&amp;only=not_started&amp;q=res&amp;page=2" in waiting.text
    assert "No learner matches “zzz”." in client.get(address + "?q=zzz").text


def test_the_guides_list_shows_shared_plans_only(client, program, plan, pairing, director):
    unshared = make_relationship(program=program, guide=pairing.guide, acting_user=director)
    acknowledge_both(unshared)
    make_ilp(program=program, learner=unshared.learner)
    page = get(client, pairing.guide, reverse("goals:ilp_index", args=[program.slug]))
    assert [ilp.pk for ilp in page.context["shared"]] == [plan.pk]


def test_the_state_shown_follows_the_plan(client, plan, pairing):
    assert plan.state == IlpState.REVIEWED
    page = get(client, pairing.learner, url("ilp_detail", plan))
    assert 'aria-current="step" class="current">Reviewed' in page.text
    assert "Mark completed" in page.text


def test_a_coordinator_lists_who_has_not_started(client, program, plan, coordinator):
    make_learner(program, "Nia", "Notstarted")
    address = reverse("goals:ilp_completion", args=[program.slug]) + "?only=not_started"
    response = get(client, coordinator, address)
    assert [row["learner"].last_name for row in response.context["rows"]] == ["Notstarted"]
    assert response.context["counts"]["reviewed"] == 1


def test_a_learning_goal_links_back_to_its_plan(client, plan, pairing):
    goal = plan.goals.get()
    for person in (pairing.learner, pairing.guide):
        page = get(client, person, goal.get_absolute_url())
        assert f'href="{plan.get_absolute_url()}"' in page.text


def test_the_guides_list_of_plans_costs_the_same_whatever_their_number(client, program, director):
    guide = make_guide(program, "Gus", "Many", offers={"mentoring": 10})

    def share_plans(n):
        for _ in range(n):
            relationship = make_relationship(program=program, guide=guide, acting_user=director)
            acknowledge_both(relationship)
            make_ilp(program=program, learner=relationship.learner, shared_with=[relationship])

    def queries():
        client.force_login(guide)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("goals:ilp_index", args=[program.slug]))
            assert response.status_code == 200
        return len(captured), len(response.context["shared"])

    share_plans(1)
    few = queries()
    share_plans(4)
    assert queries() == (few[0], 5)


def test_a_completed_plan_offers_reopening_to_its_learner_only(client, plan, pairing, director):
    services.ilp_complete(ilp=plan, acting_user=pairing.learner)
    page = get(client, pairing.learner, url("ilp_detail", plan))
    assert "Reopen the plan" in page.text and "Mark completed" not in page.text
    client.force_login(director)
    assert client.post(url("ilp_reopen", plan)).status_code == 403
    client.force_login(pairing.learner)
    response = client.post(url("ilp_reopen", plan), follow=True)
    assert "The plan for 2026–27 is open again." in response.text
    plan.refresh_from_db()
    assert plan.state == IlpState.REVIEWED
