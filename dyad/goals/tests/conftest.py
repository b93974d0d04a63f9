from datetime import timedelta

import pytest
from django.utils import timezone

from dyad.relationships.factories import acknowledge_both, make_relationship


@pytest.fixture
def pairing(program, director):
    """An active mentoring pairing of the program (learner and guide acknowledged)."""
    relationship = make_relationship(
        program=program,
        acting_user=director,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    acknowledge_both(relationship)
    return relationship
