"""The faculty load page: every guide of the program, kind by kind, against places and
FTE effort; filters and sort in the address; CSV; a fixed number of queries."""

import csv
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.faculty.factories import guide, pairing
from dyad.faculty.selectors import load_rows
from dyad.lib.faculty_load import Flag
from dyad.profiles.models import GuideOffer
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role

MENTORING, COACHING = GuidanceKind.MENTORING, GuidanceKind.COACHING


def url(program, **params):
    base = reverse("faculty:load", args=[program.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def row_of(rows, name, kind):
    return next(r for r in rows if r.name == name and r.kind == kind)


def test_kinds_are_kept_apart_with_their_places_effort_and_flags(program):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2, COACHING: 1}, fte=Decimal(20))
    pairing(program=program, guide=ada)
    pairing(program=program, guide=ada, kind=COACHING)
    rows = load_rows(program)
    mentoring, coaching = (
        row_of(rows, "Ada Lovelace", MENTORING),
        row_of(rows, "Ada Lovelace", COACHING),
    )
    assert (mentoring.learners, mentoring.capacity, mentoring.flags) == (1, 2, ())
    assert (coaching.learners, coaching.capacity, coaching.flags) == (1, 1, (Flag.AT,))
    assert mentoring.ratio == Decimal("0.5")  # one learner per 0.2 FTE → 0.5 per 0.1


def test_places_lowered_below_the_learners_taken_flag_over_capacity(program):
    bo = guide(program, "Bo", "Brown", offers={MENTORING: 3}, fte=None)
    for _ in range(3):
        pairing(program=program, guide=bo)
    GuideOffer.objects.filter(profile__user=bo).update(capacity=1)
    row = row_of(load_rows(program), "Bo Brown", MENTORING)
    assert row.flags == (Flag.OVER, Flag.NO_FTE)


def test_a_faculty_member_with_no_places_is_listed_and_flagged(program):
    MembershipFactory(
        program=program, role=Role.FACULTY, user__first_name="No", user__last_name="Offer"
    )
    row = row_of(load_rows(program), "No Offer", "")
    assert Flag.NO_CAPACITY in row.flags and Flag.NO_FTE in row.flags


def test_a_guide_of_another_program_who_guides_our_learner_is_listed(program, other_program):
    surgeon = guide(other_program, "Sam", "Surgeon", offers={MENTORING: 2}, department="Surgery")
    pairing(program=other_program, guide=surgeon)
    pairing(program=program, guide=surgeon)
    row = row_of(load_rows(program), "Sam Surgeon", MENTORING)
    # Places are the guide's across programs: both learners take one.
    assert (row.learners, row.learners_here, row.flags) == (2, 1, (Flag.AT,))
    assert not [r for r in load_rows(other_program) if r.name != "Sam Surgeon" and r.learners_here]


def test_a_guide_of_another_program_without_our_learners_is_not(program, other_program):
    guide(other_program, "Sam", "Surgeon", offers={MENTORING: 2})
    assert not [r for r in load_rows(program) if r.name == "Sam Surgeon"]


def test_filter_and_sort_are_read_from_the_address(client, program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 1, COACHING: 2})
    cy = guide(program, "Cy", "Young", offers={MENTORING: 3})
    pairing(program=program, guide=ada)
    pairing(program=program, guide=cy)
    GuideOffer.objects.filter(profile__user=cy).update(capacity=0)
    client.force_login(director)

    over = client.get(url(program, flag="over"))
    assert [r.name for r, _ in over.context["table"]] == []
    no_capacity = client.get(url(program, flag="no_capacity", kind=MENTORING))
    assert [r.name for r, *_ in no_capacity.context["table"]] == ["Cy Young"]
    coaching = client.get(url(program, kind=COACHING))
    assert {(r.name, r.kind) for r, *_ in coaching.context["table"]} == {("Ada Lovelace", COACHING)}

    by_load = client.get(url(program, sort="load", dir="desc", kind=MENTORING))
    assert [r.name for r, *_ in by_load.context["table"]] == ["Cy Young", "Ada Lovelace"]
    nonsense = client.get(url(program, sort="drop", flag="x", kind="y"))
    assert nonsense.status_code == 200
    assert nonsense.context["chosen"] == {
        "sort": "name",
        "desc": False,
        "kind": "",
        "flag": "",
        "q": "",
    }


def test_the_page_shows_totals_and_the_chart_with_its_table(client, program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2}, department="Neonatology")
    pairing(program=program, guide=ada)
    client.force_login(director)
    response = client.get(url(program))
    body = response.content.decode()
    assert response.context["totals"].learners == 1
    assert 'id="load-by-department-title"' in body
    assert '<th scope="row">Neonatology</th>' in body
    assert reverse("faculty:guide_portfolio", args=[program.slug, ada.uuid]) in body


def test_csv_has_the_same_rows_and_keeps_formulas_as_text(client, program, director):
    evil = guide(program, "=HYPERLINK(1)", "Smith", offers={MENTORING: 2}, department="@dept")
    pairing(program=program, guide=evil)
    client.force_login(director)
    response = client.get(reverse("faculty:load_csv", args=[program.slug]) + "?kind=mentoring")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Guide"
    assert rows[1][:6] == ["'=HYPERLINK(1) Smith", "'@dept", "Mentoring", "1", "1", "2"]


def test_queries_do_not_grow_with_the_guides(client, program, other_program, director):
    pairing(program=program, guide=guide(program, "A", "One", offers={MENTORING: 2}))
    client.force_login(director)
    with CaptureQueriesContext(connection) as few:
        client.get(url(program))
    for n in range(8):
        g = guide(program, f"G{n}", "Many", offers={MENTORING: 2, COACHING: 1})
        pairing(program=program, guide=g)
        pairing(program=program, guide=g, kind=COACHING, active=False)
    outside = guide(other_program, "Out", "Side", offers={MENTORING: 2})
    pairing(program=program, guide=outside)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(program))
    # The director (a guiding role, no places), the first guide, 8 × 2 kinds, the outsider.
    assert len(response.context["table"]) == 1 + 1 + 16 + 1
    assert len(many.captured_queries) == len(few.captured_queries)


def test_query_budget(client, program, director, django_assert_num_queries):
    for n in range(5):
        pairing(program=program, guide=guide(program, f"G{n}", "Many", offers={MENTORING: 2}))
    client.force_login(director)
    # Session, user, membership, the kept page's version; the guides, their places, their
    # learners.
    with django_assert_num_queries(7):
        client.get(url(program))


def many_guides(program, n, start=0):
    """Guides named G00 Many, G01 Many … with one mentoring place and one learner each."""
    for i in range(start, start + n):
        pairing(program=program, guide=guide(program, f"G{i:02}", "Many", offers={MENTORING: 1}))


def test_fifty_rows_a_page_in_the_same_queries_and_totals_of_every_row(client, program, director):
    many_guides(program, 3)
    client.force_login(director)
    with CaptureQueriesContext(connection) as few:
        client.get(url(program))
    many_guides(program, 57, start=3)
    with CaptureQueriesContext(connection) as many:
        first = client.get(url(program, kind=MENTORING))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(first.context["table"]) == 50
    assert first.context["totals"].guides == 60  # every row, not the page's
    assert first.context["totals"].learners == 60
    assert first.context["departments"] == [("Pediatrics", 60, 60)]

    second = client.get(url(program, kind=MENTORING, page=2))
    assert [r.name for r, _ in second.context["table"]] == [f"G{i} Many" for i in range(50, 60)]
    assert "rows 51–60 of 60" in second.content.decode()


def test_paging_keeps_the_sort_filters_and_search_and_sorting_starts_again(
    client, program, director
):
    many_guides(program, 60)
    client.force_login(director)
    response = client.get(url(program, kind=MENTORING, sort="learners", dir="desc", q="many"))
    body = response.content.decode()
    assert "?kind=mentoring&amp;sort=learners&amp;dir=desc&amp;q=many&amp;page=2" in body
    second = client.get(url(program, kind=MENTORING, sort="learners", dir="desc", page=2))
    assert 'aria-sort="descending"' in second.content.decode()
    # A new sort from page 2 starts at page 1.
    assert "?kind=mentoring&amp;sort=name&amp;page=2" not in second.content.decode()
    assert "?kind=mentoring&amp;sort=name" in second.content.decode()


def test_the_name_search_narrows_the_table_not_the_totals(client, program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2})
    pairing(program=program, guide=ada)
    pairing(program=program, guide=guide(program, "Cy", "Young", offers={MENTORING: 2}))
    client.force_login(director)
    response = client.get(url(program, q="LOVE"))
    assert [r.name for r, _ in response.context["table"]] == ["Ada Lovelace"]
    assert response.context["totals"].learners == 2
    assert 'value="LOVE"' in response.content.decode()
    nobody = client.get(url(program, q="zzz"))
    assert "No guide matches “zzz”." in nobody.content.decode()


def test_csv_has_every_row_beyond_the_first_page(client, program, director):
    many_guides(program, 60)
    client.force_login(director)
    response = client.get(reverse("faculty:load_csv", args=[program.slug]) + "?kind=mentoring")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 60


def test_guides_and_learners_may_not_see_the_load(client, program, faculty, resident):
    for user in (faculty, resident):
        client.force_login(user)
        assert client.get(url(program)).status_code == 403
