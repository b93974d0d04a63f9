"""Two answers of one period at once (two tabs, a double click through two keys): the
unique constraint on (relationship, rater, due day) keeps exactly one, and the other is
told in words. PostgreSQL only, as the other races of the project."""

import pytest
from django.core.exceptions import ValidationError

from dyad.checkins import services
from dyad.checkins.models import CheckIn
from dyad.relationships.tests.test_concurrency import on_postgresql, race

ROUNDS = 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@on_postgresql
def test_racing_answers_of_one_period_keep_one(pair, learner):
    for n in range(ROUNDS):
        CheckIn.objects.all().delete()

        def answer(rating):
            return lambda: services.checkin_record(
                relationship=pair, rating=rating, comment="", acting_user=learner
            )

        outcomes = race([answer(2), answer(4), answer(5)])
        kept = [o for o in outcomes if isinstance(o, CheckIn)]
        refused = [o for o in outcomes if not isinstance(o, CheckIn)]
        assert len(kept) == 1, f"round {n + 1}: {outcomes}"
        assert all(isinstance(o, ValidationError) for o in refused), refused
        assert CheckIn.objects.count() == 1
