"""The program's own evaluation on the insight page and in the report: survey satisfaction
(only where five or more answered) and the pairing-fit check-ins, counted by kind."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dyad.checkins.factories import CheckInFactory
from dyad.relationships.models import Relationship
from dyad.surveys import services as survey_services
from dyad.surveys.factories import make_cycle, past_responses
from dyad.surveys.models import Answer


@pytest.fixture
def evaluated(busy_program, director, today):
    """A closed learners' survey with six answers and comments, one picked for the report;
    a guides' survey with four (withheld); two check-ins, one low."""
    learners = make_cycle(busy_program, by=director, audience="learners", name="Mid-year 2025–26")
    learners = survey_services.cycle_open(cycle=learners, acting_user=director)
    past_responses(learners, 6, scale=4, text="SURVEY-COMMENT")
    survey_services.cycle_close(cycle=learners, acting_user=director)
    picked = Answer.objects.filter(text="SURVEY-COMMENT 2").first()
    survey_services.answer_pick(answer=picked, acting_user=director, picked=True)
    guides = make_cycle(busy_program, by=director, audience="guides", name="Guides 2025–26")
    guides = survey_services.cycle_open(cycle=guides, acting_user=director)
    past_responses(guides, 4, respondent="guide", scale=2)
    survey_services.cycle_close(cycle=guides, acting_user=director)
    pair = Relationship.objects.filter(program=busy_program, kind="mentoring").first()
    CheckInFactory(relationship=pair, rating=1)
    CheckInFactory(relationship=pair, rater=pair.guide, rating=5)
    return busy_program


def test_the_page_shows_satisfaction_of_groups_of_five_and_the_fit(client, evaluated, director):
    client.force_login(director)
    response = client.get(reverse("insight:program", args=[evaluated.slug]), {"year": 2025})
    by_key = {s.key: s for s in response.context["sections"]}
    assert by_key["satisfaction"].rows == [
        ["Mid-year 2025–26", by_key["satisfaction"].rows[0][1], "Learners", 6, "4.0"]
    ]
    mentoring = [row for row in by_key["fit"].rows if row[0] == "Mentoring"]
    assert mentoring == [["Mentoring", 2, 1, "50%"]]
    assert "SURVEY-COMMENT" not in response.text


def test_the_report_has_the_surveys_and_only_the_picked_comment(client, evaluated, director):
    client.force_login(director)
    url = reverse("insight:report_pdf", args=[evaluated.slug])
    pdf = client.get(url, {"year": 2025}).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Program surveys" in text and "Mid-year 2025–26" in text
    assert "SURVEY-COMMENT 2" in text
    assert "SURVEY-COMMENT 1" not in text and "SURVEY-COMMENT 3" not in text
    assert "Pairing fit, from the check-ins" in text
    assert "Satisfaction, last survey (of 5) learners 4.0" in text
    assert "Check-ins rating the fit low 1 of 2" in text
