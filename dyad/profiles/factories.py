import factory

from dyad.accounts.factories import UserFactory
from dyad.profiles.models import GuideOffer, GuideProfile, LearnerProfile
from dyad.programs.models import GuidanceKind


class GuideProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    title = "Associate Professor of Pediatrics"
    department = "Pediatrics"
    division = "General Pediatrics"
    bio = factory.Faker("paragraph")
    languages = factory.LazyFunction(lambda: ["English"])
    meeting_modes = factory.LazyFunction(lambda: ["in_person", "video"])

    @factory.post_generation
    def offers(obj, create, extracted, **kwargs):
        """offers={"mentoring": 2}; default: mentoring, capacity 2."""
        if not create:
            return
        for kind, capacity in (extracted or {GuidanceKind.MENTORING: 2}).items():
            GuideOffer.objects.create(profile=obj, kind=kind, capacity=capacity)

    @factory.post_generation
    def content_areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.content_areas.set(extracted)


class LearnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerProfile

    user = factory.SubFactory(UserFactory)
    interests = "Neonatology, quality improvement"
    career_goals = "Academic general pediatrics"
