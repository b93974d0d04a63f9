"""Personas shared by every test: one program with its people, and an outsider."""

import pytest

from dyad.accounts.factories import UserFactory
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role


def pytest_collection_modifyitems(config, items):
    """A test that commits for real (`transaction=True`) must also restore the migrated rows
    (`serialized_rollback=True`). Mixing the two kinds makes the flush after one recreate
    content types that the next one loads again, and PostgreSQL refuses the duplicates."""
    wrong = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if wrong:
        raise pytest.UsageError(
            "transaction=True without serialized_rollback=True: " + ", ".join(wrong)
        )
    # A test that names a browser fixture (`page`, say, as a parameter's name) is given the
    # browser's session-wide parameter, and pytest then runs the browser tests right after
    # it, in the middle of the suite: each one's flush leaves the tests that follow without
    # the migrated rows. Browser tests live in tests/browser, where they run last.
    browsing = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(getattr(item, "callspec", None), "params", {})
        and not item.nodeid.startswith("tests/browser/")
    ]
    if browsing:
        raise pytest.UsageError(
            "a browser fixture outside tests/browser (rename the parameter or move the "
            "test): " + ", ".join(browsing)
        )


@pytest.fixture(scope="session", autouse=True)
def _private_files(tmp_path_factory):
    """Attachments written by tests go to a temporary folder, never the checkout's."""
    from django.conf import settings

    settings.PRIVATE_FILES_ROOT = tmp_path_factory.mktemp("private-files")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def program(db):
    return ProgramFactory(name="Pediatrics Residency", slug="peds")


@pytest.fixture
def other_program(db):
    return ProgramFactory(name="Surgery Residency", slug="surgery", specialty="Surgery")


def _member(program, role, **kwargs):
    return MembershipFactory(program=program, role=role, **kwargs).user


@pytest.fixture
def director(program):
    return _member(program, Role.DIRECTOR, user__email="director@example.org")


@pytest.fixture
def coordinator(program):
    return _member(program, Role.COORDINATOR, user__email="coordinator@example.org")


@pytest.fixture
def faculty(program):
    user = _member(program, Role.FACULTY, user__email="faculty@example.org")
    GuideProfileFactory(user=user)
    return user


@pytest.fixture
def resident(program):
    return _member(program, Role.RESIDENT, pgy=1, user__email="resident@example.org")


@pytest.fixture
def outsider(other_program):
    """A member of another program: sees nothing of ours."""
    return _member(other_program, Role.DIRECTOR, user__email="outsider@example.org")


@pytest.fixture
def stranger(db):
    """A user with no program at all."""
    return UserFactory(email="stranger@example.org")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so that figures cached by one (keyed by ids
    and times a rolled-back test may reuse) never answer another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def computed_pages(settings):
    """Pages computed on every request, never served from a kept copy (dyad.changes.pages):
    for tests that count what a page computes, or read its context, more than once."""
    settings.DYAD_PAGE_CACHE_SECONDS = 0
