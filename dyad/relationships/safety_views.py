"""Safety and wellbeing concerns (SPEC M11): the one exception to confidentiality. A guide
raises a concern; only the program's designated contacts read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from dyad import policy
from dyad.access import get_program, get_relationship
from dyad.relationships import selectors, services
from dyad.relationships.forms_more import ConcernForm, SafetyContactsForm


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def concern_raise(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_raise_concern)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_concern_raise(
                relationship=relationship, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                "Your concern has gone to the program's designated contacts. They will follow "
                f"up; {relationship.learner.first_name or 'the learner'} is not told by Dyad.",
            )
            return redirect(relationship)
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "raised": selectors.concerns_raised_by(request.user, relationship),
    }
    return TemplateResponse(request, "relationships/concern_form.html", ctx)


@login_required
def concerns(request, slug):
    viewer = get_program(request, slug, allow=policy.is_safety_contact)
    ctx = {
        "viewer": viewer,
        "nav": "concerns",
        "concerns": selectors.concerns_for_contacts(viewer.program, request.user),
        "can_manage_contacts": policy.can_manage_safety_contacts(viewer),
    }
    return TemplateResponse(request, "relationships/concerns.html", ctx)


@login_required
def safety_contacts(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_safety_contacts)
    program = viewer.program
    designated = selectors.designated_safety_contacts(program)
    # Unticking everyone posts no field at all: still a submitted form.
    form = SafetyContactsForm(
        request.POST if request.method == "POST" else None,
        candidates=selectors.safety_contact_candidates(program),
        initial={"contacts": designated},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_contacts_set(
                program=program, users=form.cleaned_data["contacts"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "The designated contacts are saved.")
            return redirect("relationships:safety_contacts", program.slug)
    ctx = {
        "viewer": viewer,
        "nav": "concerns",
        "form": form,
        "designated": designated,
        "receiving": selectors.safety_contacts(program),
    }
    return TemplateResponse(request, "relationships/safety_contacts.html", ctx)
