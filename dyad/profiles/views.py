from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_guide_profile, get_program, own_program_ids, own_programs
from dyad.changes import pages
from dyad.changes.pages import keep
from dyad.profiles import availability, selectors, services, suggestions
from dyad.profiles.forms import (
    ContentAreaForm,
    DirectoryFilterForm,
    GuideProfileForm,
    LearnerProfileForm,
)
from dyad.profiles.models import ContentArea

DIRECTORY_PAGE_SIZE = 20


def _own_programs(request):
    """The user's programs; and a viewer for the top bar when there is exactly one."""
    # For a kept page, the version of the user's programs before the list is read.
    version = pages.read_version_first(request, own_program_ids(request.user))
    programs, viewer = own_programs(request.user)
    if not policy.can_keep_own_profile(request.user, programs):
        raise PermissionDenied
    pages.look_up(request, [program.pk for program in programs], by="view", version=version)
    return programs, viewer


@login_required
@keep(by="view")
def edit_guide(request):
    programs, viewer = _own_programs(request)
    # Through the user, so that the top bar's "is a guide" check reuses it.
    profile = getattr(request.user, "guide_profile", None)
    if profile is not None:
        # Read once for the form's capacities and for whether the profile is published.
        prefetch_related_objects([profile], "offers")
    form = GuideProfileForm(
        request.POST if request.method == "POST" else None,
        instance=profile,
        content_areas=selectors.content_areas_for_programs(programs),
        name_programs=len(programs) > 1,
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.guide_profile_update(
            user=request.user, data=data, acting_user=request.user
        ),
        success="Your guide profile is saved.",
        then="profiles:edit_guide",
    ):
        return response
    ctx = {
        "viewer": viewer,
        "form": form,
        "programs": programs,
        "published": profile is not None and any(o.capacity > 0 for o in profile.offers.all()),
    }
    return TemplateResponse(request, "profiles/edit_guide.html", ctx)


@login_required
@keep(by="view")
def edit_learner(request):
    programs, viewer = _own_programs(request)
    profile = getattr(request.user, "learner_profile", None)
    form = LearnerProfileForm(
        request.POST if request.method == "POST" else None,
        instance=profile,
        content_areas=selectors.content_areas_for_programs(programs),
        name_programs=len(programs) > 1,
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.learner_profile_update(
            user=request.user, data=data, acting_user=request.user
        ),
        success="Your profile is saved.",
        then="profiles:edit_learner",
    ):
        return response
    ctx = {"viewer": viewer, "form": form, "programs": programs}
    return TemplateResponse(request, "profiles/edit_learner.html", ctx)


@login_required
@keep
def directory(request, slug):
    viewer = get_program(request, slug, allow=policy.can_browse_directory)
    program = viewer.program
    # One version of the pool and the profiles keys both the departments and the
    # suggestions.
    version = suggestions.suggestions_version(program)
    form = DirectoryFilterForm(
        request.GET, program=program, departments=selectors.directory_departments(program, version)
    )
    filters = form.filters()
    # Who evaluates the viewing learner, once for the filter, the cards and the suggestions.
    conflicts = availability.conflicts_for(viewer)
    guides = selectors.directory_guides(program, **filters, conflicts=conflicts)
    page = Paginator(guides, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    availability.attach_availability(page.object_list, conflicts)
    ctx = {
        "viewer": viewer,
        "nav": "directory",
        "form": form,
        "page": page,
        "is_filtered": any(filters.values()),
    }
    # HTMX asks for the results only; a history restore needs the whole page.
    template = "profiles/directory.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "profiles/_directory_results.html"
    elif policy.can_see_guide_suggestions(viewer):
        ctx["suggestions"] = suggestions.suggested_guides(
            viewer, conflicts=conflicts, version=version
        )
    response = TemplateResponse(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@keep
def guide_detail(request, slug, profile_uuid):
    viewer = get_program(request, slug, allow=policy.can_browse_directory)
    guide = get_guide_profile(viewer, profile_uuid, allow=policy.can_view_guide_profile)
    prefetch_related_objects([guide], *selectors.guide_display_prefetches(viewer.program))
    conflicts = availability.conflicts_for(viewer, guides=[guide.user])
    offers = availability.availability(guide, guide.published_offers, conflicts)
    may_ask = policy.can_send_guide_request(viewer) and guide.user != request.user
    ctx = {
        "viewer": viewer,
        "nav": "directory",
        "guide": guide,
        "can_edit": policy.can_edit_guide_profile(request.user, guide),
        "can_see_effort": policy.can_view_guide_effort(viewer, guide),
        "availability": offers,
        "can_request": may_ask and bool(offers.requestable),
        "show_closed_note": may_ask and not offers.requestable,
    }
    return TemplateResponse(request, "profiles/guide_detail.html", ctx)


def _content_areas_page(request, viewer, form):
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "form": form,
        "defaults": ContentArea.objects.filter(program__isnull=True).order_by("name"),
        "own_areas": selectors.program_content_areas(viewer.program),
    }
    return TemplateResponse(request, "profiles/content_areas.html", ctx)


@login_required
@keep
def content_areas(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_program_taxonomy)
    return _content_areas_page(request, viewer, ContentAreaForm(program=viewer.program))


@login_required
@require_POST
def content_area_add(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_program_taxonomy)
    form = ContentAreaForm(request.POST, program=viewer.program)
    if response := flow.submit(
        request,
        form,
        lambda data: services.content_area_create(
            program=viewer.program, name=data["name"], acting_user=request.user
        ),
        success=lambda area: f"“{area.name}” is now a content area of this program.",
        then=reverse("profiles:content_areas", args=[slug]),
    ):
        return response
    return _content_areas_page(request, viewer, form)
