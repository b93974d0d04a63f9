"""The Individualized Learning Plan's pages (SPEC M7): the learner writes it, shares it with
guides, a guide records each review (which keeps a version), leadership sees completion.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.goals import pdf, selectors, services
from dyad.goals.access import get_ilp
from dyad.goals.forms import IlpForm, IlpGoalForm, IlpReviewForm, IlpShareForm, IlpStartForm
from dyad.goals.models import Ilp, IlpState
from dyad.lib import ilp as ilp_rules
from dyad.relationships.models import Relationship
from dyad.relationships.services import record_consent_read

PER_PAGE = 50


def _ctx(viewer, **extra) -> dict:
    return {"viewer": viewer, "nav": "goals", **extra}


def _record_leader_read(request, viewer, ilp) -> bool:
    """A leader reading the plan by the learner's consent: recorded, once per page."""
    if policy.is_ilp_participant(viewer, ilp):
        return False
    record_consent_read(
        actor=request.user, program=viewer.program, target=ilp, categories=["goals"]
    )
    return True


@login_required
@keep
def index(request, slug):
    """Each hat the viewer wears: their own plans (learner), the plans learners shared with
    them (guide), a link to completion by learner (leader)."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    year = selectors.current_year(viewer.program)
    ctx = _ctx(viewer, year=year, year_label=ilp_rules.year_label(year))
    if policy.can_keep_ilp(viewer):
        own = list(selectors.ilps_of_learner(viewer.program, request.user))
        ctx["own"] = own
        ctx["current"] = next((plan for plan in own if plan.year == year), None)
        ctx["start_form"] = IlpStartForm()
    ctx["shared"] = list(selectors.ilps_for_guide(viewer.program, request.user))
    ctx["can_see_completion"] = policy.can_view_ilp_completion(viewer)
    return TemplateResponse(request, "goals/ilp_index.html", ctx)


@login_required
@require_POST
def start(request, slug):
    viewer = get_program(request, slug, allow=policy.can_keep_ilp)
    year = selectors.current_year(viewer.program)
    form = IlpStartForm(request.POST)
    if response := flow.submit(
        request,
        form,
        lambda data: services.ilp_start(
            program=viewer.program, learner=request.user, year=year, acting_user=request.user
        ),
        success=lambda ilp: (
            f"Your plan for {ilp.year_label} is started: begin with your self-assessment."
        ),
        then=lambda ilp: reverse("goals:ilp_edit", args=[slug, ilp.uuid]),
    ):
        return response
    for error in form.non_field_errors() or ["This form is out of date: reload the page."]:
        messages.error(request, error)
    return redirect("goals:ilp_index", slug)


@login_required
def detail(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid)
    by_consent = _record_leader_read(request, viewer, ilp)
    participant = not by_consent
    reviews = list(ilp.reviews.select_related("reviewed_by"))
    ctx = _ctx(
        viewer,
        ilp=ilp,
        by_consent=by_consent,
        participant=participant,
        goals=list(selectors.ilp_goals(ilp)),
        reviews=reviews,
        shared_with=list(ilp.shared_with.select_related("guide")),
        competencies=[c for c in ilp.competency_self_assessment() if c[2]],
        next_review=ilp.next_review_day,
        can_edit=policy.can_edit_ilp(viewer, ilp),
        can_review=policy.can_review_ilp(viewer, ilp),
        can_complete=policy.can_complete_ilp(viewer, ilp),
        can_reopen=policy.can_reopen_ilp(viewer, ilp),
        can_submit=policy.can_edit_ilp(viewer, ilp) and ilp.state == IlpState.DRAFT,
        states=IlpState.choices,
    )
    return TemplateResponse(request, "goals/ilp_detail.html", ctx)


@login_required
def edit(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_edit_ilp)
    form = IlpForm(request.POST or None, instance=Ilp.objects.get(pk=ilp.pk))
    if response := flow.submit(
        request,
        form,
        lambda data: services.ilp_update(ilp=ilp, acting_user=request.user, **form.service_data()),
        success="Plan saved.",
        then=ilp,
    ):
        return response
    return TemplateResponse(request, "goals/ilp_form.html", _ctx(viewer, ilp=ilp, form=form))


def _learner_pairings(viewer, ilp):
    return (
        Relationship.objects.for_program(viewer.program)
        .holding_seats()
        .filter(learner=ilp.learner)
        .order_by("kind", "start_date")
    )


@login_required
def share(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_share_ilp)
    form = IlpShareForm(
        request.POST or None,
        pairings=_learner_pairings(viewer, ilp),
        initial_shares=ilp.shared_with.all(),
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.ilp_share(ilp=ilp, acting_user=request.user, **data),
        success=lambda saved: (
            "Shared with "
            + (", ".join(r.guide.full_name for r in saved.shared_with.all()) or "nobody")
            + "."
        ),
        then=ilp,
    ):
        return response
    return TemplateResponse(request, "goals/ilp_share.html", _ctx(viewer, ilp=ilp, form=form))


@login_required
@require_POST
def submit(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_edit_ilp)
    return flow.act(
        request,
        lambda: services.ilp_submit(ilp=ilp, acting_user=request.user),
        success="Shared for review: your guides can read it and record the review.",
        then=ilp,
    )


@login_required
def goal_new(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_edit_ilp)
    form = IlpGoalForm(request.POST or None)
    draft_gaps = selectors.smart_gaps(form.draft(), program=viewer.program, learner=ilp.learner)
    if request.htmx and "smart_check" in request.POST:
        return TemplateResponse(request, "goals/_smart.html", {"gaps": draft_gaps})
    if response := flow.submit(
        request,
        form,
        lambda data: services.ilp_goal_add(ilp=ilp, acting_user=request.user, **data),
        success="Learning goal added to your plan.",
        then=ilp,
    ):
        return response
    ctx = _ctx(viewer, ilp=ilp, form=form, gaps=draft_gaps)
    return TemplateResponse(request, "goals/ilp_goal_form.html", ctx)


@login_required
def review(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_review_ilp)
    form = IlpReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if response := flow.submit(
        request,
        form,
        lambda data: services.ilp_review(ilp=ilp, acting_user=request.user, **data),
        success=lambda version: f"Review recorded; version {version.number} of the plan is kept.",
        then=ilp,
    ):
        return response
    ctx = _ctx(viewer, ilp=ilp, form=form, goals=list(selectors.ilp_goals(ilp)))
    return TemplateResponse(request, "goals/ilp_review.html", ctx)


@login_required
@require_POST
def complete(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.can_complete_ilp)
    return flow.act(
        request,
        lambda: services.ilp_complete(ilp=ilp, acting_user=request.user),
        success=lambda done: f"The plan for {done.year_label} is completed.",
        then=ilp,
    )


@login_required
@require_POST
def reopen(request, slug, ilp_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    # A participant is told why when the plan cannot be reopened (the service refuses).
    ilp = get_ilp(viewer, ilp_uuid, allow=policy.is_ilp_participant)
    return flow.act(
        request,
        lambda: services.ilp_reopen(ilp=ilp, acting_user=request.user),
        success=lambda done: f"The plan for {done.year_label} is open again.",
        then=ilp,
    )


@login_required
def version(request, slug, ilp_uuid, number):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid)
    reviews = {r.number: r for r in ilp.reviews.select_related("reviewed_by")}
    if number not in reviews:
        raise Http404("No such version")
    shown, previous = reviews[number], reviews.get(number - 1)
    by_consent = _record_leader_read(request, viewer, ilp)
    ctx = _ctx(
        viewer,
        ilp=ilp,
        review=shown,
        previous=previous,
        versions=sorted(reviews.values(), key=lambda r: r.number),
        by_consent=by_consent,
        sections=selectors.snapshot_sections(shown.snapshot),
        changes=selectors.version_changes(shown, previous),
    )
    return TemplateResponse(request, "goals/ilp_version.html", ctx)


@login_required
def pdf_export(request, slug, ilp_uuid):
    """The plan as a printable PDF, for the semi-annual review: same rules as its page."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ilp = get_ilp(viewer, ilp_uuid)
    _record_leader_read(request, viewer, ilp)
    response = HttpResponse(pdf.render_ilp(ilp), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(ilp)}"'
    return response


@login_required
@keep
def completion(request, slug):
    """Per learner, whether they have a plan for the year and how far along it is: state,
    dates, how many reviews, a page at a time (the counts are of every learner). Never what
    a plan says."""
    viewer = get_program(request, slug, allow=policy.can_view_ilp_completion)
    current = selectors.current_year(viewer.program)
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    if not 2000 <= year <= current + 1:
        year = current
    rows = selectors.ilp_completion(viewer.program, year)
    not_started_only = request.GET.get("only") == "not_started"
    text = request.GET.get("q", "").strip()
    found = [
        row
        for row in rows
        if not (not_started_only and row["state"]) and row["learner"].matches(text)
    ]
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    ctx = _ctx(
        viewer,
        rows=selectors.with_plans(viewer.program, year, page.object_list),
        page=page,
        q=text,
        not_started_only=not_started_only,
        counts=selectors.completion_counts(rows),
        year=year,
        year_label=ilp_rules.year_label(year),
        years=[(y, ilp_rules.year_label(y)) for y in range(current, current - 4, -1)],
        states=IlpState,
    )
    return TemplateResponse(request, "goals/ilp_completion.html", ctx)
