from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.coaching import selectors, services
from dyad.coaching.access import get_engagement
from dyad.coaching.forms import (
    CoachInviteForm,
    EndForm,
    EngagementForm,
    SettingsForm,
    ShareForm,
    ValuesForm,
)
from dyad.coaching.models import EngagementState, EngagementType
from dyad.lib import coaching as rules


def _overview_url(viewer):
    return reverse("coaching:overview", args=[viewer.program.slug])


@login_required
@keep
def overview(request, slug):
    """Leaders: engagements by type and state, and every engagement with its pair. A
    targeted one says that the resident is in coaching, never why (there is no why)."""
    viewer = get_program(request, slug, allow=policy.can_manage_coaching)
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "settings": selectors.settings_of(viewer.program),
        "counts": selectors.engagement_counts(viewer.program),
        "states": EngagementState.choices,
        "engagements": list(selectors.engagements_for_leaders(viewer.program)),
    }
    return TemplateResponse(request, "coaching/overview.html", ctx)


@login_required
def settings_edit(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_coaching)
    form = SettingsForm(request.POST or None, instance=selectors.settings_of(viewer.program))
    if response := flow.submit(
        request,
        form,
        lambda data: services.coaching_settings_save(
            program=viewer.program, acting_user=request.user, **data
        ),
        success="Saved: how coaching is offered.",
        then=_overview_url(viewer),
    ):
        return response
    ctx = {"viewer": viewer, "nav": "coaching", "form": form}
    return TemplateResponse(request, "coaching/settings.html", ctx)


@login_required
def refer(request, slug):
    """Refer a resident to coaching: only that coaching happens, with whom and when."""
    viewer = get_program(request, slug, allow=policy.can_manage_coaching)
    settings = selectors.settings_of(viewer.program)
    form = EngagementForm(
        request.POST or None, program=viewer.program, settings=settings, referral=True
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.referral_create(
            program=viewer.program, acting_user=request.user, **data
        ),
        success="Referred. The resident and the coach have been told.",
        then=lambda referral: referral.engagement,
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "form": form,
        "offered": settings.offers(EngagementType.TARGETED),
        "title": "Refer a resident to coaching",
        "button": "Refer",
    }
    return TemplateResponse(request, "coaching/engagement_form.html", ctx)


@login_required
def engagement_new(request, slug):
    """Start a program-wide or an executive engagement."""
    viewer = get_program(request, slug, allow=policy.can_manage_coaching)
    settings = selectors.settings_of(viewer.program)
    form = EngagementForm(request.POST or None, program=viewer.program, settings=settings)
    if response := flow.submit(
        request,
        form,
        lambda data: services.engagement_start(
            program=viewer.program, acting_user=request.user, **data
        ),
        success="Coaching arranged. The coachee and the coach have been told.",
        then=lambda engagement: engagement,
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "form": form,
        "offered": bool(form.fields["engagement_type"].choices),
        "title": "Arrange coaching",
        "button": "Arrange coaching",
    }
    return TemplateResponse(request, "coaching/engagement_form.html", ctx)


@login_required
def coach_invite(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_coaching)
    form = CoachInviteForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.external_coach_invite(
            program=viewer.program, acting_user=request.user, **data
        ),
        success=lambda coach: f"{coach} is invited. They will see only their own coachees.",
        then=_overview_url(viewer),
    ):
        return response
    ctx = {"viewer": viewer, "nav": "coaching", "form": form}
    return TemplateResponse(request, "coaching/coach_invite.html", ctx)


@login_required
@keep
def mine(request, slug):
    """The viewer's own coaching: as coachee, as coach (an external coach's home)."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "engagements": list(selectors.engagements_of(viewer.program, request.user)),
        "sharing": selectors.coachees_sharing_values(viewer.program, request.user),
        "keeps_values": policy.can_keep_values(viewer),
    }
    return TemplateResponse(request, "coaching/mine.html", ctx)


@login_required
def engagement(request, slug, engagement_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    found = get_engagement(viewer, engagement_uuid)
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "engagement": found,
        "referral": getattr(found, "referral", None),
        "relationship": found.relationship,
        "can_end": policy.can_end_engagement(viewer, found),
        "end_form": EndForm(),
    }
    return TemplateResponse(request, "coaching/engagement.html", ctx)


@login_required
@require_POST
def engagement_end(request, slug, engagement_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    found = get_engagement(viewer, engagement_uuid, allow=policy.can_end_engagement)
    form = EndForm(request.POST)
    return flow.act(
        request,
        lambda: services.engagement_end(
            engagement=found, state=form.cleaned_data["state"], acting_user=request.user
        ),
        form=form,
        success=lambda e: f"Engagement {e.get_state_display().lower()}; the pairing has ended.",
        then=found,
    )


@login_required
def values(request, slug):
    """The coachee's values exercise: rank, add their own, reflect; share per coach."""
    viewer = get_program(request, slug, allow=policy.can_keep_values)
    exercise = selectors.values_exercise(viewer.program, request.user)
    form = ValuesForm(
        request.POST or None, exercise=exercise, available=selectors.available_values(exercise)
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.values_save(
            program=viewer.program, acting_user=request.user, **form.service_data()
        ),
        success="Saved. Your values are yours alone unless you share them below.",
        then=request.path,
    ):
        return response
    share_form = ShareForm(
        program=viewer.program,
        user=request.user,
        initial={"relationships": list(exercise.shares.values_list("relationship", flat=True))}
        if exercise.pk
        else {},
    )
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "form": form,
        "share_form": share_form,
        "exercise": exercise,
        "max_ranked": rules.MAX_RANKED,
    }
    return TemplateResponse(request, "coaching/values.html", ctx)


@login_required
@require_POST
def values_share(request, slug):
    viewer = get_program(request, slug, allow=policy.can_keep_values)
    form = ShareForm(request.POST, program=viewer.program, user=request.user)
    back = reverse("coaching:values", args=[viewer.program.slug])
    return flow.act(
        request,
        lambda: services.values_share_set(
            program=viewer.program,
            acting_user=request.user,
            relationships=form.cleaned_data["relationships"],
        ),
        form=form,
        success="Saved: who sees your values.",
        then=back,
    )


@login_required
def values_shared(request, slug, rel_uuid):
    """A coach reads the values their coachee shared with them in this relationship."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid)
    exercise = selectors.values_exercise(viewer.program, relationship.learner)
    if exercise.pk is None or not policy.can_view_values(viewer, exercise, relationship):
        raise Http404("No such values exercise")
    if exercise.owner_id == request.user.pk:
        return redirect("coaching:values", viewer.program.slug)
    prompts = [(prompt, exercise.reflections.get(key, "")) for key, prompt in rules.PROMPTS]
    ctx = {
        "viewer": viewer,
        "nav": "coaching",
        "exercise": exercise,
        "relationship": relationship,
        "prompts": prompts,
    }
    return TemplateResponse(request, "coaching/values_shared.html", ctx)
