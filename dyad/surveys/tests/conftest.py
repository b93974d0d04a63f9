import pytest

from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role


@pytest.fixture
def learners(program):
    """Six residents: three PGY-1, three PGY-2."""
    return [
        MembershipFactory(program=program, role=Role.RESIDENT, pgy=1 + n // 3).user
        for n in range(6)
    ]
