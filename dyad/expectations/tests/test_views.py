import csv
import io

import pytest
from django.urls import reverse

from dyad.expectations import services
from dyad.expectations.factories import acknowledge, send_year
from dyad.expectations.models import ExpectationsRequest, LeadershipAgreement
from dyad.meetings.models import CadencePolicy
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role

pytestmark = pytest.mark.django_db


def doc_url(program, year, audience, name="document"):
    return reverse(
        f"expectations:{name}", kwargs={"slug": program.slug, "year": year, "audience": audience}
    )


def index_url(program):
    return reverse("expectations:index", args=[program.slug])


def test_the_document_shows_the_programs_cadence_and_what_leaders_see(
    client, program, director, resident, year
):
    CadencePolicy.objects.create(program=program, kind=GuidanceKind.MENTORING, max_gap_days=45)
    send_year(program, year, director)
    client.force_login(resident)
    text = client.get(doc_url(program, year, "learners")).text
    assert "then at least one every 45 days" in text
    assert "Shared meeting summaries, if the learner allows it" in text
    assert "Private notes: only their author ever reads them" in text
    assert "I have read and accept these expectations" in text


def test_acknowledging_from_the_page(client, program, director, resident, year):
    send_year(program, year, director)
    client.force_login(resident)
    response = client.post(doc_url(program, year, "learners", "acknowledge"), {"version": "1"})
    assert response.status_code == 302
    request = ExpectationsRequest.objects.get(person=resident)
    assert request.acknowledged_version == 1 and request.acknowledged_at is not None
    page = client.get(doc_url(program, year, "learners")).text
    assert "I have read and accept" not in page and "Acknowledged" in page


def test_acknowledging_an_old_version_says_why_and_records_nothing(
    client, program, director, resident, year
):
    send_year(program, year, director)
    services.document_save(
        program=program,
        year=year,
        audience="learners",
        expectations="v2",
        confidentiality="C",
        acting_user=director,
    )
    client.force_login(resident)
    response = client.post(
        doc_url(program, year, "learners", "acknowledge"), {"version": "1"}, follow=True
    )
    assert "new version" in response.text
    assert ExpectationsRequest.objects.get(person=resident).acknowledged_version is None


def test_a_draft_is_for_leaders_only(client, program, director, resident, year):
    services.document_save(
        program=program,
        year=year,
        audience="learners",
        expectations="DRAFT-TEXT",
        confidentiality="C",
        acting_user=director,
    )
    client.force_login(resident)
    assert client.get(doc_url(program, year, "learners")).status_code == 404
    client.force_login(director)
    assert "DRAFT-TEXT" in client.get(doc_url(program, year, "learners")).text


def test_an_unknown_audience_or_year_is_not_found(client, program, director, year):
    client.force_login(director)
    assert client.get(doc_url(program, year, "others")).status_code == 404
    assert client.get(doc_url(program, 1800, "learners")).status_code == 404


def test_editing_starts_from_the_default_and_saves_a_draft(client, program, director, year):
    from dyad.fields import SUBMISSION_KEY

    client.force_login(director)
    page = client.get(doc_url(program, year, "guides", "edit"))
    assert "Listen first" in page.text
    key = page.context["form"][SUBMISSION_KEY].value()
    response = client.post(
        doc_url(program, year, "guides", "edit"),
        {
            "expectations": "Meet your mentee in July.",
            "confidentiality": "Between you two.",
            SUBMISSION_KEY: str(key),
        },
    )
    assert response.status_code == 302
    doc = program.expectations_documents.get()
    assert (doc.expectations, doc.version, doc.sent_at) == ("Meet your mentee in July.", 1, None)


def test_the_home_asks_a_learner_to_read_them_until_acknowledged(
    client, program, director, resident, year
):
    send_year(program, year, director)
    client.force_login(resident)
    home = reverse("home:home", args=[program.slug])
    assert client.get(home).context["learner"]["step"].kind == "expectations"
    acknowledge(program, year, "learners", resident)
    assert client.get(home).context["learner"]["step"].kind != "expectations"


def test_the_home_asks_a_leader_to_agree_to_the_consent_terms(client, program, director):
    client.force_login(director)
    home = reverse("home:home", args=[program.slug])
    assert "Read the consent terms" in client.get(home).text
    response = client.post(reverse("expectations:leadership", args=[program.slug]), {"agree": "on"})
    assert response.status_code == 302
    assert LeadershipAgreement.objects.filter(person=director).exists()
    assert "Read the consent terms" not in client.get(home).text


def test_agreeing_needs_the_box_ticked(client, program, director):
    client.force_login(director)
    response = client.post(reverse("expectations:leadership", args=[program.slug]), {})
    assert response.status_code == 200
    assert "Tick the box" in response.text
    assert not LeadershipAgreement.objects.exists()


def _people(program, n, tag):
    for i in range(n):
        MembershipFactory(program=program, role=Role.RESIDENT, user__email=f"r{tag}{i}@h.org")
        MembershipFactory(program=program, role=Role.FACULTY, user__email=f"f{tag}{i}@h.org")


def test_status_shows_three_groups_with_counts_and_filters(
    client, program, director, coordinator, resident, year
):
    _people(program, 2, "a")
    send_year(program, year, director)
    acknowledge(program, year, "learners", resident)
    services.leadership_agree(program=program, year=year, acting_user=coordinator)
    client.force_login(director)
    response = client.get(index_url(program))
    counts = response.context["status"]["counts"]
    assert counts["learners"] == {"total": 3, "done": 1}
    assert counts["guides"] == {"total": 3, "done": 0}  # two faculty and the director
    assert counts["leadership"] == {"total": 2, "done": 1}
    pending = client.get(index_url(program) + "?show=pending&group=learners")
    (group,) = pending.context["groups"]
    assert group[0] == "learners"
    assert resident.pk not in [r.person.pk for r in group[3]] and len(group[3]) == 2


def test_status_query_count_does_not_grow_with_the_roster(
    client, program, director, year, django_assert_num_queries
):
    client.force_login(director)
    send_year(program, year, director)
    for size, tag in ((1, "a"), (12, "b")):
        _people(program, size, tag)
        send_year(program, year, director)
        with django_assert_num_queries(11):  # with the kept page's version
            assert client.get(index_url(program)).status_code == 200


def test_a_large_group_shows_one_page_and_links_to_the_rest(
    client, program, director, year, monkeypatch
):
    from dyad.expectations import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    _people(program, 3, "p")
    send_year(program, year, director)
    client.force_login(director)
    response = client.get(index_url(program))
    by_key = {g[0]: g for g in response.context["groups"]}
    assert len(by_key["learners"][3]) == 2 and by_key["learners"][2]["total"] == 3
    assert "The first 2 of 3." in response.content.decode()
    assert f"?year={year}&amp;group=learners" in response.content.decode()
    second = client.get(index_url(program) + f"?year={year}&group=learners&page=2")
    ((_, _, _, rows, page),) = second.context["groups"]
    assert len(rows) == 1 and page.number == 2
    assert "Page 2 of 2" in second.content.decode()


def _learners(program, n, start=0):
    for i in range(start, start + n):
        MembershipFactory(
            program=program,
            role=Role.RESIDENT,
            user__first_name="Res",
            user__last_name=f"L{i:02}",
            user__email=f"l{i:02}@h.org",
        )


def test_a_page_of_fifty_in_the_same_queries_as_three(client, program, director, year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _learners(program, 3)
    send_year(program, year, director)
    client.force_login(director)
    url = index_url(program) + f"?year={year}&group=learners"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _learners(program, 57, start=3)
    send_year(program, year, director)
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    ((_, _, count, rows, _),) = first.context["groups"]
    assert len(rows) == 50 and count["total"] == 60
    second = client.get(url + "&page=2")
    ((_, _, _, rows, _),) = second.context["groups"]
    assert [r.person.last_name for r in rows] == [f"L{i}" for i in range(50, 60)]
    assert rows[0].request.queued_at is not None  # the whole request, for the rows shown
    assert "people 51–60 of 60" in second.content.decode()


def test_the_name_search_and_the_filter_go_along_to_the_next_page(client, program, director, year):
    _learners(program, 60)
    send_year(program, year, director)
    acknowledge(
        program,
        year,
        "learners",
        MembershipFactory._meta.model.objects.get(user__email="l00@h.org").user,
    )
    client.force_login(director)
    response = client.get(index_url(program) + f"?year={year}&group=learners&show=pending&q=res")
    ((_, _, count, rows, page),) = response.context["groups"]
    assert page.paginator.count == 59 and count == {"total": 60, "done": 1}
    body = response.content.decode()
    assert f"?year={year}&amp;group=learners&amp;show=pending&amp;q=res&amp;page=2" in body
    found = client.get(index_url(program) + f"?year={year}&q=L07")
    by_key = {g[0]: g for g in found.context["groups"]}
    assert [r.person.last_name for r in by_key["learners"][3]] == ["L07"]
    assert by_key["learners"][2]["total"] == 60  # the counts are of everyone
    assert 'value="L07"' in found.content.decode()


def test_csv_lists_everyone_with_their_state(client, program, director, resident, year):
    send_year(program, year, director)
    acknowledge(program, year, "learners", resident)
    client.force_login(director)
    response = client.get(reverse("expectations:status_csv", args=[program.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Group", "Name", "E-mail"]
    by_email = {r[2]: r for r in rows[1:]}
    assert by_email[resident.email][6] == "Acknowledged"
    assert by_email[resident.email][7] == "1"
    groups = {r[0] for r in rows[1:]}
    assert groups == {"Learners", "Mentors, coaches and advisors", "Program leadership"}


def test_sending_from_the_page_twice_says_nothing_new(client, program, director, resident, year):
    client.force_login(director)
    url = reverse("expectations:send", args=[program.slug, year])
    first = client.post(url, follow=True)
    assert "are asked to acknowledge" in first.text
    second = client.post(url, follow=True)
    assert "nothing new was sent" in second.text
    assert ExpectationsRequest.objects.count() == 2


def test_a_learner_sees_their_own_documents_not_the_status(
    client, program, director, resident, faculty, year
):
    send_year(program, year, director)
    client.force_login(resident)
    response = client.get(index_url(program))
    assert "status" not in response.context
    assert [d["audience"].value for d in response.context["own"]] == ["learners"]
    assert faculty.email not in response.text


def test_kinds_with_the_same_cadence_are_named_together(client, program, director, year):
    CadencePolicy.objects.create(program=program, kind=GuidanceKind.COACHING, max_gap_days=30)
    send_year(program, year, director)
    client.force_login(director)
    text = client.get(doc_url(program, year, "guides")).text
    assert "Mentoring, advising and peer mentoring: A first meeting in July" in text
    assert "Coaching: A first meeting in July" in text
