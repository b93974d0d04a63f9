"""Every profiles URL against every persona: who gets the page, a 403, a 404 or the login."""

import pytest
from django.urls import reverse

OK, LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404

PERSONAS = ["director", "coordinator", "faculty", "resident", "outsider", "stranger", None]

# url name → expected status per persona, in the order of PERSONAS.
EXPECTED = {
    "edit_guide": [OK, OK, OK, OK, OK, FORBIDDEN, LOGIN],
    "edit_learner": [OK, OK, OK, OK, OK, FORBIDDEN, LOGIN],
    "directory": [OK, OK, OK, OK, MISSING, MISSING, LOGIN],
    "guide_detail": [OK, OK, OK, OK, MISSING, MISSING, LOGIN],
    "content_areas": [OK, OK, FORBIDDEN, FORBIDDEN, MISSING, MISSING, LOGIN],
}


def url_for(name, program, faculty):
    if name in {"edit_guide", "edit_learner"}:
        return reverse(f"profiles:{name}")
    if name == "guide_detail":
        return reverse("profiles:guide_detail", args=[program.slug, faculty.guide_profile.uuid])
    return reverse(f"profiles:{name}", args=[program.slug])


CASES = [
    pytest.param(name, persona, status, id=f"{name}-{persona or 'anonymous'}")
    for name, statuses in EXPECTED.items()
    for persona, status in zip(PERSONAS, statuses, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona", "status"), CASES)
def test_get_permissions(client, request, program, faculty, name, persona, status):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url_for(name, program, faculty))
    assert response.status_code == status
    if status == LOGIN:
        assert reverse("accounts:login") in response["Location"]


ADD_EXPECTED = dict(
    zip(PERSONAS, [302, 302, FORBIDDEN, FORBIDDEN, MISSING, MISSING, LOGIN], strict=True)
)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), ADD_EXPECTED.items())
def test_content_area_add_permissions(client, request, program, persona, status):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("profiles:content_area_add", args=[program.slug]), {"name": "Simulation"}
    )
    assert response.status_code == status
