import json

import pytest
from django.urls import reverse

from dyad import personal_data
from dyad.audit.models import AuditEntry
from tests.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def export(client, user, name="privacy:export_json"):
    client.force_login(user)
    return client.get(reverse(name))


def test_the_export_holds_ones_own_private_note_and_never_the_other_partys(client, world):
    learner = export(client, world.user("learner")).content.decode()
    client.logout()
    guide = export(client, world.user("guide")).content.decode()

    assert "PRIVATE-NOTE-OF-LEARNER" in learner
    assert "PRIVATE-NOTE-OF-GUIDE" not in learner
    assert "PRIVATE-NOTE-OF-GUIDE" in guide
    assert "PRIVATE-NOTE-OF-LEARNER" not in guide


def test_the_learner_gets_their_meetings_goals_pairings_and_own_requests(client, world):
    body = export(client, world.user("learner")).json()
    text = json.dumps(body)

    sections = body["sections"]
    assert sections["account"]["records"][0]["E-mail"] == "learner@example.org"
    assert sections["memberships"]["records"][0]["PGY"] == 2
    assert sections["relationships"]["records"][0]["State"]
    for secret in (
        "PREPARATION-SECRET",
        "SUMMARY-SECRET",
        "ACTION-SECRET",
        "Find a research project in neonatology",
        "We never find time.",  # their own rematch request
        "RELATIONSHIP-GOAL-SECRET",
        "PERSONAL-GOAL-SECRET",
    ):
        assert secret in text, secret


def test_a_concern_raised_about_the_learner_is_not_in_their_export(client, world):
    text = export(client, world.user("learner")).content.decode()
    assert "Seemed exhausted" not in text
    assert "concern." not in text


def test_the_guide_gets_the_concern_they_raised_and_never_the_learners_rematch_request(
    client, world
):
    text = export(client, world.user("guide")).content.decode()
    assert "Seemed exhausted and withdrawn" in text
    assert "We never find time." not in text
    assert "PERSONAL-GOAL-SECRET" not in text


def test_the_export_is_audited(client, world):
    export(client, world.user("learner"))
    export(client, world.user("learner"), "privacy:export")

    entries = AuditEntry.objects.filter(
        action="personal_data.exported", actor=world.user("learner")
    )
    assert sorted(e.data["format"] for e in entries) == ["html", "json"]


def test_the_page_renders_every_section_and_is_printable(client, world):
    page = export(client, world.user("learner"), "privacy:export")

    assert page.status_code == 200
    for s in personal_data.sections():
        assert s.title.replace("’", "&#x27;") in page.text or s.title in page.text
    assert "PRIVATE-NOTE-OF-LEARNER" in page.text
    assert 'class="secondary print-page"' in page.text
    assert "no-store" in page.headers["Cache-Control"]


def test_the_json_is_a_download(client, world):
    response = export(client, world.user("guide"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="dyad-my-data-')


def test_someone_with_no_program_gets_their_account_only(client, db):
    from dyad.accounts.factories import UserFactory

    body = export(client, UserFactory(email="alone@example.org")).json()
    assert body["sections"]["account"]["records"][0]["E-mail"] == "alone@example.org"
    assert body["sections"]["meetings"]["records"] == []


def test_every_app_with_personal_data_has_a_section():
    keys = {s.key for s in personal_data.sections()}
    assert {
        "account",
        "memberships",
        "profiles",
        "relationships",
        "guide_requests",
        "rematch_requests",
        "concerns_raised",
        "meetings",
        "goals",
        "achievements",
        "audit",
        "reminders",
        "match_rounds",
    } <= keys


def test_ones_own_match_list_is_in_the_export_and_nobody_elses(client, world):
    from dyad.matching.models import LearnerRank

    mine = LearnerRank.objects.filter(learner=world.user("learner")).count()
    records = export(client, world.user("learner")).json()["sections"]["match_rounds"]["records"]
    assert len(records) == mine
    other = export(client, world.user("other_learner")).json()
    ranked = {r["Guide"] for r in other["sections"]["match_rounds"]["records"]}
    assert all("Your rank" in r for r in other["sections"]["match_rounds"]["records"])
    assert ranked <= {
        world.user(p).full_name or world.user(p).email
        for p in ("guide", "other_guide", "evaluator")
    }


def test_the_export_holds_the_learning_plan_files_and_360s_of_the_person(client, world):
    body = export(client, world.user("learner")).json()
    text = json.dumps(body, ensure_ascii=False)
    sections = body["sections"]
    assert "ILP-SECRET calm in codes" in text
    assert "ILP-REVIEW-SECRET" in text  # the review kept with its version
    assert [r["File"] for r in sections["attachments"]["records"]] == [
        "ATTACHMENT-SECRET-draft.txt"
    ]
    cycles = sections["feedback"]["records"]
    assert "Chief year 360°" in [c["Name"] for c in cycles]
    assert any(c.get("Raters you named") for c in cycles)
    # What raters answered reaches the coachee only aggregated, on the results page.
    assert "FEEDBACK-COMMENT-SECRET" not in text


def test_the_coach_gets_the_360s_of_their_coaching_but_not_the_raters_names(client, world):
    body = export(client, world.user("guide")).json()
    cycles = body["sections"]["feedback"]["records"]
    assert cycles and not any("Raters you named" in c for c in cycles)
    assert "ILP-SECRET" not in json.dumps(body, ensure_ascii=False)


def test_a_guide_gets_their_training_and_a_coachee_their_values(client, world):
    from django.utils import timezone

    from dyad.training.services import completions_record

    completions_record(
        module=world.training_module,
        people=[world.user("guide")],
        completed_on=timezone.localdate(),
        acting_user=world.user("director"),
    )
    body = export(client, world.user("guide")).json()
    assert [r["Module"] for r in body["sections"]["training"]["records"]] == ["Mentor orientation"]
    coach = world.coaching["engagement"].relationship.learner
    client.logout()
    coachee = export(client, coach).json()["sections"]
    assert coachee["coaching"]["records"][0]["Referred"] is True
    assert coachee["values"]["records"]
