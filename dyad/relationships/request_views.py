"""Self-select pairing (SPEC M6): a learner asks a guide from the directory; the guide
accepts or declines; requests not answered in time expire."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_guide_profile, get_guide_request, get_program
from dyad.changes.pages import keep
from dyad.profiles import availability
from dyad.profiles.selectors import offers_with_places
from dyad.relationships import selectors, services
from dyad.relationships.models import GuideRequest
from dyad.relationships.request_forms import GuideRequestForm


def _requests_url(viewer) -> str:
    return reverse("relationships:requests", args=[viewer.program.slug])


@login_required
def request_guide(request, slug, profile_uuid):
    viewer = get_program(request, slug, allow=policy.can_send_guide_request)
    profile = get_guide_profile(viewer, profile_uuid, allow=policy.can_view_guide_profile)
    # What the learner may ask for, before they write: open kinds, minus those in which
    # the guide may not take them because the guide evaluates them.
    conflicts = availability.conflicts_for(viewer, guides=[profile.user])
    offers = availability.availability(
        profile, offers_with_places().filter(profile=profile), conflicts
    )
    form = GuideRequestForm(request.POST or None, offers=offers.offers, program=viewer.program)
    if response := flow.submit(
        request,
        form,
        lambda data: services.guide_request_create(
            program=viewer.program,
            learner=request.user,
            guide=profile.user,
            acting_user=request.user,
            **data,
        ),
        success=f"Your request has gone to {profile.user}. You will hear by e-mail when they "
        "answer.",
        then=_requests_url(viewer),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "directory",
        "profile": profile,
        "availability": offers,
        "form": form,
    }
    return TemplateResponse(request, "relationships/request_form.html", ctx)


@login_required
@keep
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
    return flow.act(
        request,
        lambda: services.guide_request_accept(request=guide_request, acting_user=request.user),
        success=lambda relationship: (
            f"You are now the proposed {relationship.get_kind_display().lower()} guide of "
            f"{relationship.learner}. Read the agreement together and acknowledge it."
        ),
        then=lambda relationship: relationship,
        failed=_requests_url(viewer),
    )


@login_required
@require_POST
def request_decline(request, slug, req_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide_request = get_guide_request(viewer, req_uuid, allow=policy.can_answer_guide_request)
    return flow.act(
        request,
        lambda: services.guide_request_decline(request=guide_request, acting_user=request.user),
        success=f"Declined. {guide_request.learner} is told, without a reason, and pointed to "
        "the directory.",
        then=_requests_url(viewer),
    )


@login_required
@require_POST
def request_withdraw(request, slug, req_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide_request = get_guide_request(viewer, req_uuid, allow=policy.can_withdraw_guide_request)
    return flow.act(
        request,
        lambda: services.guide_request_withdraw(request=guide_request, acting_user=request.user),
        success=f"Your request to {guide_request.guide} is withdrawn.",
        then=_requests_url(viewer),
    )
