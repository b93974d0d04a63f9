"""Roster import: upload → preview → apply, the report of the rows in error, and the
invitations of the people it adds."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_program_person, get_roster_import
from dyad.changes.pages import keep
from dyad.fields import OnceForm
from dyad.programs import invitations, roster, services
from dyad.programs.models import RosterImport

# People listed by name on the roster page as waiting for a new invitation.
RESEND_LISTED = 50


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
@keep
def roster_upload(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    program = viewer.program
    # Bound on any POST: an upload may carry no other field than the file.
    is_post = request.method == "POST"
    form = RosterUploadForm(request.POST, request.FILES) if is_post else RosterUploadForm()
    if response := flow.submit(
        request,
        form,
        lambda data: services.roster_import_create(
            program=program, uploaded_file=data["file"], acting_user=request.user
        ),
        success=None,
        then=lambda roster_import: _preview_url(program, roster_import),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "form": form,
        "columns": roster.COLUMNS,
        "example": roster.EXAMPLE_CSV,
        "max_bytes": settings.DYAD_ROSTER_MAX_BYTES,
        "recent_imports": program.roster_imports.select_related("uploaded_by")[:5],
        **_invitations_context(program),
    }
    return TemplateResponse(request, "programs/roster_upload.html", ctx)


def _invitations_context(program) -> dict:
    failed = invitations.to_resend(program).select_related("user").order_by("user__email")
    never = invitations.never_invited(program).order_by("email")
    return {
        "invitation_counts": invitations.invitation_counts(program),
        "invitations_to_resend": list(failed[:RESEND_LISTED]),
        "never_invited": list(never[:RESEND_LISTED]),
        "resend_listed": RESEND_LISTED,
    }


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
    return flow.act(
        request,
        lambda: services.roster_import_apply(
            roster_import=roster_import,
            skip_errors=bool(request.POST.get("skip_errors")),
            acting_user=request.user,
        ),
        success=lambda applied: _applied_message(applied.summary),
        then=_preview_url(viewer.program, roster_import),
    )


@login_required
@require_POST
def invitation_resend(request, slug, user_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    person = get_program_person(viewer, user_uuid)
    return flow.act(
        request,
        lambda: invitations.invitation_resend(
            program=viewer.program, user=person, acting_user=request.user
        ),
        success=f"The invitation of {person.email} is queued: it goes out within minutes.",
        then=_invitations_url(viewer.program),
    )


@login_required
@require_POST
def invitations_resend_all(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_roster)
    return flow.act(
        request,
        lambda: invitations.invitations_resend_all(
            program=viewer.program, acting_user=request.user
        ),
        success=lambda n: (
            f"{n} invitation{'s are' if n != 1 else ' is'} queued: they go out within minutes."
        ),
        then=_invitations_url(viewer.program),
    )


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


def _preview_url(program, roster_import) -> str:
    return reverse("programs:roster_preview", args=[program.slug, roster_import.uuid])


def _invitations_url(program) -> str:
    return reverse("programs:roster_upload", args=[program.slug]) + "#invitations"


def _applied_message(summary: dict) -> str:
    parts = [
        f"{summary['created']} new {'person' if summary['created'] == 1 else 'people'} "
        "(invitation queued)",
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
