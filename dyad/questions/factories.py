import factory

from dyad.programs.factories import ProgramFactory
from dyad.programs.models import GuidanceKind
from dyad.questions.models import Direction, Question, Topic


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of a program's own bank (pass program=None for the default bank)."""

    class Meta:
        model = Question

    program = factory.SubFactory(ProgramFactory)
    text = factory.Sequence(lambda n: f"What would you like to talk about today ({n})?")
    direction = Direction.GUIDE_TO_LEARNER
    kinds = factory.LazyFunction(lambda: [GuidanceKind.MENTORING])
    topic = Topic.GOALS
    stages = factory.LazyFunction(list)
    months = factory.LazyFunction(list)
    position = factory.Sequence(lambda n: 10_000 + n)
