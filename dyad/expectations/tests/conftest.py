import pytest
from django.utils import timezone

from dyad.expectations.selectors import current_year


@pytest.fixture
def year(program):
    return current_year(program, timezone.localdate())
