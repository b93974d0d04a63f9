import pytest

from dyad.audit.models import AuditEntry
from dyad.programs.models import Invitation, Membership, Role

PEOPLE = [
    {
        "email": "Chidi.Okafor@hospital.org",
        "first_name": "Chidi",
        "last_name": "Okafor",
        "role": "resident",
        "pgy": 1,
        "track": "Primary care",
        "start_date": "2026-07-01",
        "external_id": "R1001",
    },
    {
        "email": "anh.nguyen@hospital.org",
        "first_name": "Anh",
        "last_name": "Nguyen",
        "role": "faculty",
    },
    {
        "email": "maria.garcia@hospital.org",
        "first_name": "María",
        "last_name": "García López",
        "role": "chief_resident",
        "pgy": 4,
    },
]


def test_sync_adds_people_roles_and_pgy_and_queues_their_invitations(db, api, program):
    response = api("post", "/roster", {"people": PEOPLE})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] is True
    assert body["counts"]["create"] == 3
    chidi = Membership.objects.get(program=program, user__email="chidi.okafor@hospital.org")
    assert (chidi.role, chidi.pgy, chidi.track, chidi.external_id) == (
        Role.RESIDENT,
        1,
        "Primary care",
        "R1001",
    )
    assert Membership.objects.get(user__email="maria.garcia@hospital.org").role == (
        Role.CHIEF_RESIDENT
    )
    assert Invitation.objects.filter(program=program).count() == 3


def test_a_second_identical_sync_changes_nothing(db, api, program):
    api("post", "/roster", {"people": PEOPLE})
    before = list(Membership.objects.filter(program=program).values("pk", "updated_at"))
    entries = AuditEntry.objects.count()

    response = api("post", "/roster", {"people": PEOPLE})

    body = response.json()
    assert response.status_code == 200
    assert body["applied"] is False
    assert body["counts"]["unchanged"] == 3
    assert list(Membership.objects.filter(program=program).values("pk", "updated_at")) == before
    assert AuditEntry.objects.count() == entries


def test_a_changed_pgy_is_updated_and_audited_with_the_token(db, api, program, token):
    api("post", "/roster", {"people": PEOPLE})
    moved = [{**PEOPLE[0], "pgy": 2}]

    body = api("post", "/roster", {"people": moved}).json()

    assert body["rows"][0]["action"] == "update"
    assert body["rows"][0]["changes"] == ["PGY: 1 → 2"]
    assert Membership.objects.get(user__email="chidi.okafor@hospital.org").pgy == 2
    entry = AuditEntry.objects.filter(action="api_token.roster_synced").first()
    assert entry.target_id == str(token.token.uuid)
    assert entry.data["updated"] == 1


def test_one_bad_row_writes_nothing_and_says_what_to_fix_per_row(db, api, program):
    bad = [
        PEOPLE[0],
        {"email": "not-an-address", "first_name": "X", "last_name": "Y"},
        {"email": "intern@hospital.org", "first_name": "No", "last_name": "Level"},
        {"email": "p@hospital.org", "first_name": "P", "last_name": "Q", "role": "janitor"},
    ]

    response = api("post", "/roster", {"people": bad})

    assert response.status_code == 400
    body = response.json()
    assert "nothing was written" in body["detail"]
    rows = {row["row"]: row["errors"] for row in body["rows"]}
    assert set(rows) == {2, 3, 4}
    assert "not a valid e-mail address" in rows[2][0]
    assert "PGY level is missing" in rows[3][0]
    assert "not a role Dyad knows" in rows[4][0]
    assert not Membership.objects.filter(program=program, user__email__endswith="hospital.org")


def test_the_same_person_twice_in_one_batch_is_refused(db, api):
    response = api("post", "/roster", {"people": [PEOPLE[1], PEOPLE[1]]})

    assert response.status_code == 400
    assert "already on row 1" in response.json()["rows"][0]["errors"][0]


def test_a_dry_run_reports_and_writes_nothing(db, api, program):
    body = api("post", "/roster", {"people": PEOPLE, "dry_run": True}).json()

    assert body["applied"] is False
    assert body["counts"]["create"] == 3
    assert not Membership.objects.filter(user__email__endswith="hospital.org").exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"people": "x"}, {"people": [{"first_name": "no e-mail"}]}, {"people": [{"email": 3}]}],
)
def test_a_malformed_body_is_a_422(db, api, body):
    assert api("post", "/roster", body).status_code == 422


def test_the_roster_lists_people_with_their_pgy(db, api, resident, director):
    body = api("get", "/people").json()

    by_email = {item["email"]: item for item in body["items"]}
    assert by_email["resident@example.org"]["pgy"] == 1
    assert by_email["director@example.org"]["role"] == "director"
    assert body["count"] == len(body["items"])


def test_the_roster_pages_with_limit_and_offset(db, api, resident, director, faculty):
    first = api("get", "/people?limit=2").json()
    rest = api("get", "/people?limit=2&offset=2").json()

    assert first["count"] == rest["count"]
    assert len(first["items"]) == 2
    emails = [i["email"] for i in first["items"] + rest["items"]]
    assert len(emails) == len(set(emails)) == first["count"]


def test_listing_the_roster_costs_the_same_queries_whatever_its_size(
    db, api, program, django_assert_num_queries
):
    from dyad.programs.factories import MembershipFactory

    MembershipFactory.create_batch(3, program=program, role=Role.RESIDENT, pgy=2)
    api("get", "/people")  # the token's last use is written once a minute at most
    with django_assert_num_queries(4) as small:
        api("get", "/people")
    MembershipFactory.create_batch(20, program=program, role=Role.RESIDENT, pgy=2)
    with django_assert_num_queries(len(small.captured_queries)):
        api("get", "/people")


@pytest.mark.parametrize("field", ["email", "first_name", "last_name", "track", "external_id"])
def test_a_control_character_in_a_value_is_a_422_and_nothing_is_written(db, api, field):
    person = {**PEOPLE[0], field: PEOPLE[0].get(field, "x") + "\x00"}
    assert api("post", "/roster", {"people": [person]}).status_code == 422
    assert not Membership.objects.filter(user__email__endswith="hospital.org").exists()
