from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dyad.home import selectors, steps
from dyad.home.models import Nudge
from dyad.lib.dates import format_day
from dyad.meetings import services as meeting_services
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import (
    SafetyContactFactory,
    make_active_relationship,
    make_guide,
    make_guide_request,
    make_learner,
    make_relationship,
)

START = date(2026, 9, 1)


def home_url(program):
    return reverse("home:home", args=[program.slug])


def nudge_url(rel):
    return reverse("home:nudge", args=[rel.program.slug, rel.uuid])


def schedule(rel, *, days, prepared=False):
    meeting = meeting_services.meeting_schedule(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=45,
        mode="in_person",
        place="Clinic B",
    )
    if prepared:
        meeting_services.preparation_save(
            meeting=meeting,
            acting_user=rel.learner,
            goals="Pick a project",
            progress="",
            obstacles="",
        )
    return meeting


def section(text, heading_id):
    """The HTML of the home's part that starts with the heading of that id."""
    start = text.index(f'id="{heading_id}"')
    end = text.find("</section>", start)
    return text[start:end]


# --- Who sees which part ---------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_sees_the_program_at_a_glance(client, program, coordinator, resident, faculty):
    client.force_login(coordinator)
    response = client.get(home_url(program))
    assert response.status_code == 200
    assert "Program at a glance" in response.text
    assert "Your mentoring" not in response.text
    without = {row["kind"]: row["n"] for row in response.context["leader"]["without_guide"]}
    assert without == {"mentoring": 1, "coaching": 1, "advising": 1}
    # The same counts as the API's figures read on their own.
    assert selectors.without_guide(program) == response.context["leader"]["without_guide"]
    assert response.context["leader"]["capacity"] == [
        {"kind": "mentoring", "label": "Mentoring", "offered": 2, "taken": 0}
    ]


@pytest.mark.django_db
def test_resident_sees_learner_home_without_leader_figures(client, program, resident):
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.status_code == 200
    assert "Your mentoring" in response.text
    assert "Program at a glance" not in response.text
    assert "leader" not in response.context


@pytest.mark.django_db
def test_faculty_sees_guide_home(client, program, faculty):
    client.force_login(faculty)
    response = client.get(home_url(program))
    assert "As a guide" in response.text
    assert "Program at a glance" not in response.text
    assert "Your mentoring" not in response.text


@pytest.mark.django_db
def test_a_director_who_mentors_sees_the_guide_part_first(client, program, director):
    GuideProfileFactory(user=director, offers={GuidanceKind.MENTORING: 1})
    learner = make_learner(program)
    make_active_relationship(program=program, learner=learner, guide=director)
    client.force_login(director)
    text = client.get(home_url(program)).text
    assert text.index('id="guide-h"') < text.index('id="leader-h"')
    assert str(learner) in section(text, "guide-h")


@pytest.mark.django_db
def test_a_peer_mentor_sees_the_guide_part_before_the_learner_part(client, program):
    senior = make_learner(program, "Sam", "Senior", pgy=3)
    intern = make_learner(program, "Ivy", "Intern", pgy=1)
    GuideProfileFactory(user=senior, offers={GuidanceKind.PEER_MENTORING: 1})
    make_active_relationship(program=program, learner=senior)
    make_active_relationship(
        program=program, learner=intern, guide=senior, kind=GuidanceKind.PEER_MENTORING
    )
    client.force_login(senior)
    text = client.get(home_url(program)).text
    assert text.index('id="guide-h"') < text.index('id="learner-h"')
    assert "Ivy Intern" in section(text, "guide-h")


@pytest.mark.django_db
def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(home_url(program)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, program):
    response = client.get(home_url(program))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_index_redirects_a_one_program_member_to_its_home(client, program, resident):
    client.force_login(resident)
    response = client.get(reverse("programs:index"))
    assert response.status_code == 302
    assert response["Location"] == home_url(program)


@pytest.mark.django_db
def test_index_lists_programs_of_a_member_of_several(client, program, other_program, resident):
    MembershipFactory(program=other_program, user=resident, role=Role.FELLOW)
    client.force_login(resident)
    response = client.get(reverse("programs:index"))
    assert response.status_code == 200
    assert list(response.context["programs"]) == [program, other_program]


# --- Learner -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_learner_without_a_mentor_is_told_to_find_one(client, program, resident):
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.context["learner"]["step"].kind == "find_mentor"
    assert "Find a mentor" in response.text


@pytest.mark.django_db
def test_learner_is_asked_to_acknowledge_the_agreement_first(client, program, resident):
    rel = make_relationship(program=program, learner=resident)
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.context["learner"]["step"].kind == "acknowledge"
    assert response.context["learner"]["to_acknowledge"] == [rel]
    assert "Read the agreement" in response.text


@pytest.mark.django_db
def test_learner_sees_next_meeting_not_prepared_and_is_asked_to_prepare(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    meeting = schedule(rel, days=3)
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.context["learner"]["next_meeting"] == meeting
    assert response.context["learner"]["step"].kind == "prepare"
    assert "Not prepared yet" in response.text


@pytest.mark.django_db
def test_a_prepared_meeting_says_so_and_the_step_moves_on(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    schedule(rel, days=3, prepared=True)
    client.force_login(resident)
    response = client.get(home_url(program))
    assert "Prepared" in response.text
    assert response.context["learner"]["step"].kind == "up_to_date"


@pytest.mark.django_db
def test_learner_is_asked_to_log_a_meeting_that_passed(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    meeting = schedule(rel, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        client.force_login(resident)
        response = client.get(home_url(program))
    assert response.context["learner"]["step"].kind == "log"
    assert response.context["learner"]["to_log"] == [meeting]
    assert "It took place" in response.text


@pytest.mark.django_db
def test_learner_sees_their_action_items_with_due_dates_not_the_guides(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    meeting = schedule(rel, days=3, prepared=True)
    due = timezone.localdate() + timedelta(days=5)
    meeting_services.action_item_add(
        meeting=meeting,
        acting_user=rel.guide,
        text="Draft the abstract",
        owner=resident,
        due_date=due,
    )
    meeting_services.action_item_add(
        meeting=meeting, acting_user=rel.guide, text="Ask the librarian", owner=rel.guide
    )
    client.force_login(resident)
    response = client.get(home_url(program))
    learner_part = section(response.text, "learner-h")
    assert "Draft the abstract" in learner_part
    assert f"due {format_day(due)}" in learner_part
    assert "Ask the librarian" not in response.text
    assert response.context["learner"]["step"].kind == "action_item"


@pytest.mark.django_db
def test_learner_behind_with_nothing_planned_is_asked_to_schedule(client, program, resident):
    make_active_relationship(program=program, learner=resident, start_date=START)
    client.force_login(resident)
    response = client.get(home_url(program))
    assert response.context["learner"]["step"].kind == "schedule"
    assert "Schedule a meeting" in response.text


# --- Guide ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_guide_sees_learners_most_behind_first_with_requests_and_places(client, program):
    guide = make_guide(program, "Grace", "Ibe", offers={GuidanceKind.MENTORING: 3})
    late = make_active_relationship(
        program=program, learner=make_learner(program, "Lou", "Late"), guide=guide, start_date=START
    )
    fresh = make_active_relationship(
        program=program, learner=make_learner(program, "Fay", "Fresh"), guide=guide
    )
    make_guide_request(program=program, learner=make_learner(program, "Rae", "Asks"), guide=guide)
    client.force_login(guide)
    response = client.get(home_url(program))
    pairings = response.context["guide"]["pairings"]
    assert [p.relationship for p in pairings] == [late, fresh]
    assert pairings[0].result.status == "first_meeting_missing"
    assert len(response.context["guide"]["requests"]) == 1
    assert "1 request waiting for your answer" in response.text
    offer = response.context["guide"]["offers"][0]
    assert (offer.capacity, offer.taken, offer.left) == (3, 2, 1)
    assert "1</strong> of 3 places left" in response.text


@pytest.mark.django_db
def test_guide_sees_meetings_to_log(client, program):
    rel = make_active_relationship(program=program)
    meeting = schedule(rel, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        client.force_login(rel.guide)
        response = client.get(home_url(program))
    assert response.context["guide"]["to_log"] == [meeting]


@pytest.mark.django_db
def test_guide_without_a_profile_is_told_to_fill_it_in(client, program):
    member = MembershipFactory(program=program, role=Role.FACULTY).user
    client.force_login(member)
    text = client.get(home_url(program)).text
    assert "Fill in your guide profile" in text
    assert "No learner yet" in text


# --- Leaders -------------------------------------------------------------------------------


@pytest.fixture
def concern(program, director):
    rel = make_active_relationship(program=program)
    return relationship_services.safety_concern_raise(
        relationship=rel, acting_user=rel.guide, description="Seemed exhausted lately."
    )


@pytest.mark.django_db
def test_concerns_are_counted_for_safety_contacts_only_and_never_described(
    client, program, concern, coordinator, director
):
    SafetyContactFactory(program=program, user=coordinator)
    client.force_login(coordinator)
    response = client.get(home_url(program))
    assert response.context["leader"]["concerns"] == 1
    assert "Seemed exhausted" not in response.text
    client.force_login(director)  # no longer a contact once one is designated
    response = client.get(home_url(program))
    assert response.context["leader"]["concerns"] is None
    assert "wellbeing concern" not in response.text


@pytest.mark.django_db
def test_rematch_requests_about_the_leaders_own_pairing_are_not_counted(
    client, program, director, coordinator
):
    GuideProfileFactory(user=director, offers={GuidanceKind.MENTORING: 1})
    rel = make_active_relationship(program=program, guide=director)
    relationship_services.rematch_request_create(
        relationship=rel, acting_user=rel.learner, reason="We never find time."
    )
    client.force_login(director)
    assert client.get(home_url(program)).context["leader"]["open_rematch"] == 0
    client.force_login(coordinator)
    response = client.get(home_url(program))
    assert response.context["leader"]["open_rematch"] == 1
    assert "We never find time." not in response.text


@pytest.mark.django_db
def test_leaders_see_requests_about_to_expire(client, program, coordinator):
    req = make_guide_request(
        program=program, learner=make_learner(program), guide=make_guide(program)
    )
    client.force_login(coordinator)
    assert client.get(home_url(program)).context["leader"]["expiring"] == []
    with time_machine.travel(req.expires_at - timedelta(days=1), tick=False):
        response = client.get(home_url(program))
    assert response.context["leader"]["expiring"] == [req]
    assert "I would like to work" not in response.text  # the learner's message is theirs


@pytest.mark.django_db
def test_leaders_see_pairs_behind_and_remind_them_once_a_week(
    client, program, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    rel = make_active_relationship(program=program, start_date=START)
    client.force_login(coordinator)
    row = client.get(home_url(program)).context["leader"]["behind"][0]
    assert (row["relationship"], row["last_nudged"], row["can_nudge"]) == (rel, None, True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(rel), follow=True)
    assert "Reminder sent" in response.text
    assert len([m for m in mailoutbox if "reminder to meet" in m.subject.lower()]) == 2
    row = response.context["leader"]["behind"][0]
    assert row["last_nudged"] == Nudge.objects.get().sent_at
    assert not row["can_nudge"]
    assert "Reminded " in response.text
    response = client.post(nudge_url(rel), follow=True)
    assert "again from" in response.text
    assert Nudge.objects.count() == 1


@pytest.mark.django_db
def test_compliance_month_by_month_judges_each_month_as_it_stood(client, program, coordinator):
    rel = make_active_relationship(program=program, start_date=START)
    make_active_relationship(program=program, start_date=START)  # never meets: due by 1 October
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 9, 10, 12)), tick=False):
        meeting_services.meeting_log(
            relationship=rel,
            acting_user=rel.learner,
            starts_at=timezone.now(),
            duration_minutes=30,
            mode="in_person",
        )
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 3, 12)), tick=False):
        client.force_login(coordinator)
        leader = client.get(home_url(program)).context["leader"]
    by_month = {day: (n, good) for day, n, good in leader["by_month"]}
    assert len(by_month) == 12
    assert by_month[date(2026, 8, 31)] == (0, 0)
    assert by_month[date(2026, 9, 30)] == (2, 2)  # neither first meeting was due yet
    assert by_month[date(2026, 10, 31)] == (2, 1)  # the pair that never met is behind
    assert by_month[date(2026, 12, 3)] == (2, 1)
    assert leader["compliance"] == 50
    assert leader["first_meeting"]["mentoring"] == {
        "label": "Mentoring",
        "median": 9,
        "pairs": 1,
        "waiting": 1,
    }


# --- Query counts --------------------------------------------------------------------------


def _grow(program, guide, learner, n):
    """n more pairs around the viewer, each with a meeting held, one planned, an action
    item, and a pair behind elsewhere in the program."""
    for i in range(n):
        other_learner = make_learner(program, "L", f"Learner{i}")
        other_guide = make_guide(
            program, "G", f"Guide{i}", offers={k: 3 for k in GuidanceKind.values}
        )
        for rel in (
            make_active_relationship(
                program=program,
                learner=other_learner,
                guide=guide,
                kind=GuidanceKind.values[i % 4],
                start_date=START,
            ),
            make_active_relationship(
                program=program,
                learner=learner,
                guide=other_guide,
                kind=GuidanceKind.values[i % 4],
                start_date=START,
            ),
        ):
            meeting_services.meeting_log(
                relationship=rel,
                acting_user=rel.learner,
                starts_at=timezone.now() - timedelta(days=20),
                duration_minutes=30,
                mode="video",
            )
            meeting = schedule(rel, days=2 + i)
            meeting_services.action_item_add(
                meeting=meeting,
                acting_user=rel.guide,
                text="Follow up",
                owner=rel.learner,
                due_date=timezone.localdate(),
            )
            meeting_services.action_item_add(
                meeting=meeting, acting_user=rel.guide, text="Send a paper", owner=rel.guide
            )
        make_active_relationship(program=program, start_date=START)
        make_guide_request(program=program, learner=make_learner(program), guide=guide)


# Pinned: a change that adds a query must say so here; one that adds a query per pair fails
# at the second size whatever the pin. Surveys: one query for the open surveys to answer (a
# leader's response rates come with it). The year's expectations add one (the documents;
# one's requests only once a document is sent), and a leader's agreement to the consent
# terms one more. The pairing-fit check-ins due come with the viewer's relationships. A
# leader's counts (rematch requests, agreements, learners without a guide, concerns) are
# one query; the offers one, a leader's own among them. The leader's figures of the day:
# the pairs and the data version they are cached under, and the meetings when not cached.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "queries"), [("learner", 13), ("guide", 15), ("leader", 17), ("dual", 23)]
)
def test_home_queries_do_not_grow_with_the_data(
    client, program, director, django_assert_num_queries, persona, queries
):
    guide = make_guide(
        program,
        "Grace",
        "Ibe",
        offers={k: 3 for k in GuidanceKind.values},
        role=Role.DIRECTOR if persona == "dual" else Role.FACULTY,
    )
    learner = make_learner(program, "Liam", "Chen", pgy=3)
    viewer = {"learner": learner, "guide": guide, "leader": director, "dual": guide}[persona]
    client.force_login(viewer)
    for size in (1, 4):
        _grow(program, guide, learner, size)
        with django_assert_num_queries(queries):
            assert client.get(home_url(program)).status_code == 200


@pytest.mark.django_db
def test_learner_due_soon_with_nothing_planned_is_asked_to_schedule(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    # 20 days on: the first meeting is due within 30 days of the start.
    with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
        client.force_login(resident)
        response = client.get(home_url(program))
    assert response.context["learner"]["step"] == steps.Step(steps.SCHEDULE, rel)
    assert "is due by" in response.text


@pytest.mark.django_db
def test_up_to_date_learner_is_told_when_the_next_meeting_is_due(client, program, resident):
    rel = make_active_relationship(program=program, learner=resident)
    meeting_services.meeting_log(
        relationship=rel,
        acting_user=resident,
        starts_at=timezone.now() - timedelta(minutes=5),
        duration_minutes=45,
        mode="in_person",
    )
    client.force_login(resident)
    response = client.get(home_url(program))
    learner = response.context["learner"]
    assert learner["step"].kind == "up_to_date"
    due = learner["upcoming_due"].result.next_due
    assert f"is due by {format_day(due)}" in response.text


@pytest.mark.django_db
def test_a_director_who_does_not_guide_sees_no_guide_part(client, program, director):
    client.force_login(director)
    response = client.get(home_url(program))
    assert "guide" not in response.context
    assert 'id="guide-h"' not in response.text
