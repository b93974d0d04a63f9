from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.feedback import selectors, services
from dyad.feedback.access import get_cycle
from dyad.feedback.forms import AnswerForm, CycleForm, ItemForm, NewCycleForm, RaterForm
from dyad.feedback.models import SCALE_LABELS, Cycle, RaterGroup
from dyad.lib.suppression import THRESHOLD

NAV = "feedback"


def _ctx(viewer, **extra):
    return {"viewer": viewer, "nav": NAV, "threshold": THRESHOLD, **extra}


@login_required
@keep
def index(request, slug):
    """The viewer's coaching relationships and their 360° cycles."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationships = [
        (rel, policy.can_start_360(viewer, rel), list(rel.feedback_cycles.all()))
        for rel in selectors.coaching_of(viewer)
    ]
    return TemplateResponse(
        request, "feedback/index.html", _ctx(viewer, relationships=relationships)
    )


@login_required
def cycle_new(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_start_360)
    form = NewCycleForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.cycle_create(
            relationship=relationship, acting_user=request.user, **data
        ),
        success="Prepared with the default questions: look them over, then name the raters.",
        then=lambda cycle: cycle,
    ):
        return response
    ctx = _ctx(viewer, form=form, relationship=relationship, title="Prepare a 360° feedback")
    return TemplateResponse(request, "feedback/cycle_form.html", ctx)


@login_required
def cycle(request, slug, cycle_uuid):
    """The cycle's status: dates, questions, and how many of each group answered."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid)
    ctx = _ctx(
        viewer,
        cycle=cycle,
        counts=selectors.group_counts(cycle),
        items=list(cycle.items.all()),
        ready=selectors.results_ready(cycle),
        can_prepare=policy.can_prepare_360(viewer, cycle),
        can_name=policy.can_name_raters(viewer, cycle),
        can_close=policy.can_close_360(viewer, cycle),
        is_coachee=policy.is_coachee(request.user, cycle.relationship),
        today=timezone.localdate(),
    )
    if ctx["can_prepare"]:
        ctx["item_form"] = ItemForm(prefix="item")
    return TemplateResponse(request, "feedback/cycle.html", ctx)


@login_required
def cycle_edit(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_prepare_360)
    form = CycleForm(request.POST or None, instance=Cycle.objects.get(pk=cycle.pk))
    if response := flow.submit(
        request,
        form,
        lambda data: services.cycle_update(cycle=cycle, acting_user=request.user, **data),
        success="Saved.",
        then=cycle,
    ):
        return response
    ctx = _ctx(viewer, form=form, relationship=cycle.relationship, cycle=cycle, title="Change")
    return TemplateResponse(request, "feedback/cycle_form.html", ctx)


@login_required
@require_POST
def item_add(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_prepare_360)
    form = ItemForm(request.POST, prefix="item")
    return flow.act(
        request,
        lambda: services.item_add(cycle=cycle, acting_user=request.user, **form.cleaned_data),
        form=form,
        invalid="Write the statement or question (300 characters at most) and choose its kind.",
        success="Added.",
        then=cycle,
    )


@login_required
@require_POST
def item_remove(request, slug, cycle_uuid, item_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_prepare_360)
    item = get_object_or_404(cycle.items, uuid=item_uuid)
    return flow.act(
        request,
        lambda: services.item_remove(item=item, acting_user=request.user),
        success="Removed.",
        then=cycle,
    )


@login_required
def raters(request, slug, cycle_uuid):
    """The coachee's list of raters: names and groups, never who answered."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_name_raters)
    form = RaterForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.rater_add(cycle=cycle, acting_user=request.user, **data),
        success=lambda rater: (
            f"{rater.name} added; the link goes out now."
            if rater.invited_at
            else f"{rater.name} added; the link goes out when the cycle opens."
        ),
        then=reverse("feedback:raters", args=[slug, cycle.uuid]),
    ):
        return response
    listed = list(cycle.raters.all())
    groups = [(label, [r for r in listed if r.group == key]) for key, label in RaterGroup.choices]
    ctx = _ctx(
        viewer,
        cycle=cycle,
        form=form,
        groups=groups,
        can_remove=cycle.is_draft,
        closed=selectors.results_ready(cycle),
        ready=selectors.results_ready(cycle),
    )
    return TemplateResponse(request, "feedback/raters.html", ctx)


@login_required
@require_POST
def rater_remove(request, slug, cycle_uuid, rater_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_name_raters)
    rater = get_object_or_404(cycle.raters, uuid=rater_uuid)
    return flow.act(
        request,
        lambda: services.rater_remove(rater=rater, acting_user=request.user),
        success=f"{rater.name} removed.",
        then=reverse("feedback:raters", args=[slug, cycle.uuid]),
    )


@login_required
@require_POST
def cycle_open(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_prepare_360)
    return flow.act(
        request,
        lambda: services.cycle_open(cycle=cycle, acting_user=request.user),
        success=lambda c: (
            "Open: every rater has been sent their link."
            if c.state == "open"
            else f"Ready: it opens by itself on {c.opens_on:%B} {c.opens_on.day}, "
            "and every rater gets their link then."
        ),
        then=cycle,
    )


@login_required
@require_POST
def cycle_close(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_close_360)
    return flow.act(
        request,
        lambda: services.cycle_close(cycle=cycle, acting_user=request.user),
        success="Closed: the links no longer work, and the results can be read.",
        then=lambda closed: reverse("feedback:results", args=[slug, cycle.uuid]),
        failed=cycle,
    )


@login_required
def results(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_360_results)
    ready = selectors.results_ready(cycle)
    ctx = _ctx(viewer, cycle=cycle, ready=ready, scale=SCALE_LABELS)
    if ready:
        ctx["results"] = selectors.cycle_results(viewer, cycle)
    return TemplateResponse(request, "feedback/results.html", ctx)


# --- the rater's side: no account, the link is the key ---------------------------------------

REFUSED_STATUS = {"unknown": 404, "used": 410, "closed": 410}


@never_cache
def answer(request, token):
    """The rater's form, reached through their one-time link."""
    try:
        rater = services.rater_for_token(token)
    except services.LinkRefused as refused:
        ctx = {"refusal": services.REFUSALS[refused.reason], "reason": refused.reason}
        return TemplateResponse(
            request, "feedback/link_refused.html", ctx, status=REFUSED_STATUS[refused.reason]
        )
    cycle = rater.cycle
    form = AnswerForm(request.POST or None, items=list(cycle.items.all()))
    if response := flow.submit(
        request,
        form,
        lambda data: services.response_submit(token=token, **form.split(data)),
        success=None,
        then=reverse("feedback:thanks"),
    ):
        return response
    ctx = {
        "form": form,
        "cycle": cycle,
        "coachee": cycle.relationship.learner,
        "scale": SCALE_LABELS,
        "group": rater.get_group_display(),
    }
    response = TemplateResponse(request, "feedback/answer.html", ctx)
    # The link is the key: no other site may read it in a referrer. Not "no-referrer": the
    # browser would then send "Origin: null" with the form, and the CSRF check refuse it.
    response["Referrer-Policy"] = "same-origin"
    return response


def thanks(request):
    return TemplateResponse(request, "feedback/thanks.html", {})
