from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.files import serve
from dyad.programs.models import GuidanceKind
from dyad.resources import services
from dyad.resources.forms import NewResourceForm, ResourceForm
from dyad.resources.models import Resource


def _visible(viewer):
    return Resource.objects.for_audiences(viewer.program, policy.resource_audiences(viewer))


def _get(viewer, uuid) -> Resource:
    """A resource of the program for one of the viewer's audiences; anything else is not
    found (a learner does not learn what the program gives its guides)."""
    return get_object_or_404(_visible(viewer).select_related("program"), uuid=uuid)


@login_required
@keep
def index(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_resources)
    resources = _visible(viewer).order_by("kind", "title", "pk")
    kinds = dict(GuidanceKind.choices)
    groups = [
        (kinds.get(kind, "Every kind of pairing"), list(items))
        for kind, items in groupby(resources, key=lambda r: r.kind)
    ]
    ctx = {
        "viewer": viewer,
        "nav": "resources",
        "groups": groups,
        "can_manage": policy.can_manage_resources(viewer),
    }
    return TemplateResponse(request, "resources/index.html", ctx)


def _form_page(request, viewer, form, *, title, resource=None):
    ctx = {"viewer": viewer, "nav": "resources", "form": form, "title": title, "resource": resource}
    return TemplateResponse(request, "resources/form.html", ctx)


@login_required
def new(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_resources)
    form = NewResourceForm(request.POST or None, request.FILES or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.resource_add(
            program=viewer.program, acting_user=request.user, **form.resource_fields()
        ),
        success=lambda r: f"“{r.title}” is in the library.",
        then=reverse("resources:index", args=[slug]),
    ):
        return response
    return _form_page(request, viewer, form, title="Add to the library")


@login_required
def edit(request, slug, uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_resources)
    resource = _get(viewer, uuid)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if response := flow.submit(
        request,
        form,
        lambda data: services.resource_update(
            resource=resource, acting_user=request.user, **form.resource_fields()
        ),
        success="Saved.",
        then=reverse("resources:index", args=[slug]),
    ):
        return response
    return _form_page(request, viewer, form, title="Change a resource", resource=resource)


@login_required
@require_POST
def remove(request, slug, uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_resources)
    resource = _get(viewer, uuid)
    return flow.act(
        request,
        lambda: services.resource_remove(resource=resource, acting_user=request.user),
        success=f"“{resource.title}” removed from the library.",
        then=reverse("resources:index", args=[slug]),
    )


@login_required
def open_resource(request, slug, uuid):
    """The document, or the link's address."""
    viewer = get_program(request, slug, allow=policy.can_view_resources)
    resource = _get(viewer, uuid)
    if resource.link:
        return redirect(resource.link)
    if not resource.file:
        raise Http404("No such file")
    return serve(resource.file, name=resource.file_name, content_type=resource.file_type)
