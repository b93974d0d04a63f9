import factory

from dyad.checkins.models import CheckIn


class CheckInFactory(factory.django.DjangoModelFactory):
    """A check-in as stored; tests of the rules go through services.checkin_record."""

    class Meta:
        model = CheckIn

    rater = factory.LazyAttribute(lambda o: o.relationship.learner)
    due_on = factory.LazyAttribute(lambda o: o.relationship.start_date)
    rating = 4
    is_low = factory.LazyAttribute(
        lambda o: o.rating <= o.relationship.program.checkin_low_threshold
    )
