import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its per-address limits on reset e-mails, and the codes already used,
    in the cache, which outlives a test's transaction: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
