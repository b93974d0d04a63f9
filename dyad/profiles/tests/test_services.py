import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dyad.accounts.factories import UserFactory
from dyad.profiles.models import ContentArea, GuideProfile, LearnerProfile
from dyad.profiles.services import (
    content_area_create,
    guide_profile_update,
    learner_profile_update,
)


def area(slug):
    return ContentArea.objects.get(program=None, slug=slug)


@pytest.mark.django_db
def test_guide_profile_update_creates_profile_areas_and_offers(resident):
    profile = guide_profile_update(
        user=resident,
        data={
            "title": "PGY-3",
            "languages": ["English"],
            "meeting_modes": ["video"],
            "content_areas": [area("research"), area("wellness")],
            "offers": {"peer_mentoring": 2},
        },
        acting_user=resident,
    )
    profile.refresh_from_db()
    assert profile.user == resident
    assert profile.title == "PGY-3"
    assert profile.languages == ["English"]
    assert set(profile.content_areas.values_list("slug", flat=True)) == {"research", "wellness"}
    assert {o.kind: o.capacity for o in profile.offers.all()} == {"peer_mentoring": 2}


@pytest.mark.django_db
def test_guide_profile_update_changes_capacity_and_drops_kinds_no_longer_offered(faculty):
    guide_profile_update(
        user=faculty,
        data={"offers": {"coaching": 3, "advising": 1}},
        acting_user=faculty,
    )
    offers = {o.kind: o.capacity for o in faculty.guide_profile.offers.all()}
    assert offers == {"coaching": 3, "advising": 1}
    guide_profile_update(user=faculty, data={"offers": {"coaching": 1}}, acting_user=faculty)
    offers = {o.kind: o.capacity for o in faculty.guide_profile.offers.all()}
    assert offers == {"coaching": 1}


@pytest.mark.django_db
def test_guide_profile_update_leaves_out_fields_not_given(faculty):
    before = faculty.guide_profile.bio
    guide_profile_update(user=faculty, data={"title": "Professor"}, acting_user=faculty)
    faculty.guide_profile.refresh_from_db()
    assert faculty.guide_profile.title == "Professor"
    assert faculty.guide_profile.bio == before
    assert faculty.guide_profile.offers.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [0, 11])
def test_guide_profile_update_refuses_capacity_out_of_range(faculty, capacity):
    with pytest.raises(ValidationError):
        guide_profile_update(
            user=faculty, data={"offers": {"mentoring": capacity}}, acting_user=faculty
        )
    assert faculty.guide_profile.offers.get().capacity == 2


@pytest.mark.django_db
def test_guide_profile_update_refuses_an_area_of_a_program_the_user_is_not_in(
    faculty, other_program
):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    with pytest.raises(ValidationError):
        guide_profile_update(
            user=faculty,
            data={"title": "Changed", "content_areas": [foreign]},
            acting_user=faculty,
        )
    faculty.guide_profile.refresh_from_db()
    assert faculty.guide_profile.title != "Changed"  # rolled back


@pytest.mark.django_db
def test_guide_profile_update_accepts_an_area_of_the_users_own_program(faculty, program):
    own = ContentArea.objects.create(program=program, name="Simulation", slug="simulation")
    guide_profile_update(user=faculty, data={"content_areas": [own]}, acting_user=faculty)
    assert list(faculty.guide_profile.content_areas.all()) == [own]


@pytest.mark.django_db
def test_guide_profile_update_by_someone_else_is_refused(faculty, coordinator):
    with pytest.raises(PermissionDenied):
        guide_profile_update(user=faculty, data={"title": "X"}, acting_user=coordinator)


@pytest.mark.django_db
def test_guide_profile_update_refuses_a_user_without_program(stranger):
    with pytest.raises(PermissionDenied):
        guide_profile_update(user=stranger, data={"title": "X"}, acting_user=stranger)
    assert not GuideProfile.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_learner_profile_update_creates_profile_with_areas(resident):
    profile = learner_profile_update(
        user=resident,
        data={
            "interests": "Neonatology",
            "career_goals": "Fellowship",
            "languages": ["English", "Korean"],
            "content_areas_sought": [area("research")],
        },
        acting_user=resident,
    )
    profile.refresh_from_db()
    assert profile.interests == "Neonatology"
    assert profile.languages == ["English", "Korean"]
    assert list(profile.content_areas_sought.values_list("slug", flat=True)) == ["research"]


@pytest.mark.django_db
def test_learner_profile_update_refuses_foreign_area_and_other_people(resident, other_program):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    with pytest.raises(ValidationError):
        learner_profile_update(
            user=resident, data={"content_areas_sought": [foreign]}, acting_user=resident
        )
    with pytest.raises(PermissionDenied):
        learner_profile_update(user=resident, data={}, acting_user=UserFactory())
    assert not LearnerProfile.objects.filter(user=resident).exists()


@pytest.mark.django_db
def test_content_area_create_adds_a_program_area_with_a_slug(program, coordinator):
    created = content_area_create(
        program=program, name="Point-of-care ultrasound", acting_user=coordinator
    )
    assert created.program == program
    assert created.slug == "point-of-care-ultrasound"


@pytest.mark.django_db
def test_content_area_create_turns_a_duplicate_race_into_a_validation_error(program, coordinator):
    content_area_create(program=program, name="Simulation", acting_user=coordinator)
    with pytest.raises(ValidationError) as excinfo:
        content_area_create(program=program, name="Simulation", acting_user=coordinator)
    assert "already has an area" in str(excinfo.value)


@pytest.mark.django_db
def test_content_area_create_is_for_leaders_only(program, resident):
    with pytest.raises(PermissionDenied):
        content_area_create(program=program, name="Simulation", acting_user=resident)
