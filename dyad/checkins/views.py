"""Pairing-fit check-ins (SPEC M8): each party answers privately; low ratings reach
program leaders, never the other party."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.checkins import selectors, services
from dyad.checkins.access import get_checkin
from dyad.checkins.forms import CheckInForm, SettingsForm
from dyad.lib import checkins as rules


@login_required
def checkin_new(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_check_in)
    form = CheckInForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.checkin_record(
            relationship=relationship, acting_user=request.user, **data
        ),
        success="Thank you for answering.",
        then=lambda checkin: checkin,
    ):
        return response
    today = timezone.localdate()
    due = selectors.due_in(relationship, request.user, today)
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "due": due,
        "is_due": rules.is_due(due, today),
    }
    return TemplateResponse(request, "checkins/new.html", ctx)


@login_required
def detail(request, slug, checkin_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    checkin = get_checkin(viewer, checkin_uuid)
    relationship = checkin.relationship
    is_rater = checkin.rater_id == request.user.pk
    ctx = {
        "viewer": viewer,
        "nav": "mine" if is_rater else "checkins",
        "checkin": checkin,
        "relationship": relationship,
        "is_rater": is_rater,
        "can_rematch": is_rater and policy.can_request_rematch(viewer, relationship),
        "other_word": rules.other_party_word(
            relationship.kind, rater_is_learner=checkin.rater_id == relationship.learner_id
        ),
        "can_follow_up": policy.can_follow_up_checkin(viewer, checkin)
        and checkin.followed_up_at is None,
    }
    return TemplateResponse(request, "checkins/detail.html", ctx)


@login_required
@require_POST
def follow_up(request, slug, checkin_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    checkin = get_checkin(viewer, checkin_uuid, allow=policy.can_follow_up_checkin)
    return flow.act(
        request,
        lambda: services.checkin_follow_up(checkin=checkin, acting_user=request.user),
        success="Marked as followed up.",
        then=reverse("checkins:alerts", args=[viewer.program.slug]),
    )


@login_required
@keep
def alerts(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_checkin_alerts)
    ctx = {
        "viewer": viewer,
        "nav": "checkins",
        "alerts": selectors.alerts_for(viewer),
        "counts": selectors.due_counts(viewer.program, timezone.localdate()),
        "remind_after": rules.REMIND_AFTER_DAYS,
    }
    return TemplateResponse(request, "checkins/alerts.html", ctx)


@login_required
def settings_edit(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_checkin_settings)
    program = viewer.program
    initial = {
        "interval_months": program.checkin_interval_months,
        "low_threshold": program.checkin_low_threshold,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if response := flow.submit(
        request,
        form,
        lambda data: services.checkin_settings_save(
            program=program, acting_user=request.user, **data
        ),
        success="Saved: when pairing-fit check-ins are asked, and what alerts leadership.",
        then=reverse("checkins:alerts", args=[program.slug]),
    ):
        return response
    ctx = {"viewer": viewer, "nav": "checkins", "form": form}
    return TemplateResponse(request, "checkins/settings.html", ctx)
