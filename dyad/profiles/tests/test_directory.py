import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile
from dyad.profiles.tests.helpers import count_queries, make_guide
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Membership, Role
from dyad.relationships.factories import make_learner, make_relationship


def url(program, **params):
    base = reverse("profiles:directory", args=[program.slug])
    return f"{base}?{urlencode(params)}" if params else base


def names(response):
    return [g.user.last_name for g in response.context["page"].object_list]


@pytest.fixture
def area(db):
    return ContentArea.objects.get(program=None, slug="research")


@pytest.mark.django_db
def test_lists_published_guides_of_the_program_ordered_by_last_name(
    client, program, other_program, resident
):
    make_guide(program, "Zoe", "Young")
    make_guide(program, "Amir", "Baker")
    make_guide(other_program, "Olga", "Other")
    unpublished = make_guide(program, "Nell", "Nooffer")
    unpublished.offers.update(capacity=0)
    gone = make_guide(program, "Lea", "Left")
    gone.user.memberships.update(is_active=False)
    client.force_login(resident)
    response = client.get(url(program))
    assert response.status_code == 200
    assert names(response) == ["Baker", "Young"]
    assert "2 guides in the directory." in response.text


@pytest.mark.django_db
def test_card_shows_what_a_resident_needs_to_choose(client, program, resident, area):
    guide = make_guide(
        program,
        "Maya",
        "Okafor",
        title="Assistant Professor",
        department="Pediatrics",
        bio="I study asthma in schools. " + "word " * 60,
        offers={"mentoring": 2, "coaching": 1},
        areas=[area],
        accepting_new=True,
    )
    client.force_login(resident)
    text = client.get(url(program)).text
    assert ">MO<" in text
    assert "Maya Okafor" in text
    assert "Assistant Professor" in text
    assert "Pediatrics" in text
    assert "Research" in text
    assert "Mentoring · 2 of 2 places left" in text
    assert "Coaching · 1 of 1 place left" in text
    assert "Accepting new learners" in text
    assert "I study asthma in schools." in text
    assert "word " * 40 not in text  # the bio is an excerpt
    assert reverse("profiles:guide_detail", args=[program.slug, guide.uuid]) in text


@pytest.mark.django_db
def test_card_hides_offers_with_no_capacity_and_areas_of_other_programs(
    client, program, other_program, resident
):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    guide = make_guide(program, offers={"mentoring": 2, "advising": 0}, areas=[foreign])
    client.force_login(resident)
    text = client.get(url(program)).text
    assert "Advising" not in text.split('id="directory-results"')[1]
    assert "Trauma" not in text
    assert guide.offers.count() == 2


@pytest.mark.django_db
def test_search_matches_name_words_and_content_areas(client, program, resident, area):
    make_guide(program, "Maya", "Okafor", bio="Asthma in schools")
    make_guide(program, "Sam", "Reyes", areas=[area], bio="Kidneys")
    make_guide(program, "Ana", "Lopez", bio="Sleep")
    client.force_login(resident)
    assert names(client.get(url(program, q="okafor"))) == ["Okafor"]
    assert names(client.get(url(program, q="asthma schools"))) == ["Okafor"]
    assert names(client.get(url(program, q="research"))) == ["Reyes"]
    response = client.get(url(program, q="nobody-like-this"))
    assert names(response) == []
    assert "No guide matches this search." in response.text


@pytest.mark.django_db
def test_filter_by_content_area_of_the_program(client, program, resident, area):
    simulation = ContentArea.objects.create(program=program, name="Simulation", slug="sim")
    make_guide(program, last="Research", areas=[area])
    make_guide(program, last="Simulation", areas=[simulation])
    make_guide(program, last="Neither")
    client.force_login(resident)
    assert names(client.get(url(program, area="research"))) == ["Research"]
    assert names(client.get(url(program, area="sim"))) == ["Simulation"]


@pytest.mark.django_db
def test_area_of_another_program_is_not_a_filter(client, program, other_program, resident):
    foreign = ContentArea.objects.create(program=other_program, name="Trauma", slug="trauma")
    make_guide(program, last="Tagged", areas=[foreign])
    make_guide(program, last="Plain")
    client.force_login(resident)
    response = client.get(url(program))
    assert "Trauma" not in response.text
    # An unknown area is ignored rather than shown as an error.
    assert names(client.get(url(program, area="trauma"))) == ["Plain", "Tagged"]


@pytest.mark.django_db
def test_filter_by_kind_keeps_only_guides_with_room_in_it(client, program, resident):
    make_guide(program, last="Coach", offers={"coaching": 2})
    make_guide(program, last="Full", offers={"mentoring": 1, "coaching": 0})
    make_guide(program, last="Mentor", offers={"mentoring": 3})
    client.force_login(resident)
    assert names(client.get(url(program, kind="coaching"))) == ["Coach"]
    assert names(client.get(url(program, kind="mentoring"))) == ["Full", "Mentor"]


@pytest.mark.django_db
def test_filter_by_department_offers_the_programs_departments(client, program, resident):
    make_guide(program, last="Peds", department="Pediatrics")
    make_guide(program, last="Peds2", department="Pediatrics")
    make_guide(program, last="Surg", department="Surgery")
    make_guide(program, last="None", department="")
    client.force_login(resident)
    response = client.get(url(program, department="Surgery"))
    assert names(response) == ["Surg"]
    choices = [value for value, _ in response.context["form"].fields["department"].choices]
    assert choices == ["", "Pediatrics", "Surgery"]


@pytest.mark.django_db
def test_the_departments_offered_follow_the_profiles_and_the_pool(client, program, resident):
    """They are cached: a department added, emptied, or of a guide who left is seen."""
    surgeon = make_guide(program, last="Surg", department="Surgery")
    client.force_login(resident)

    def departments():
        response = client.get(url(program))
        return [value for value, _ in response.context["form"].fields["department"].choices]

    assert departments() == ["", "Surgery"]
    peds = make_guide(program, last="Peds", department="Pediatrics")
    assert departments() == ["", "Pediatrics", "Surgery"]
    GuideProfile.objects.filter(pk=surgeon.pk).update(department="Neurosurgery")
    assert departments() == ["", "Neurosurgery", "Pediatrics"]
    Membership.objects.filter(user=peds.user, program=program).update(is_active=False)
    assert departments() == ["", "Neurosurgery"]


@pytest.mark.django_db
def test_filter_by_accepting_new_learners(client, program, resident):
    make_guide(program, last="Open", accepting_new=True)
    make_guide(program, last="Closed", accepting_new=False)
    client.force_login(resident)
    assert names(client.get(url(program, accepting="on"))) == ["Open"]
    assert "Not accepting new learners" in client.get(url(program)).text


@pytest.mark.django_db
def test_filters_combine(client, program, resident, area):
    make_guide(program, last="Match", areas=[area], offers={"coaching": 1}, department="Peds")
    make_guide(program, last="WrongKind", areas=[area], department="Peds")
    make_guide(program, last="WrongDept", areas=[area], offers={"coaching": 1}, department="Surg")
    client.force_login(resident)
    response = client.get(url(program, area="research", kind="coaching", department="Peds"))
    assert names(response) == ["Match"]
    assert "1 guide matches." in response.text


@pytest.mark.django_db
def test_directory_is_paginated_by_twenty(client, program, resident):
    for i in range(25):
        make_guide(program, last=f"Guide{i:02d}")
    client.force_login(resident)
    first = client.get(url(program))
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.text
    second = client.get(url(program, page=2))
    assert names(second) == [f"Guide{i:02d}" for i in range(20, 25)]


@pytest.mark.django_db
def test_pagination_links_keep_the_filters(client, program, resident):
    for i in range(21):
        make_guide(program, last=f"Guide{i:02d}", department="Pediatrics")
    client.force_login(resident)
    response = client.get(url(program, department="Pediatrics"))
    assert "department=Pediatrics&amp;page=2" in response.text


@pytest.mark.django_db
def test_htmx_request_renders_only_the_results(client, program, resident):
    make_guide(program, "Maya", "Okafor")
    client.force_login(resident)
    response = client.get(url(program, q="okafor"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    templates = [t.name for t in response.templates]
    assert templates[0] == "profiles/_directory_results.html"
    assert "base.html" not in templates
    assert "<html" not in response.text
    assert "<form" not in response.text
    assert "Maya Okafor" in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_full_page_has_the_htmx_form_and_works_without_it(client, program, resident):
    client.force_login(resident)
    response = client.get(url(program))
    assert [t.name for t in response.templates][:2] == ["profiles/directory.html", "base.html"]
    assert 'method="get"' in response.text
    assert 'hx-target="#directory-results"' in response.text
    assert 'hx-push-url="true"' in response.text
    assert 'id="directory-results"' in response.text


@pytest.mark.django_db
def test_htmx_history_restore_gets_the_whole_page(client, program, resident):
    client.force_login(resident)
    response = client.get(
        url(program), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.text


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_number_of_guides(
    client, program, resident, django_assert_max_num_queries
):
    areas = list(ContentArea.objects.filter(program=None)[:3])
    areas.append(ContentArea.objects.create(program=program, name="Simulation", slug="sim"))

    def add_guides(n):
        for i in range(n):
            make_guide(
                program,
                last=f"G{i}",
                areas=areas,
                offers={"mentoring": 2, "coaching": 1, "advising": 3},
                department=f"Dept {i % 4}",
            )

    client.force_login(resident)
    add_guides(5)
    small = count_queries(client, url(program))
    small_filtered = count_queries(client, url(program, area="sim", kind="coaching", q="G"))
    add_guides(35)
    assert count_queries(client, url(program)) == small
    assert count_queries(client, url(program, area="sim", kind="coaching", q="G")) == (
        small_filtered
    )
    filters = {"area": "sim", "kind": "coaching", "department": "Dept 1", "accepting": "on"}
    # The page's remaining places take one query; a learner's suggestions, without a
    # learner profile, one more (test_suggestions pins them with one).
    with django_assert_max_num_queries(14):
        client.get(url(program, q="G", page=2, **filters))
    with django_assert_max_num_queries(10):
        client.get(url(program, page=2), HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_every_member_may_browse(client, program, coordinator, faculty, resident):
    for user in (coordinator, faculty, resident):
        client.force_login(user)
        assert client.get(url(program)).status_code == 200


@pytest.mark.django_db
def test_peer_mentor_resident_is_listed(client, program, resident):
    make_guide(program, last="Senior", role=Role.RESIDENT, offers={"peer_mentoring": 2})
    client.force_login(resident)
    assert names(client.get(url(program, kind="peer_mentoring"))) == ["Senior"]


@pytest.mark.django_db
def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(url(program)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, program):
    response = client.get(url(program))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_guide_member_of_two_programs_is_listed_once(client, program, other_program, resident):
    guide = make_guide(program, last="Twice", offers={"mentoring": 1, "coaching": 1})
    MembershipFactory(program=program, user=guide.user, role=Role.DIRECTOR)
    MembershipFactory(program=other_program, user=guide.user, role=Role.FACULTY)
    client.force_login(resident)
    assert names(client.get(url(program))) == ["Twice"]
    assert GuideOffer.objects.filter(profile=guide).count() == 2


# --- One notion of "open to new learners": accepting AND a place left in the kind -------


def results(response) -> str:
    """The results part of the page (the filter form has an "Accepting" label of its own)."""
    return response.text.split('id="directory-results"')[1]


def fill(program, guide, kind="mentoring", n=1):
    for i in range(n):
        make_relationship(
            program=program,
            guide=guide.user,
            learner=make_learner(program, last=f"Taken{kind}{i}"),
            kind=kind,
        )


@pytest.mark.django_db
def test_a_full_guide_is_not_shown_as_accepting(client, program, resident):
    guide = make_guide(program, last="Full", offers={"mentoring": 1}, accepting_new=True)
    fill(program, guide)
    client.force_login(resident)
    text = results(client.get(url(program)))
    assert "Mentoring · full" in text
    assert "No place left" in text
    assert "Accepting new learners" not in text


@pytest.mark.django_db
def test_a_guide_not_accepting_shows_no_places_left(client, program, resident):
    make_guide(program, last="Closed", offers={"mentoring": 1}, accepting_new=False)
    client.force_login(resident)
    text = results(client.get(url(program)))
    assert "Not accepting new learners" in text
    assert "place left" not in text
    assert "places left" not in text
    assert "Mentoring" in text


@pytest.mark.django_db
def test_accepting_names_the_kinds_with_room_beside_a_full_one(client, program, resident):
    guide = make_guide(program, last="Half", offers={"mentoring": 2, "coaching": 1})
    fill(program, guide, "coaching")
    client.force_login(resident)
    text = results(client.get(url(program)))
    assert "Accepting new learners for mentoring" in text
    assert "Mentoring · 2 of 2 places left" in text
    assert "Coaching · full" in text


@pytest.mark.django_db
def test_accepting_filter_leaves_out_full_and_closed_guides(client, program, resident):
    make_guide(program, last="Open", offers={"mentoring": 2})
    full = make_guide(program, last="Full", offers={"mentoring": 1})
    fill(program, full)
    make_guide(program, last="Closed", offers={"mentoring": 2}, accepting_new=False)
    client.force_login(resident)
    assert names(client.get(url(program))) == ["Closed", "Full", "Open"]
    assert names(client.get(url(program, accepting="on"))) == ["Open"]


@pytest.mark.django_db
def test_accepting_with_a_kind_needs_room_in_that_kind(client, program, resident):
    guide = make_guide(program, last="Half", offers={"mentoring": 2, "coaching": 1})
    fill(program, guide, "coaching")
    client.force_login(resident)
    assert names(client.get(url(program, kind="coaching"))) == ["Half"]  # offers it
    assert names(client.get(url(program, kind="coaching", accepting="on"))) == []
    assert names(client.get(url(program, kind="mentoring", accepting="on"))) == ["Half"]


@pytest.mark.django_db
def test_profile_page_says_the_same_as_the_card(client, program, resident):
    closed = make_guide(program, last="Closed", offers={"mentoring": 1}, accepting_new=False)
    full = make_guide(program, last="Full", offers={"mentoring": 1})
    fill(program, full)
    client.force_login(resident)
    closed_page = client.get(reverse("profiles:guide_detail", args=[program.slug, closed.uuid]))
    assert "Not accepting new learners" in closed_page.text
    assert "place left" not in closed_page.text
    assert "Ask Ada" not in closed_page.text
    full_page = client.get(reverse("profiles:guide_detail", args=[program.slug, full.uuid]))
    assert "No place left" in full_page.text
    assert "Accepting new learners" not in full_page.text
    assert "Ask Ada" not in full_page.text


# --- Search and filters live in the URL -------------------------------------------------


@pytest.mark.django_db
def test_a_bookmarked_url_shows_its_filters_selected_and_its_results(client, program, resident):
    simulation = ContentArea.objects.create(program=program, name="Simulation", slug="sim")
    make_guide(program, last="Match", areas=[simulation], offers={"coaching": 1}, department="Peds")
    make_guide(program, last="Other", offers={"coaching": 1}, department="Peds")
    client.force_login(resident)
    params = {
        "q": "match",
        "area": "sim",
        "kind": "coaching",
        "department": "Peds",
        "accepting": "on",
    }
    response = client.get(url(program, **params))
    assert names(response) == ["Match"]
    form = response.text.split('role="search"')[1].split("</form>")[0]
    assert 'value="match"' in form
    assert '<option value="sim" selected>' in form
    assert '<option value="coaching" selected>' in form
    assert '<option value="Peds" selected>' in form
    assert re.search(r'<input type="checkbox" name="accepting"[^>]* checked', form)


@pytest.mark.django_db
def test_htmx_search_pushes_its_url_so_that_back_and_bookmarks_work(client, program, resident):
    make_guide(program, "Maya", "Okafor")
    client.force_login(resident)
    page = client.get(url(program)).text
    form = re.search(r'<form[^>]*role="search"[^>]*>', page).group(0)
    assert 'method="get"' in form
    assert 'hx-push-url="true"' in form
    # Back to a search restores the page from the server, with its form as in the URL,
    # not from a snapshot that kept the newer search's typed values.
    assert 'hx-history="false"' in page
    # The pushed URL, reloaded (or restored from history), is the whole page with the
    # same results.
    partial = client.get(url(program, q="okafor"), HTTP_HX_REQUEST="true")
    reloaded = client.get(url(program, q="okafor"))
    assert names(partial) == names(reloaded) == ["Okafor"]
    assert "<html" in reloaded.text
    # Pagination inside the results is boosted: it pushes its URL too.
    assert 'hx-boost="true"' in partial.text
