"""The program's API tokens: create (shown once), list, revoke. Leaders only."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.api import services
from dyad.api.forms import TokenCreateForm
from dyad.api.models import ApiToken

# The new token waits here, in the server-side session, for the one page that shows it.
NEW_TOKEN = "dyad_new_api_token"


def _tokens_url(program) -> str:
    return reverse("api_tokens:tokens", args=[program.slug])


@login_required
def tokens(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_api_tokens)
    form = TokenCreateForm(request.POST or None)

    def create(data):
        new = services.api_token_create(
            program=viewer.program,
            name=data["name"],
            scopes=data["scopes"],
            acting_user=request.user,
        )
        request.session[NEW_TOKEN] = {"uuid": str(new.token.uuid), "secret": new.secret}
        return new

    if response := flow.submit(
        request,
        form,
        create,
        success="Token created. Copy it now: it will not be shown again.",
        then=_tokens_url(viewer.program),
    ):
        return response
    new = request.session.pop(NEW_TOKEN, None)
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "form": form,
        "tokens": viewer.program.api_tokens.select_related("created_by", "revoked_by"),
        "new": new,
        "api_docs": reverse("api:openapi-view"),
        "api_schema": reverse("api:openapi-json"),
    }
    response = TemplateResponse(request, "api/tokens.html", ctx)
    if new:
        add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request, slug, token_uuid: UUID):
    viewer = get_program(request, slug, allow=policy.can_manage_api_tokens)
    token = get_object_or_404(ApiToken.objects.for_program(viewer.program), uuid=token_uuid)
    return flow.act(
        request,
        lambda: services.api_token_revoke(token=token, acting_user=request.user),
        success=lambda revoked: f"“{revoked.name}” revoked: it no longer opens the API.",
        then=_tokens_url(viewer.program),
    )
