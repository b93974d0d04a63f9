import uuid

from django.urls import reverse

from dyad.api.models import ApiToken
from dyad.api.services import api_token_authenticate, token_digest
from dyad.audit.models import AuditEntry

URL = reverse("api_tokens:tokens", args=["peds"])


def create(client, **data):
    return client.post(
        URL,
        {"name": "Nightly roster sync", "scopes": ["roster:read", "roster:write"], **data},
        follow=True,
    )


def test_a_leader_creates_a_token_shown_once_and_kept_only_as_a_digest(client, coordinator):
    client.force_login(coordinator)

    page = create(client)

    token = ApiToken.objects.get()
    secret = page.context["new"]["secret"]
    assert secret in page.text
    assert secret.startswith(token.prefix)
    assert token.digest == token_digest(secret)
    assert secret not in str(ApiToken.objects.values().get())
    assert token.scopes == ["roster:read", "roster:write"]
    assert page.headers["Cache-Control"].startswith("max-age=0")
    again = client.get(URL)
    assert secret not in again.text
    assert token.prefix in again.text


def test_creating_a_token_is_audited_without_the_secret(client, coordinator):
    client.force_login(coordinator)
    secret = create(client).context["new"]["secret"]

    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor == coordinator
    assert secret not in str(entry.data)
    assert entry.data["scopes"] == ["roster:read", "roster:write"]


def test_a_token_needs_a_scope(client, coordinator):
    client.force_login(coordinator)
    page = create(client, scopes=[])
    assert not ApiToken.objects.exists()
    assert "This field is required" in page.text


def test_an_unknown_scope_is_refused(client, coordinator):
    client.force_login(coordinator)
    create(client, scopes=["admin:everything"])
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_is_audited(client, director):
    client.force_login(director)
    secret = create(client).context["new"]["secret"]
    token = ApiToken.objects.get()
    assert api_token_authenticate(secret) == token

    page = client.post(reverse("api_tokens:token_revoke", args=["peds", token.uuid]), follow=True)

    assert "revoked" in page.text
    assert api_token_authenticate(secret) is None
    assert AuditEntry.objects.filter(action="api_token.revoked", actor=director).exists()


def test_revoking_twice_says_so(client, director):
    client.force_login(director)
    create(client)
    token = ApiToken.objects.get()
    url = reverse("api_tokens:token_revoke", args=["peds", token.uuid])
    client.post(url)
    assert "already revoked" in client.post(url, follow=True).text


def test_a_token_of_another_program_cannot_be_revoked_through_ours(
    client, director, outsider, other_program
):
    from dyad.api.services import api_token_create

    theirs = api_token_create(
        program=other_program, name="x", scopes=["roster:read"], acting_user=outsider
    ).token
    client.force_login(director)
    url = reverse("api_tokens:token_revoke", args=["peds", theirs.uuid])
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("api_tokens:token_revoke", args=["peds", uuid.uuid4()])).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.is_live


def test_the_last_use_is_recorded(client, coordinator):
    client.force_login(coordinator)
    secret = create(client).context["new"]["secret"]
    client.logout()
    client.get("/api/v1/programs/peds/people", headers={"Authorization": f"Bearer {secret}"})
    assert ApiToken.objects.get().last_used_at is not None
    client.force_login(coordinator)
    assert "Never" not in client.get(URL).text


def test_the_token_list_costs_the_same_queries_whatever_its_length(
    client, coordinator, program, django_assert_num_queries
):
    from dyad.api.services import api_token_create

    client.force_login(coordinator)
    api_token_create(program=program, name="a", scopes=["roster:read"], acting_user=coordinator)
    client.get(URL)
    with django_assert_num_queries(4):
        client.get(URL)
    for n in range(10):
        api_token_create(
            program=program, name=f"t{n}", scopes=["metrics:read"], acting_user=coordinator
        )
    with django_assert_num_queries(4):
        client.get(URL)
