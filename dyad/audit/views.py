"""The program's audit log, for its directors. Institution admins read every program's log
in the Django admin."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from dyad import policy
from dyad.access import get_program
from dyad.audit.models import AuditEntry

# The families of actions, by the prefix of their name ("consent.read", "consent.changed").
ACTION_FAMILIES = {
    "relationship": "Relationships",
    "agreement": "Agreements",
    "consent": "Consent, and leaders reading consented content",
    "evaluative_role": "Evaluative roles",
    "guide_request": "Requests for a guide",
    "rematch": "Rematch requests",
    "concern": "Safety concerns",
    "safety_contact": "Safety contacts",
}


@login_required
def audit_log(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_audit_log)
    families = dict(ACTION_FAMILIES)
    entries = policy.visible_audit_entries(
        viewer, AuditEntry.objects.for_program(viewer.program).select_related("actor")
    )
    if not policy.can_view_concern_audit(viewer):
        del families["concern"]
    family = request.GET.get("action", "")
    if family in families:
        entries = entries.filter(action__startswith=f"{family}.")
    else:
        family = ""
    ctx = {
        "viewer": viewer,
        "nav": "audit",
        "page": Paginator(entries.order_by("-at", "-id"), 50).get_page(request.GET.get("page")),
        "families": families,
        "family": family,
    }
    return TemplateResponse(request, "audit/log.html", ctx)
