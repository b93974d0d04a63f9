from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.survey_cycles import next_proposal, year_label


def test_in_december_the_mid_year_survey_opens_today():
    proposal = next_proposal(date(2026, 12, 3), 7)
    assert proposal.name == "Mid-year 2026–27"
    assert proposal.opens_on == date(2026, 12, 3)
    assert proposal.closes_on == date(2026, 12, 24)


def test_in_january_the_end_of_year_survey_is_proposed_for_may():
    proposal = next_proposal(date(2027, 1, 10), 7)
    assert proposal.name == "End of year 2026–27"
    assert proposal.opens_on == date(2027, 5, 1)


def test_in_june_the_next_years_mid_year_survey_is_proposed():
    proposal = next_proposal(date(2027, 6, 15), 7)
    assert proposal.name == "Mid-year 2027–28"
    assert proposal.opens_on == date(2027, 12, 1)


def test_a_year_starting_in_january_has_its_mid_year_in_june():
    assert next_proposal(date(2026, 2, 1), 1).opens_on == date(2026, 6, 1)


def test_year_label_wraps_the_century():
    assert year_label(2099) == "2099–00"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 12))
def test_the_proposal_never_opens_in_the_past_and_closes_after_it_opens(today, start_month):
    proposal = next_proposal(today, start_month)
    assert today <= proposal.opens_on < proposal.closes_on
