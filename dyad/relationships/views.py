from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import policy
from dyad.access import get_program, get_relationship
from dyad.audit.services import audit_log
from dyad.meetings import selectors as meeting_selectors
from dyad.relationships import selectors, services
from dyad.relationships.forms import AgreementForm, AssignForm, EndForm, RematchForm
from dyad.relationships.models import ConsentCategory, Origin


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def overview(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    learners = selectors.learners_overview(viewer.program)
    page = Paginator(learners, 50).get_page(request.GET.get("page"))
    rows = selectors.overview_rows(viewer.program, page.object_list)
    ctx = {
        "viewer": viewer,
        "nav": "relationships",
        "page": page,
        "rows": rows,
        "summary": selectors.overview_summary(viewer.program),
        "guides_full": selectors.guides_at_capacity(viewer.program),
        "pending_agreements": selectors.pending_agreements(viewer.program),
        "conflicts": selectors.flagged_conflicts(viewer.program),
        "open_rematch": selectors.open_rematch_requests(viewer.program, request.user).count(),
    }
    return TemplateResponse(request, "relationships/overview.html", ctx)


@login_required
def assign(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    can_override = policy.can_override_evaluative_conflict(viewer)
    form = AssignForm(request.POST or None, program=viewer.program, can_override=can_override)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_create(
                program=viewer.program,
                learner=data["learner"],
                guide=data["guide"],
                kind=data["kind"],
                focus_area=data["focus_area"],
                start_date=data["start_date"],
                supplemental_until=data["supplemental_until"],
                override_reason=data.get("override_reason", ""),
                origin=Origin.ASSIGNED,
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                f"{relationship.guide} is proposed as {relationship.get_kind_display().lower()} "
                f"guide of {relationship.learner}. Both have been told to acknowledge the "
                "agreement.",
            )
            return redirect(relationship)
    ctx = {"viewer": viewer, "nav": "relationships", "form": form}
    return TemplateResponse(request, "relationships/assign.html", ctx)


@login_required
def my_relationships(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationships = selectors.relationships_with_agreement(
        selectors.relationships_for_user(request.user, viewer.program)
    )
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "as_learner": [r for r in relationships if r.learner_id == request.user.pk],
        "as_guide": [r for r in relationships if r.guide_id == request.user.pk],
    }
    return TemplateResponse(request, "relationships/mine.html", ctx)


@login_required
def detail(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid)
    agreements = list(relationship.agreements.order_by("-version"))
    latest = agreements[0]
    in_force = next((a for a in agreements if a.is_acknowledged), None)
    consent = services.consent_in_force(relationship)
    show_goals = policy.can_view_relationship_content(
        viewer, relationship, ConsentCategory.GOALS, consent
    )
    is_party = policy.is_party(request.user, relationship)
    if show_goals and not is_party:
        audit_log(
            action="consent.read",
            actor=request.user,
            program=viewer.program,
            target=relationship,
            data={"category": ConsentCategory.GOALS},
        )
    today = timezone.localdate()
    my_ack = None
    if request.user == relationship.learner:
        my_ack = latest.learner_ack_at
    elif request.user == relationship.guide:
        my_ack = latest.guide_ack_at
    ctx = {
        "viewer": viewer,
        "nav": "relationships" if viewer.is_leader and not is_party else "mine",
        "relationship": relationship,
        "latest": latest,
        "in_force": in_force,
        "consent": consent,
        "consent_labels": [label for value, label in ConsentCategory.choices if value in consent],
        "show_goals": show_goals,
        "is_party": is_party,
        "my_ack": my_ack,
        "events": relationship.events.select_related("actor"),
        "can_edit": policy.can_edit_agreement(viewer, relationship),
        "can_rematch": policy.can_request_rematch(viewer, relationship),
        "can_end": policy.can_manage_relationships(viewer) and relationship.is_open,
        "can_concern": policy.can_raise_concern(viewer, relationship),
        "my_rematch": relationship.rematch_requests.filter(requested_by=request.user),
        "rematch_requests": [
            r
            for r in relationship.rematch_requests.select_related("requested_by", "relationship")
            if r.requested_by_id != request.user.pk and policy.can_view_rematch_request(viewer, r)
        ],
        "meetings": meeting_selectors.meetings_of(relationship),
        "cadence": meeting_selectors.cadence_of([relationship], viewer.program, today)[
            relationship.pk
        ]
        if relationship.state == "active"
        else None,
        "can_meet": policy.can_manage_meetings(viewer, relationship),
        "end_form": EndForm(),
        "rematch_form": RematchForm(),
    }
    return TemplateResponse(request, "relationships/detail.html", ctx)


@login_required
def agreement_edit(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_edit_agreement)
    latest = relationship.current_agreement()
    initial = {
        "goals": latest.goals,
        "meeting_frequency": latest.meeting_frequency,
        "scheduler": latest.scheduler,
        "preferred_modes": latest.preferred_modes,
        "confidentiality": latest.confidentiality,
        "consent": latest.consent,
    }
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_revise(
                relationship=relationship, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, "The agreement is updated. Both of you now acknowledge the new version."
            )
            return redirect(relationship)
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "is_learner": request.user == relationship.learner,
    }
    return TemplateResponse(request, "relationships/agreement_edit.html", ctx)


@login_required
@require_POST
def agreement_acknowledge(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_acknowledge_agreement)
    try:
        agreement = services.agreement_acknowledge(
            agreement=relationship.current_agreement(), acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if agreement.is_acknowledged:
            messages.success(request, "You both have acknowledged the agreement.")
        else:
            messages.success(request, "Acknowledged. The other person acknowledges it too.")
    return redirect(relationship)


@login_required
@require_POST
def rematch_request(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_request_rematch)
    form = RematchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say in a few words what is not working.")
        return redirect(relationship)
    try:
        services.rematch_request_create(
            relationship=relationship, acting_user=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            "Your request has gone to program leadership, privately. They will be in touch.",
        )
    return redirect(relationship)


@login_required
@require_POST
def end(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    relationship = get_relationship(viewer, rel_uuid)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose why the relationship ends.")
        return redirect(relationship)
    try:
        services.relationship_end(
            relationship=relationship, acting_user=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "The relationship has ended; both have been told.")
    return redirect(relationship)


@login_required
def rematch_requests(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    ctx = {
        "viewer": viewer,
        "nav": "relationships",
        "requests": selectors.open_rematch_requests(viewer.program, request.user),
    }
    return TemplateResponse(request, "relationships/rematch_requests.html", ctx)
