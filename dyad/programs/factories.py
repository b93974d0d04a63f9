import factory

from dyad.accounts.factories import UserFactory
from dyad.programs.models import Membership, Program, Role


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Residency Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    specialty = "Pediatrics"
    institution = "Riverside University Hospital"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.RESIDENT
    pgy = factory.LazyAttribute(lambda m: 1 if m.role == Role.RESIDENT else None)
