"""Evaluative roles (SPEC M3): who assesses learners, so that they do not mentor or coach
them. Recorded one by one or imported from a CSV file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_evaluative_role, get_program
from dyad.changes.pages import keep
from dyad.relationships import evaluative_import, selectors, services
from dyad.relationships.evaluative_forms import (
    EvaluativeImportApplyForm,
    EvaluativeImportUploadForm,
    EvaluativeRoleForm,
)


def _flag_message(request, program, evaluators) -> None:
    """Tell the leader when the roles just recorded flag relationships already in place."""
    flagged = list(selectors.flagged_conflicts(program).filter(guide__in=evaluators))
    if flagged:
        pairs = "; ".join(
            f"{rel.guide} → {rel.learner} ({rel.get_kind_display()})" for rel in flagged
        )
        messages.warning(
            request,
            f"This flags {len(flagged)} existing relationship{'s' if len(flagged) > 1 else ''} "
            f"in which the guide evaluates the learner: {pairs}. Review them on the "
            "Relationships page.",
        )


def _then_roles(request, program, evaluators) -> str:
    """After recording roles: warn of the relationships they flag, back to the list."""
    _flag_message(request, program, evaluators)
    return reverse("relationships:evaluative_roles", args=[program.slug])


@login_required
@keep
def evaluative_roles(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_evaluative_roles)
    program = viewer.program
    form = EvaluativeRoleForm(
        request.POST or None,
        members=selectors.program_members(program),
        learners=selectors.learners_overview(program),
    )

    if response := flow.submit(
        request,
        form,
        lambda data: services.evaluative_role_create(
            program=program, acting_user=request.user, **data
        ),
        success=lambda role: f"Recorded: {role.evaluator} — {role.get_kind_display()}.",
        then=lambda role: _then_roles(request, program, [role.evaluator]),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "evaluative",
        "form": form,
        "roles": selectors.evaluative_roles_of_program(program),
    }
    return TemplateResponse(request, "relationships/evaluative_roles.html", ctx)


@login_required
@require_POST
def evaluative_role_delete(request, slug, role_uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_evaluative_roles)
    role = get_evaluative_role(viewer, role_uuid)
    return flow.act(
        request,
        lambda: services.evaluative_role_delete(role=role, acting_user=request.user),
        success=f"Removed: {role.evaluator} — {role.get_kind_display()}.",
        then=reverse("relationships:evaluative_roles", args=[viewer.program.slug]),
    )


@login_required
def evaluative_roles_import(request, slug):
    """Upload (GET form, POST file) → preview; POST of the previewed text → apply.

    The previewed text comes back in a hidden field rather than being stored: apply parses
    and checks it again and refuses the whole file if any row is in error, so what comes
    back needs no trust beyond the leader's own right to record these roles.
    """
    viewer = get_program(request, slug, allow=policy.can_manage_evaluative_roles)
    if request.method == "POST" and "csv_text" in request.POST:
        return _import_apply(request, viewer)
    upload = EvaluativeImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        text = upload.cleaned_data["file"]
        return _import_preview(request, viewer, text)
    ctx = {
        "viewer": viewer,
        "nav": "evaluative",
        "form": upload,
        "columns": evaluative_import.COLUMNS,
        "example": evaluative_import.EXAMPLE_CSV,
    }
    return TemplateResponse(request, "relationships/evaluative_import.html", ctx)


def _import_preview(request, viewer, text):
    ctx = {
        "viewer": viewer,
        "nav": "evaluative",
        "plan": selectors.evaluative_import_plan(viewer.program, text),
        "apply_form": EvaluativeImportApplyForm(initial={"csv_text": text}),
    }
    return TemplateResponse(request, "relationships/evaluative_import.html", ctx)


def _import_apply(request, viewer):
    program = viewer.program
    form = EvaluativeImportApplyForm(request.POST)

    if response := flow.submit(
        request,
        form,
        lambda data: services.evaluative_roles_import(
            program=program, text=data["csv_text"], acting_user=request.user
        ),
        success=_imported_message,
        then=lambda result: _then_roles(
            request, program, {role.evaluator for role in result["roles"]}
        ),
    ):
        return response
    if not form.is_valid() and "csv_text" in form.errors:
        messages.error(request, "The file did not come back whole. Upload it again.")
        return redirect("relationships:evaluative_import", program.slug)
    # Refused by the service: the preview again, with why.
    messages.error(request, " ".join(form.non_field_errors()))
    return _import_preview(request, viewer, form.cleaned_data["csv_text"])


def _imported_message(result) -> str:
    created, skipped = result["created"], result["skipped"]
    skipped_text = f" ({skipped} already recorded, skipped)" if skipped else ""
    return f"Imported {created} evaluative role{'s' if created != 1 else ''}{skipped_text}."
