import pytest

from dyad.personal_data import collect
from dyad.surveys.factories import answer, make_cycle

pytestmark = pytest.mark.django_db


def test_the_export_lists_surveys_asked_and_answered_never_the_answers(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True, name="Mid-year")
    answer(cycle, learners[0], text="PRIVATE-SURVEY-TEXT")
    sections = {s.key: records for s, records in collect(learners[0])}
    assert sections["surveys"] == [
        {
            "Program": program.name,
            "Survey": "Mid-year",
            "Asked as": "Learners",
            "Open": f"{cycle.opens_on} to {cycle.closes_on}",
            "Answered": "yes",
        }
    ]
    assert "PRIVATE-SURVEY-TEXT" not in str(collect(learners[0]))
