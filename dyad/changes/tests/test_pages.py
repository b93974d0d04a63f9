"""Kept pages: served again to their viewer only while nothing they show has changed, only
after the access check, and with the requester's own form token."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.changes import pages
from dyad.profiles.models import ContentArea
from dyad.programs.models import Program


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def token_of(response) -> str:
    return re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', response.content.decode()).group(1)


@pytest.fixture
def url(program):
    return reverse("meetings:compliance", kwargs={"slug": program.slug})


@pytest.fixture
def leader(client, director):
    client.force_login(director)
    return client


def test_a_page_is_served_from_its_copy_until_its_program_changes(
    leader, url, program, other_program
):
    first, computed = get(leader, url)
    again, served = get(leader, url)
    assert served < computed
    assert again.content.decode().replace(token_of(again), "") == first.content.decode().replace(
        token_of(first), ""
    )
    # Another program's change is not this page's.
    ContentArea.objects.create(program=other_program, name="Operative ethics")
    assert get(leader, url)[1] == served
    # Any write of this program, however made, is.
    Program.objects.filter(pk=program.pk).update(name="Pediatrics, renamed")
    renamed, queries = get(leader, url)
    assert queries == computed
    assert "Pediatrics, renamed" in renamed.content.decode()


def test_each_viewer_has_their_own_copy(leader, url, coordinator):
    get(leader, url)
    other = Client()
    other.force_login(coordinator)
    response, _ = get(other, url)
    assert coordinator.email in response.content.decode()


def test_the_access_check_comes_before_the_copy(leader, url):
    get(leader, url)
    with override_settings(DYAD_REQUIRE_MFA_FOR_LEADERS=True):
        response = leader.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_a_copy_carries_the_form_token_of_whoever_it_is_served_to(url, director):
    first = Client(enforce_csrf_checks=True)
    first.force_login(director)
    get(first, url)
    second = Client(enforce_csrf_checks=True)  # the same person in another browser
    second.force_login(director)
    response, _ = get(second, url)
    token = token_of(response)
    assert f'name="csrfmiddlewaretoken" value="{token}"' in response.content.decode()
    logout = second.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302


def test_nothing_is_kept_when_turned_off(leader, url):
    computed = get(leader, url)[1]
    with override_settings(DYAD_PAGE_CACHE_SECONDS=0):
        # Each time computed, without the version's query.
        assert get(leader, url)[1] == get(leader, url)[1] == computed - 1


def test_a_page_with_a_message_to_show_is_neither_kept_nor_served_from_a_copy(director):
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = director
    assert pages._keepable(request)
    messages.success(request, "Saved.")
    assert not pages._keepable(request)


def test_the_version_is_read_before_anything_the_page_shows(leader, url):
    """A write that commits while the page is made changes the version after the one the
    page is kept under: the version comes before the viewer's roles and the page's data."""
    with CaptureQueriesContext(connection) as queries:
        leader.get(url)
    tables = [q["sql"] for q in queries.captured_queries]
    version = next(i for i, sql in enumerate(tables) if "changes_change" in sql)
    assert not any("programs_membership" in sql for sql in tables[:version])
    assert not any("meetings_" in sql or "relationships_" in sql for sql in tables[:version])


def test_a_copy_kept_by_one_release_is_not_served_by_the_next(leader, url, monkeypatch):
    computed = get(leader, url)[1]
    served = get(leader, url)[1]
    assert served < computed
    monkeypatch.setattr(pages, "release", lambda: "the next release")
    assert get(leader, url)[1] == computed
    assert get(leader, url)[1] == served


def test_the_release_is_a_digest_of_dyads_files_read_once_a_process():
    assert re.fullmatch(r"[0-9a-f]{64}", pages.release())
    assert pages.release() is pages.release()


def _first_read(queries, *tables) -> int:
    """The first query reading one of `tables`, the version's own aside."""
    return next(
        i
        for i, query in enumerate(queries.captured_queries)
        if "changes_change" not in query["sql"]
        and any(f'"{table}"' in query["sql"] for table in tables)
    )


def _version_read(queries) -> int:
    return next(
        i for i, query in enumerate(queries.captured_queries) if "changes_change" in query["sql"]
    )


def test_pages_of_several_programs_read_the_version_before_the_list_of_programs(
    client, program, faculty
):
    """One's own profile lists one's programs, the GME office page its institutions':
    a membership or program added while the page is made must land after the version."""
    from dyad.programs.models import InstitutionAdmin

    InstitutionAdmin.objects.create(user=faculty, institution=program.institution)
    client.force_login(faculty)
    for url in (reverse("profiles:edit_guide"), reverse("insight:institution")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        version = _version_read(queries)
        assert version < _first_read(queries, "programs_membership", "programs_institutionadmin")
        assert version < _first_read(queries, "programs_program")
