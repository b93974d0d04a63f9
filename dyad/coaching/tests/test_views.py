from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.coaching import services
from dyad.coaching.factories import make_coach, make_engagement, offer_all
from dyad.coaching.models import Engagement, EngagementType, Referral
from dyad.meetings import services as meeting_services
from dyad.programs.models import Role
from dyad.relationships.factories import make_guide, make_learner, make_relationship
from dyad.relationships.models import EvaluativeKind
from dyad.relationships.services import evaluative_role_create


def url(name, program, *args):
    return reverse(f"coaching:{name}", args=[program.slug, *args])


# Session, user, the program with the viewer's roles, the coaching settings, the counts by
# type and state, the engagements with their pairs and referrals.
OVERVIEW_QUERIES = 7  # with the kept page's version (dyad.changes.pages)


def overview_queries(client, director, program) -> int:
    client.force_login(director)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("overview", program)).status_code == 200
    return len(captured)


def test_the_overview_costs_the_same_whatever_the_number_of_engagements(client, program, director):
    offer_all(program)
    coach = make_coach(program, capacity=10)
    make_engagement(program=program, coach=coach, engagement_type=EngagementType.TARGETED)
    few = overview_queries(client, director, program)
    for n in range(4):
        learner = make_learner(program, "Many", f"Coachee{n}")
        make_engagement(program=program, learner=learner, coach=coach)
    assert overview_queries(client, director, program) == few == OVERVIEW_QUERIES


def test_the_overview_counts_by_type_and_state_and_names_no_reason(client, program, director):
    engagement = make_engagement(program=program, engagement_type=EngagementType.TARGETED)
    client.force_login(director)
    page = client.get(url("overview", program)).content.decode()
    assert engagement.relationship.learner.full_name in page
    assert "Targeted (referred)" in page
    assert "reason" not in page.replace("There is no reason", "").lower()


def test_a_leader_refers_a_resident_through_the_form(
    client, program, director, resident, coaching, coach
):
    client.force_login(director)
    page = client.get(url("refer", program))
    assert "reason" not in [f for f in page.context["form"].fields]
    response = client.post(
        url("refer", program),
        {
            "learner": resident.pk,
            "coach": coach.pk,
            "start_date": "2026-09-15",
            "planned_end": "2027-01-15",
            "cadence": "biweekly",
            "submission_key": page.context["form"]["submission_key"].value(),
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.engagement.get_absolute_url()


def test_the_evaluator_gets_nothing_of_a_referral(client, program, director, resident, coaching):
    evaluator = make_guide(program, "Eva", "Ccc")
    evaluative_role_create(
        program=program,
        evaluator=evaluator,
        kind=EvaluativeKind.CCC_MEMBER,
        start_date=program.created_at.date() - timedelta(days=400),
        acting_user=director,
    )
    engagement = make_engagement(
        program=program, learner=resident, engagement_type=EngagementType.TARGETED
    )
    client.force_login(evaluator)
    for name, args, method in [
        ("engagement", [engagement.uuid], "get"),
        ("engagement_end", [engagement.uuid], "post"),
        ("values_shared", [engagement.relationship.uuid], "get"),
    ]:
        assert getattr(client, method)(url(name, program, *args)).status_code == 404
    assert client.get(url("overview", program)).status_code == 403
    assert client.get(engagement.relationship.get_absolute_url()).status_code == 404
    for page in (url("mine", program), reverse("home:home", args=[program.slug])):
        text = client.get(page).content.decode()
        assert engagement.relationship.guide.full_name not in text


def test_another_resident_gets_nothing_of_a_referral(client, program, coaching):
    engagement = make_engagement(program=program, engagement_type=EngagementType.TARGETED)
    other = make_learner(program, "Other", "Resident")
    client.force_login(other)
    assert client.get(url("engagement", program, engagement.uuid)).status_code == 404
    assert (
        engagement.relationship.guide.full_name
        not in client.get(url("mine", program)).content.decode()
    )


def test_the_resident_sees_who_referred_them_and_when(client, program, director, coaching):
    engagement = make_engagement(program=program, engagement_type=EngagementType.TARGETED)
    client.force_login(engagement.relationship.learner)
    page = client.get(url("engagement", program, engagement.uuid)).content.decode()
    assert f"Referred by {director.full_name}" in page


def test_leaders_end_an_engagement(client, program, director):
    engagement = make_engagement(program=program)
    client.force_login(director)
    response = client.post(url("engagement_end", program, engagement.uuid), {"state": "stopped"})
    assert response.status_code == 302
    assert Engagement.objects.get().state == "stopped"


def external_coach_with_coachee(program, director):
    offer_all(program)
    coach = services.external_coach_invite(
        program=program,
        email="coach@agency.example",
        first_name="Ada",
        last_name="Agency",
        agency="Summit",
        capacity=2,
        acting_user=director,
    )
    engagement = make_engagement(program=program, coach=coach)
    return coach, engagement


def test_an_external_coach_reaches_their_coachee_and_nothing_of_the_program(
    client, program, director
):
    coach, engagement = external_coach_with_coachee(program, director)
    relationship = engagement.relationship
    meeting = meeting_services.meeting_schedule(
        relationship=relationship,
        acting_user=relationship.learner,
        starts_at=engagement.created_at + timedelta(days=2),
        duration_minutes=30,
        mode="video",
    )
    other = make_relationship(program=program, acting_user=director)
    client.force_login(coach)
    ok = [
        url("mine", program),
        url("engagement", program, engagement.uuid),
        relationship.get_absolute_url(),
        reverse("home:home", args=[program.slug]),
        reverse("meetings:detail", args=[program.slug, meeting.uuid]),
    ]
    for page in ok:
        assert client.get(page).status_code == 200, page
    program_wide = [
        reverse("profiles:directory", args=[program.slug]),
        reverse("programs:people", args=[program.slug]),
        reverse("meetings:compliance", args=[program.slug]),
        reverse("matching:rounds", args=[program.slug]),
        reverse("matching:my_rounds", args=[program.slug]),
        reverse("relationships:overview", args=[program.slug]),
        url("overview", program),
        url("values", program),
    ]
    for page in program_wide:
        assert client.get(page).status_code == 403, page
    assert client.get(other.get_absolute_url()).status_code == 404
    home = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert other.learner.full_name not in home
    assert "Directory" not in home


def test_the_coach_reads_values_only_once_shared(client, program, director):
    coach, engagement = external_coach_with_coachee(program, director)
    coachee = engagement.relationship.learner
    services.values_save(
        program=program, acting_user=coachee, ranked=["Courage"], reflections={"next": "Ask"}
    )
    client.force_login(coach)
    shared = url("values_shared", program, engagement.relationship.uuid)
    assert client.get(shared).status_code == 404
    services.values_share_set(
        program=program, acting_user=coachee, relationships=[engagement.relationship]
    )
    assert "Courage" in client.get(shared).content.decode()
    client.force_login(director)
    assert client.get(shared).status_code == 404


def test_the_values_page_saves_a_ranking(client, program, resident):
    client.force_login(resident)
    response = client.post(
        url("values", program), {"rank_1": "Growth", "rank_2": "Honesty", "reflect_next": "Sleep"}
    )
    assert response.status_code == 302
    page = client.get(url("values", program))
    assert page.context["form"]["rank_1"].initial == "Growth"


def test_a_value_ranked_twice_is_shown_as_an_error(client, program, resident):
    client.force_login(resident)
    response = client.post(url("values", program), {"rank_1": "Growth", "rank_2": "Growth"})
    assert response.status_code == 200
    assert "one place only" in response.content.decode()


def test_a_chief_resident_is_offered_for_executive_coaching(client, program, director, chief):
    offer_all(program)
    make_coach(program)
    client.force_login(director)
    form = client.get(url("engagement_new", program)).context["form"]
    assert chief in form.fields["learner"].queryset
    assert ("executive", "Executive") in form.fields["engagement_type"].choices
    assert Role.EXTERNAL_COACH  # the role exists for invited coaches
