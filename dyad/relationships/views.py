from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship, get_rematch_request
from dyad.changes.pages import keep
from dyad.meetings import selectors as meeting_selectors
from dyad.relationships import selectors, services
from dyad.relationships.forms import (
    AgreementForm,
    AssignForm,
    EndForm,
    RematchCloseForm,
    RematchForm,
)
from dyad.relationships.models import ConsentCategory, Origin, State

MEETINGS_PER_PAGE = 20
# The side lists of the overview show this many rows and the count of all: at an
# institution's scale, hundreds of guides may be full.
SIDE_LIST_LIMIT = 20


def _head(queryset) -> dict:
    """The first rows and the count of all in one query: the count is a window over the
    whole result, which SQL takes before the LIMIT."""
    rows = list(queryset.annotate(head_total=Window(Count("pk")))[:SIDE_LIST_LIMIT])
    total = rows[0].head_total if rows else 0
    return {"rows": rows, "total": total, "more": total - len(rows)}


@login_required
@keep
def overview(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    learners = selectors.learners_overview(viewer.program)
    paginator = Paginator(learners, 50)
    summary = selectors.overview_summary(viewer.program, learners=paginator.count)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.overview_rows(viewer.program, page.object_list)
    ctx = {
        "viewer": viewer,
        "nav": "relationships",
        "page": page,
        "rows": rows,
        "summary": summary,
        "guides_full": selectors.guides_at_capacity_head(viewer.program, SIDE_LIST_LIMIT),
        "pending_agreements": _head(selectors.pending_agreements(viewer.program)),
        "conflicts": selectors.flagged_conflicts(viewer.program),
        "open_rematch": selectors.open_rematch_requests(viewer.program, request.user).count(),
    }
    return TemplateResponse(request, "relationships/overview.html", ctx)


def _rematch_being_reassigned(viewer, request):
    """The rematch request a leader came from (?rematch=<uuid>), to pre-fill the form for
    the learner's new guide; None when absent or not theirs to handle."""
    try:
        return get_rematch_request(
            viewer, request.GET["rematch"], allow=policy.can_handle_rematch_request
        )
    except (Http404, PermissionDenied, ValidationError):  # malformed or not theirs: no pre-fill
        return None


@login_required
@keep
def assign(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    can_override = policy.can_override_evaluative_conflict(viewer)
    rematch = _rematch_being_reassigned(viewer, request) if "rematch" in request.GET else None
    initial = {}
    if rematch is not None:
        ended = rematch.relationship
        initial = {"learner": ended.learner, "kind": ended.kind, "focus_area": ended.focus_area}
    form = AssignForm(
        request.POST or None, program=viewer.program, can_override=can_override, initial=initial
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.relationship_create(
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
        ),
        success=lambda relationship: (
            f"{relationship.guide} is proposed as {relationship.get_kind_display().lower()} "
            f"guide of {relationship.learner}. Both have been told to acknowledge the agreement."
        ),
        then=lambda relationship: relationship,
    ):
        return response
    ctx = {"viewer": viewer, "nav": "relationships", "form": form, "rematch": rematch}
    return TemplateResponse(request, "relationships/assign.html", ctx)


@login_required
@keep
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
        "can_manage": policy.can_manage_relationships(viewer),
    }
    return TemplateResponse(request, "relationships/mine.html", ctx)


def _consent_labels(categories) -> list[str]:
    return [label for value, label in ConsentCategory.choices if value in categories]


def _history(relationship, show_end_reason: bool) -> list[dict]:
    """The relationship's events as this viewer may read them: why it ended only for those
    who may know (events recorded before the reason moved off the history still carry it
    in their note)."""
    return [
        {
            "event": event,
            "note": event.note if event.to_state != State.ENDED or show_end_reason else "",
        }
        for event in relationship.events.select_related("actor")
    ]


@login_required
@keep
def detail(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid)
    is_party = policy.is_party(request.user, relationship)
    # Every version once, newest first: the latest, the one in force, what leadership may
    # see (now and pending) and the cadence plan all come from them.
    agreements = list(relationship.agreements.order_by("-version"))
    latest = agreements[0]
    in_force = next((a for a in agreements if a.is_acknowledged), None)
    consent = services.consent_in_force(relationship, agreements)
    show_goals = policy.can_view_relationship_content(
        viewer, relationship, ConsentCategory.GOALS, consent
    )
    if show_goals and not is_party:
        services.record_consent_read(
            actor=request.user,
            program=viewer.program,
            target=relationship,
            categories=[ConsentCategory.GOALS],
        )
    # Every rematch request once, as for the agreement; each is shown only as policy says.
    rematch_requests = list(relationship.rematch_requests.select_related("requested_by"))
    for rematch in rematch_requests:
        rematch.relationship = relationship
    show_end_reason = policy.can_view_end_reason(viewer, relationship, rematch_requests)
    today = timezone.localdate()
    plans = meeting_selectors.agreed_plans([relationship], agreements=agreements)
    phases, _ = plans.get(relationship.pk, ((), ()))
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
        "consent_labels": _consent_labels(consent),
        "consent_pending_labels": _consent_labels(
            services.consent_pending(relationship, agreements)
        ),
        "show_goals": show_goals,
        "show_end_reason": show_end_reason,
        "is_party": is_party,
        "is_learner": request.user.pk == relationship.learner_id,
        "my_ack": my_ack,
        "history": _history(relationship, show_end_reason),
        "cadence_plan": meeting_selectors.plan_history(phases, today),
        "can_edit": policy.can_edit_agreement(viewer, relationship),
        "can_rematch": policy.can_request_rematch(viewer, relationship),
        "can_end": policy.can_manage_relationships(viewer) and relationship.is_open,
        "can_concern": policy.can_raise_concern(viewer, relationship),
        "my_rematch": [r for r in rematch_requests if r.requested_by_id == request.user.pk],
        "rematch_requests": [
            r
            for r in rematch_requests
            if r.requested_by_id != request.user.pk and policy.can_view_rematch_request(viewer, r)
        ],
        # Newest first, a page at a time: a relationship of several years has hundreds.
        "meetings": meeting_selectors.meetings_page(
            relationship, request.GET.get("meetings_page"), MEETINGS_PER_PAGE
        ),
        "cadence": meeting_selectors.cadence_of([relationship], viewer.program, today, plans=plans)[
            relationship.pk
        ]
        if relationship.state == "active"
        else None,
        "can_meet": policy.can_manage_meetings(viewer, relationship),
        "end_form": EndForm(),
        "rematch_form": RematchForm(),
    }
    return TemplateResponse(request, "relationships/detail.html", ctx)


def _revised_message(agreement) -> str:
    if agreement.is_acknowledged:
        shared = _consent_labels(agreement.consent)
        return "Saved. It applies now: program leadership may see " + (
            ", ".join(label.lower() for label in shared) + "."
            if shared
            else "only that this relationship exists, its kind, dates and state."
        )
    return (
        f"The agreement is updated (version {agreement.version}). It applies once you both "
        "acknowledge it; until then the version you both acknowledged stays in force."
    )


@login_required
@keep
def agreement_edit(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_edit_agreement)
    latest = relationship.current_agreement()
    initial = {
        "goals": latest.goals,
        "meeting_frequency": latest.meeting_frequency,
        "later_after_months": latest.later_after_months,
        "later_frequency": latest.later_frequency,
        "scheduler": latest.scheduler,
        "preferred_modes": latest.preferred_modes,
        "confidentiality": latest.confidentiality,
        "consent": latest.consent,
    }
    is_learner = policy.can_decide_consent(request.user, relationship)
    form = AgreementForm(request.POST or None, initial=initial, learner_decides=is_learner)
    if response := flow.submit(
        request,
        form,
        lambda data: services.agreement_revise(
            relationship=relationship, acting_user=request.user, **data
        ),
        success=_revised_message,
        then=relationship,
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "is_learner": is_learner,
    }
    return TemplateResponse(request, "relationships/agreement_edit.html", ctx)


@login_required
@require_POST
def agreement_acknowledge(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_acknowledge_agreement)
    return flow.act(
        request,
        lambda: services.agreement_acknowledge(
            agreement=relationship.current_agreement(), acting_user=request.user
        ),
        success=lambda agreement: (
            "You both have acknowledged the agreement."
            if agreement.is_acknowledged
            else "Acknowledged. The other person acknowledges it too."
        ),
        then=relationship,
    )


@login_required
@require_POST
def rematch_request(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_request_rematch)
    form = RematchForm(request.POST)
    return flow.act(
        request,
        lambda: services.rematch_request_create(
            relationship=relationship, acting_user=request.user, **form.cleaned_data
        ),
        form=form,
        invalid="Say in a few words what is not working.",
        success="Your request has gone to program leadership, privately. They will be in touch.",
        then=relationship,
    )


@login_required
@require_POST
def end(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    relationship = get_relationship(viewer, rel_uuid)
    form = EndForm(request.POST)
    return flow.act(
        request,
        lambda: services.relationship_end(
            relationship=relationship, acting_user=request.user, **form.cleaned_data
        ),
        form=form,
        invalid="Choose why the relationship ends.",
        success="The relationship has ended; both have been told.",
        then=relationship,
    )


@login_required
@keep
def rematch_requests(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_relationships)
    ctx = {
        "viewer": viewer,
        "nav": "relationships",
        "requests": selectors.open_rematch_requests(viewer.program, request.user),
        "resolved": selectors.resolved_rematch_requests(viewer.program, request.user),
        "close_form": RematchCloseForm(),
    }
    return TemplateResponse(request, "relationships/rematch_requests.html", ctx)


def _rematch_post(request, slug, request_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    rematch = get_rematch_request(viewer, request_uuid, allow=policy.can_handle_rematch_request)
    return viewer, rematch


@login_required
@require_POST
def rematch_acknowledge(request, slug, request_uuid):
    viewer, rematch = _rematch_post(request, slug, request_uuid)
    return flow.act(
        request,
        lambda: services.rematch_request_acknowledge(request=rematch, acting_user=request.user),
        success=f"Acknowledged. {rematch.requested_by} sees that program leadership is on it.",
        then=reverse("relationships:rematch_requests", args=[viewer.program.slug]),
    )


@login_required
@require_POST
def rematch_reassign(request, slug, request_uuid):
    viewer, rematch = _rematch_post(request, slug, request_uuid)
    back = reverse("relationships:rematch_requests", args=[viewer.program.slug])
    assign_url = reverse("relationships:assign", args=[viewer.program.slug])
    learner = rematch.relationship.learner
    return flow.act(
        request,
        lambda: services.rematch_request_reassign(request=rematch, acting_user=request.user),
        success=f"The pairing has ended as a no-fault rematch; both have been told that it "
        f"ended. Now choose a new guide for {learner}.",
        then=lambda done: f"{assign_url}?rematch={done.uuid}",
        failed=back,
    )


@login_required
@require_POST
def rematch_close(request, slug, request_uuid):
    viewer, rematch = _rematch_post(request, slug, request_uuid)
    form = RematchCloseForm(request.POST)
    return flow.act(
        request,
        lambda: services.rematch_request_close(
            request=rematch, acting_user=request.user, note=form.cleaned_data["note"]
        ),
        form=form,
        success="Closed. The pairing goes on; your note stays with program leadership.",
        then=reverse("relationships:rematch_requests", args=[viewer.program.slug]),
    )
