"""Roster import: upload → preview → apply, and the report of the rows in error."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_roster_import
from dyad.fields import OnceForm
from dyad.programs import roster, services
from dyad.programs.models import RosterImport


class RosterUploadForm(OnceForm, forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )


@login_required
def roster_upload(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    # Bound on every POST, even an empty one, so that a missing file is said to be missing.
    form = (
        RosterUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else RosterUploadForm()
    )
    if response := flow.submit(
        request,
        form,
        lambda data: _import_create(viewer, data["file"], request.user),
        success=None,
        then=lambda roster_import: reverse(
            "programs:roster_preview", args=[viewer.program.slug, roster_import.uuid]
        ),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "form": form,
        "columns": roster.COLUMNS,
        "example": roster.EXAMPLE_CSV,
        "max_bytes": settings.DYAD_ROSTER_MAX_BYTES,
        "recent_imports": viewer.program.roster_imports.select_related("uploaded_by")[:5],
    }
    return TemplateResponse(request, "programs/roster_upload.html", ctx)


def _import_create(viewer, uploaded_file, acting_user):
    """The upload as an import to preview; a file that cannot be read is the file field's
    error."""
    try:
        return services.roster_import_create(
            program=viewer.program, uploaded_file=uploaded_file, acting_user=acting_user
        )
    except services.RosterFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc


@login_required
def roster_preview(request, slug, import_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    roster_import = get_roster_import(viewer, import_uuid)
    applied = roster_import.status == RosterImport.Status.APPLIED
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "roster_import": roster_import,
        "summary": roster_import.summary,
        # Once applied, a new plan would only say "unchanged": the summary tells what was done.
        "plan": None if applied else services.roster_import_plan(roster_import=roster_import),
    }
    return TemplateResponse(request, "programs/roster_preview.html", ctx)


@login_required
@require_POST
def roster_apply(request, slug, import_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    roster_import = get_roster_import(viewer, import_uuid)
    try:
        applied = services.roster_import_apply(
            roster_import=roster_import,
            skip_errors=bool(request.POST.get("skip_errors")),
            acting_user=request.user,
        )
    except services.RosterApplyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _applied_message(applied.summary))
    return redirect("programs:roster_preview", viewer.program.slug, roster_import.uuid)


@login_required
def roster_skipped_report(request, slug, import_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    roster_import = get_roster_import(viewer, import_uuid)
    report = services.roster_error_report(roster_import=roster_import)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = roster_import.filename.rsplit(".", 1)[0] or "roster"
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(stem)}-errors.csv"'
    response.write("\ufeff")  # lets Excel see UTF-8, so that accented names survive
    response.write(report)
    return response


def _applied_message(summary: dict) -> str:
    parts = [
        f"{summary['created']} new {'person' if summary['created'] == 1 else 'people'} "
        "(invited by e-mail)",
        f"{summary['roles_added']} new role{'s' if summary['roles_added'] != 1 else ''} "
        "for people already in Dyad",
        f"{summary['updated']} updated",
        f"{summary['unchanged']} unchanged",
    ]
    if summary["skipped"]:
        parts.append(f"{summary['skipped']} skipped")
    return "Roster applied: " + ", ".join(parts) + "."


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80]
