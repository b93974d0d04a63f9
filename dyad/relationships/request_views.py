"""Self-select pairing (SPEC M6): a learner asks a guide from the directory; the guide
accepts or declines; requests not answered in time expire."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from dyad import policy
from dyad.access import get_guide_profile, get_guide_request, get_program
from dyad.relationships import selectors, services
from dyad.relationships.models import GuideRequest
from dyad.relationships.request_forms import GuideRequestForm


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def request_guide(request, slug, profile_uuid):
    viewer = get_program(request, slug, allow=policy.can_send_guide_request)
    profile = get_guide_profile(viewer, profile_uuid, allow=policy.can_view_guide_profile)
    offers = selectors.offers_with_room(profile)
    form = GuideRequestForm(request.POST or None, offers=offers, program=viewer.program)
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_request_create(
                program=viewer.program,
                learner=request.user,
                guide=profile.user,
                acting_user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                f"Your request has gone to {profile.user}. You will hear by e-mail when they "
                "answer.",
            )
            return redirect("relationships:requests", viewer.program.slug)
    ctx = {
        "viewer": viewer,
        "nav": "directory",
        "profile": profile,
        "offers": offers,
        "form": form,
        "has_room": any(offer.remaining for offer in offers),
    }
    return TemplateResponse(request, "relationships/request_form.html", ctx)


@login_required
def requests(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    received = list(selectors.guide_requests_received(request.user, viewer.program))
    waiting = [r for r in received if r.state == GuideRequest.State.PENDING and not r.lapsed]
    waiting_ids = {r.pk for r in waiting}
    ctx = {
        "viewer": viewer,
        "nav": "requests",
        "sent": selectors.guide_requests_sent(request.user, viewer.program),
        "waiting": sorted(waiting, key=lambda r: r.expires_at),
        "answered": [r for r in received if r.pk not in waiting_ids],
        "show_received": viewer.is_guide or bool(received),
        "show_sent": viewer.is_learner,
    }
    return TemplateResponse(request, "relationships/requests.html", ctx)


@login_required
@require_POST
def request_accept(request, slug, req_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide_request = get_guide_request(viewer, req_uuid, allow=policy.can_answer_guide_request)
    try:
        relationship = services.guide_request_accept(
            request=guide_request, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("relationships:requests", viewer.program.slug)
    messages.success(
        request,
        f"You are now the proposed {relationship.get_kind_display().lower()} guide of "
        f"{relationship.learner}. Read the agreement together and acknowledge it.",
    )
    return redirect(relationship)


@login_required
@require_POST
def request_decline(request, slug, req_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide_request = get_guide_request(viewer, req_uuid, allow=policy.can_answer_guide_request)
    try:
        services.guide_request_decline(request=guide_request, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"Declined. {guide_request.learner} is told, without a reason, and pointed to "
            "the directory.",
        )
    return redirect("relationships:requests", viewer.program.slug)


@login_required
@require_POST
def request_withdraw(request, slug, req_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide_request = get_guide_request(viewer, req_uuid, allow=policy.can_withdraw_guide_request)
    try:
        services.guide_request_withdraw(request=guide_request, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Your request to {guide_request.guide} is withdrawn.")
    return redirect("relationships:requests", viewer.program.slug)
