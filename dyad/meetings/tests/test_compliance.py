from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dyad.meetings import selectors, services
from dyad.meetings.models import CadencePolicy
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import (
    acknowledge_both,
    make_guide,
    make_learner,
    make_relationship,
    revise_agreement,
)

LONG_AGO = timezone.localdate() - timedelta(days=200)


def active(program, **kwargs):
    rel = make_relationship(program=program, start_date=LONG_AGO, **kwargs)
    acknowledge_both(rel)
    return rel


def held(rel, days_ago, mode="in_person"):
    return services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(days=days_ago),
        duration_minutes=30,
        mode=mode,
        place="Room 1",
    )


def url(program, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("meetings:compliance", args=[program.slug]) + (f"?{query}" if query else "")


def test_a_relationship_without_meetings_for_months_is_flagged(program):
    rel = active(program)
    page = selectors.compliance_page(program, {})
    [row] = page["page"].object_list
    assert row["relationship"] == rel
    assert row["result"].status.value in {"overdue", "first_meeting_missing"}


def test_the_table_filters_by_status_and_kind(client, program, director):
    quiet = active(program)
    busy = active(program, kind=GuidanceKind.COACHING)
    for days in (5, 35, 65):
        held(busy, days)
    client.force_login(director)
    coaching = client.get(url(program, kind="coaching"))
    assert [r["relationship"] for r in coaching.context["page"]] == [busy]
    status = selectors.compliance_page(program, {})["page"].object_list
    by_rel = {row["relationship"]: row["result"].status.value for row in status}
    flagged = client.get(url(program, status=by_rel[quiet]))
    shown = list(flagged.context["page"])
    assert quiet in [r["relationship"] for r in shown]
    assert {r["result"].status.value for r in shown} == {by_rel[quiet]}


def test_counts_per_status_add_up_to_every_relationship(program):
    for _ in range(3):
        active(program)
    page = selectors.compliance_page(program, {})
    assert sum(n for _, n in page["counts"]) == 3 == page["total"]


def test_the_table_filters_by_guide_and_pgy(client, program, director):
    o_brien = make_guide(program, "Megan", "O'Brien")
    other = make_guide(program, "Abel", "Zeller")
    first_year = active(program, learner=make_learner(program, pgy=1), guide=o_brien)
    third_year = active(program, learner=make_learner(program, pgy=3), guide=other)
    client.force_login(director)

    def shown(**params):
        response = client.get(url(program, **params))
        return [r["relationship"] for r in response.context["page"]], response

    rows, response = shown(guide=o_brien.uuid)
    assert rows == [first_year]
    assert (
        f'<option value="{o_brien.uuid}" selected>Megan O&#x27;Brien</option>'
        f'<option value="{other.uuid}">Abel Zeller</option>'
    ) in response.content.decode()
    assert shown(pgy=3)[0] == [third_year]
    assert shown(pgy=2)[0] == []
    assert shown(guide="not-a-uuid")[0] == []
    assert shown(guide=other.uuid, pgy=1)[0] == []


def test_the_program_rules_are_used(program):
    rel = active(program)
    revise_agreement(rel, rel.learner, meeting_frequency="quarterly")
    acknowledge_both(rel)
    held(rel, 40)
    usual = selectors.compliance_page(program, {})["page"].object_list[0]["result"]
    CadencePolicy.objects.create(
        program=program,
        kind=GuidanceKind.MENTORING,
        max_gap_days=30,
        min_in_person_per_year=0,
        monthly_months=0,
    )
    strict = selectors.compliance_page(program, {})["page"].object_list[0]["result"]
    assert strict.status.severity >= usual.status.severity
    assert strict.next_due < usual.next_due
    assert strict.next_due == strict.last_meeting + timedelta(days=30)


@pytest.mark.django_db
def test_the_table_query_count_does_not_grow_with_relationships(
    computed_pages, client, program, director
):
    client.force_login(director)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(program)).status_code == 200
        return len(ctx.captured_queries)

    rel = active(program)
    held(rel, 10)
    few = count()
    for _ in range(12):
        more = active(program)
        held(more, 20)
        held(more, 50, mode="video")
    assert count() == few
    # Session, user, the program with the roles; the learners' PGY, the active pairs (once, for the
    # statuses, the filters and the guides), the rules, the data version the statuses are
    # cached under, the page's rows. Not yet cached: the agreements and the meetings for
    # the statuses.
    assert few == 10, few
    assert count() == few - 2


def test_cadence_rules_page_saves_a_kind_and_audits_it(client, program, director):
    client.force_login(director)
    response = client.post(
        reverse("meetings:cadence", args=[program.slug]),
        {
            "kind": "coaching",
            "coaching-first_meeting_in_person": "on",
            "coaching-first_meeting_days_midyear": 21,
            "coaching-monthly_months": 6,
            "coaching-max_gap_days": 45,
            "coaching-min_in_person_per_year": 2,
            "coaching-due_soon_days": 7,
            "coaching-escalation_grace_days": 10,
        },
    )
    assert response.status_code == 302
    saved = CadencePolicy.objects.get(program=program, kind="coaching")
    assert (saved.max_gap_days, saved.monthly_months) == (45, 6)
    from dyad.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="cadence_policy.saved").exists()


def test_cadence_rules_refuse_nonsense_with_a_message(client, program, director):
    client.force_login(director)
    response = client.post(
        reverse("meetings:cadence", args=[program.slug]),
        {"kind": "mentoring", "mentoring-max_gap_days": "-3"},
    )
    assert response.status_code == 200
    assert not CadencePolicy.objects.filter(program=program).exists()


def test_policies_default_to_the_program_year_start(program):
    program.academic_year_start_month = 8
    program.save()
    policies = selectors.policies_for(program)
    assert policies["mentoring"].year_start_month == 8
    assert (policies["coaching"].max_gap_days, policies["coaching"].min_in_person_per_year) == (
        92,
        3,
    )
