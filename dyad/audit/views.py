"""The program's audit log, for its directors. Institution admins read every program's log
in the Django admin."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from dyad import policy
from dyad.access import get_program
from dyad.audit.actions import FAMILIES, AuditAction
from dyad.audit.models import AuditEntry
from dyad.changes.pages import keep


def action_choices(viewer) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choices, from the list of actions: per family, the whole family and
    each of its actions; concerns only for a director who may read them."""
    groups = []
    for family, label in FAMILIES.items():
        if family == "concern" and not policy.can_view_concern_audit(viewer):
            continue
        actions = [(a.value, a.label) for a in AuditAction if a.family == family]
        groups.append((family, label, actions))
    return groups


@login_required
@keep(audit=True)
def audit_log(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_audit_log)
    entries = policy.visible_audit_entries(
        viewer, AuditEntry.objects.for_program(viewer.program).select_related("actor")
    )
    groups = action_choices(viewer)
    families = {family for family, _, _ in groups}
    codes = {code for _, _, actions in groups for code, _ in actions}
    chosen = request.GET.get("action", "")
    if chosen in codes:
        entries = entries.filter(action=chosen)
    elif chosen in families:
        entries = entries.filter(action__startswith=f"{chosen}.")
    else:
        chosen = ""
    page = Paginator(entries.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    labels = dict(AuditAction.choices)
    ctx = {
        "viewer": viewer,
        "nav": "audit",
        "page": page,
        "rows": [
            {"entry": entry, "label": labels.get(entry.action, entry.action), "details": details}
            for entry, details in zip(rows, policy.audit_entry_details(viewer, rows), strict=True)
        ],
        "groups": groups,
        "chosen": chosen,
    }
    return TemplateResponse(request, "audit/log.html", ctx)
