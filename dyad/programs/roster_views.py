"""Roster import: upload → preview → apply, and the report of the rows in error."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from dyad import policy
from dyad.access import get_program, get_roster_import
from dyad.programs import roster, services
from dyad.programs.models import RosterImport


class RosterUploadForm(forms.Form):
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
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
    else:
        form = RosterUploadForm()
    if form.is_bound and form.is_valid():
        try:
            roster_import = services.roster_import_create(
                program=viewer.program,
                uploaded_file=form.cleaned_data["file"],
                acting_user=request.user,
            )
        except services.RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("programs:roster_preview", viewer.program.slug, roster_import.uuid)
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
