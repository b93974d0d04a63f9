"""Safety and wellbeing concerns (SPEC M11): the one exception to confidentiality. A guide
raises a concern; only the program's designated contacts read it."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.relationships import selectors, services
from dyad.relationships.safety_forms import ConcernForm, SafetyContactsForm


@login_required
def concern_raise(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_raise_concern)
    form = ConcernForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.safety_concern_raise(
            relationship=relationship, acting_user=request.user, **data
        ),
        success="Your concern has gone to the program's designated contacts. They will follow "
        f"up; {relationship.learner.first_name or 'the learner'} is not told by Dyad.",
        then=relationship,
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "mine",
        "relationship": relationship,
        "form": form,
        "raised": selectors.concerns_raised_by(request.user, relationship),
    }
    return TemplateResponse(request, "relationships/concern_form.html", ctx)


@login_required
@keep
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
@keep
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
    if response := flow.submit(
        request,
        form,
        lambda data: services.safety_contacts_set(
            program=program, users=data["contacts"], acting_user=request.user
        ),
        success="The designated contacts are saved.",
        then=reverse("relationships:safety_contacts", args=[program.slug]),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "concerns",
        "form": form,
        "designated": designated,
        "receiving": selectors.safety_contacts(program),
    }
    return TemplateResponse(request, "relationships/safety_contacts.html", ctx)
