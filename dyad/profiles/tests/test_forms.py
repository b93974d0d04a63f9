import pytest

from dyad.profiles.factories import GuideProfileFactory
from dyad.profiles.forms import (
    ContentAreaForm,
    GuideProfileForm,
    LearnerProfileForm,
    parse_list,
)
from dyad.profiles.models import ContentArea
from dyad.profiles.selectors import content_areas_for_programs


def guide_data(**overrides):
    data = {
        "title": "Associate Professor",
        "department": "Pediatrics",
        "division": "Neonatology",
        "bio": "I run the NICU follow-up clinic.",
        "languages": "English, Spanish",
        "meeting_modes": ["in_person", "video"],
        "accepting_new": "on",
        "fte_effort": "10",
        "offer_mentoring": "on",
        "capacity_mentoring": "2",
        "capacity_coaching": "2",
        "capacity_advising": "2",
        "capacity_peer_mentoring": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def guide_form(data, program, instance=None):
    return GuideProfileForm(
        data, instance=instance, content_areas=content_areas_for_programs([program])
    )


def test_parse_list_trims_and_drops_duplicates_keeping_first_spelling():
    assert parse_list(" English,spanish , ENGLISH,, Spanish ,Tagalog ") == [
        "English",
        "spanish",
        "Tagalog",
    ]


def test_parse_list_of_blank_text_is_empty():
    assert parse_list("  , ,") == []


def test_parse_list_collapses_inner_spaces():
    assert parse_list("American   Sign Language") == ["American Sign Language"]


@pytest.mark.django_db
def test_guide_form_turns_languages_text_into_a_list(program):
    form = guide_form(guide_data(languages="English , French,english"), program)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["languages"] == ["English", "French"]


@pytest.mark.django_db
def test_guide_form_shows_stored_languages_as_text(program, faculty):
    profile = faculty.guide_profile
    profile.languages = ["English", "Spanish"]
    form = guide_form(None, program, instance=profile)
    assert 'value="English, Spanish"' in str(form["languages"])


@pytest.mark.django_db
def test_guide_form_collects_offered_kinds_with_capacity(program):
    form = guide_form(guide_data(offer_coaching="on", capacity_coaching="3"), program)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["offers"] == {"mentoring": 2, "coaching": 3}


@pytest.mark.django_db
def test_guide_form_ignores_capacity_of_a_kind_not_offered(program):
    form = guide_form(guide_data(capacity_advising="0"), program)
    assert form.is_valid(), form.errors
    assert "advising" not in form.cleaned_data["offers"]


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", ["0", "11", ""])
def test_guide_form_refuses_capacity_outside_one_to_ten_for_an_offered_kind(program, capacity):
    form = guide_form(guide_data(capacity_mentoring=capacity), program)
    assert not form.is_valid()
    assert "between 1 and 10" in form.errors["capacity_mentoring"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", ["1", "10"])
def test_guide_form_accepts_capacity_at_the_bounds(program, capacity):
    form = guide_form(guide_data(capacity_mentoring=capacity), program)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_guide_form_starts_with_existing_offers_ticked(program):
    profile = GuideProfileFactory(offers={"coaching": 3})
    form = guide_form(None, program, instance=profile)
    assert form["offer_coaching"].initial is True
    assert form["capacity_coaching"].initial == 3
    assert form["offer_mentoring"].initial is False


@pytest.mark.django_db
def test_guide_form_offers_default_and_own_program_areas(program, other_program):
    own = ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    choices = set(guide_form(None, program).fields["content_areas"].queryset)
    assert own in choices
    assert foreign not in choices
    assert ContentArea.objects.get(slug="research", program=None) in choices


@pytest.mark.django_db
def test_guide_form_refuses_an_area_of_another_program(program, other_program):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    form = guide_form(guide_data(content_areas=[foreign.pk]), program)
    assert not form.is_valid()
    assert "content_areas" in form.errors


@pytest.mark.django_db
def test_guide_form_names_program_areas_with_their_program_when_asked(program, other_program):
    ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    areas = content_areas_for_programs([program, other_program])
    named = str(GuideProfileForm(content_areas=areas, name_programs=True)["content_areas"])
    assert "Simulation (Pediatrics Residency)" in named
    assert "Trauma (Surgery Residency)" in named
    plain = str(GuideProfileForm(content_areas=areas)["content_areas"])
    assert "Simulation (" not in plain
    assert "Simulation" in plain


@pytest.mark.django_db
def test_guide_form_refuses_an_unknown_meeting_mode(program):
    form = guide_form(guide_data(meeting_modes=["carrier_pigeon"]), program)
    assert "meeting_modes" in form.errors


@pytest.mark.django_db
def test_guide_form_refuses_fte_effort_above_100(program):
    form = guide_form(guide_data(fte_effort="120"), program)
    assert "fte_effort" in form.errors


@pytest.mark.django_db
def test_learner_form_parses_languages_and_limits_areas(program, other_program):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    areas = content_areas_for_programs([program])
    ok = LearnerProfileForm({"languages": "Hindi, hindi, Urdu"}, content_areas=areas)
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["languages"] == ["Hindi", "Urdu"]
    bad = LearnerProfileForm({"content_areas_sought": [foreign.pk]}, content_areas=areas)
    assert "content_areas_sought" in bad.errors


@pytest.mark.django_db
def test_content_area_form_refuses_a_default_area_name_in_any_case(program):
    form = ContentAreaForm({"name": "  quality   IMPROVEMENT "}, program=program)
    assert not form.is_valid()
    assert "default taxonomy" in form.errors["name"][0]


@pytest.mark.django_db
def test_content_area_form_refuses_a_name_whose_slug_is_a_default_one(program):
    form = ContentAreaForm({"name": "Research!"}, program=program)
    assert "default taxonomy" in form.errors["name"][0]


@pytest.mark.django_db
def test_content_area_form_refuses_a_duplicate_in_the_program(program):
    ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    form = ContentAreaForm({"name": "simulation"}, program=program)
    assert "already has an area" in form.errors["name"][0]


@pytest.mark.django_db
def test_content_area_form_allows_a_name_another_program_uses(program, other_program):
    ContentArea.objects.create(program=other_program, name="Simulation", slug="simulation")
    form = ContentAreaForm({"name": "Simulation"}, program=program)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_content_area_form_refuses_a_name_without_letters(program):
    form = ContentAreaForm({"name": "!!!"}, program=program)
    assert "letter or digit" in form.errors["name"][0]
