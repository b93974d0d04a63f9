from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.training import selectors, services
from dyad.training.forms import CompletionForm, ModuleForm, NewModuleForm
from dyad.training.models import TrainingModule

PER_PAGE = 50


def _module(viewer, uuid) -> TrainingModule:
    return get_object_or_404(
        TrainingModule.objects.filter(program=viewer.program).select_related("program"),
        uuid=uuid,
    )


def _module_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "valid_months": data["valid_months"],
        "required_for": data["required_for"],
    }


@login_required
@keep
def index(request, slug):
    """Leaders: every module and where each guide stands, fifty guides a page. Guides:
    where they stand."""
    viewer = get_program(request, slug, allow=policy.can_view_own_training)
    today = timezone.localdate()
    ctx = {
        "viewer": viewer,
        "nav": "training",
        "today": today,
        "own": selectors.own_training(viewer.program, request.user, today)
        if viewer.is_guide
        else None,
    }
    if policy.can_manage_training(viewer):
        modules = list(
            TrainingModule.objects.filter(program=viewer.program).select_related("program")
        )
        text = request.GET.get("q", "").strip()
        people = [p for p in selectors.guides(viewer.program) if p.matches(text)]
        page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
        ctx |= {
            "table": {
                "modules": modules,
                "rows": selectors.standing(modules, page.object_list, today) if modules else [],
            },
            "page": page,
            "q": text,
        }
    return TemplateResponse(request, "training/index.html", ctx)


@login_required
def module_new(request, slug):
    viewer = get_program(request, slug, allow=policy.can_manage_training)
    form = NewModuleForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.module_save(
            program=viewer.program, acting_user=request.user, **_module_fields(form)
        ),
        success=lambda m: f"“{m.title}” added.",
        then=lambda m: m,
    ):
        return response
    ctx = {"viewer": viewer, "nav": "training", "form": form, "title": "Add a training module"}
    return TemplateResponse(request, "training/module_form.html", ctx)


@login_required
def module(request, slug, uuid):
    """A module: its settings, who has completed it, and recording completions."""
    viewer = get_program(request, slug, allow=policy.can_manage_training)
    module = _module(viewer, uuid)
    form = ModuleForm(
        request.POST or None, instance=module, initial={"required_for": module.required_for}
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.module_save(
            program=viewer.program, acting_user=request.user, module=module, **_module_fields(form)
        ),
        success="Saved.",
        then=module,
    ):
        return response
    return _module_page(request, viewer, module, form=form)


def _module_page(request, viewer, module, *, form=None, completion_form=None):
    today = timezone.localdate()
    people = selectors.faculty_of(viewer.program)
    ctx = {
        "viewer": viewer,
        "nav": "training",
        "module": module,
        "form": form or ModuleForm(instance=module, initial={"required_for": module.required_for}),
        "completion_form": completion_form
        or CompletionForm(people=people, initial={"completed_on": today}),
        "standing": [
            (person, status)
            for person, (status,) in selectors.standing(
                [module], selectors.guides(viewer.program), today
            )
        ],
    }
    return TemplateResponse(request, "training/module.html", ctx)


@login_required
@require_POST
def record(request, slug, uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_training)
    module = _module(viewer, uuid)
    form = CompletionForm(request.POST, people=selectors.faculty_of(viewer.program))
    if response := flow.submit(
        request,
        form,
        lambda data: services.completions_record(
            module=module,
            people=list(data["people"]),
            completed_on=data["completed_on"],
            acting_user=request.user,
        ),
        success=lambda n: (
            f"{n} completion{'s' if n != 1 else ''} recorded."
            if n
            else "Nothing new: those completions were recorded already."
        ),
        then=module,
    ):
        return response
    return _module_page(request, viewer, module, completion_form=form)


@login_required
@require_POST
def module_remove(request, slug, uuid):
    viewer = get_program(request, slug, allow=policy.can_manage_training)
    module = _module(viewer, uuid)
    return flow.act(
        request,
        lambda: services.module_remove(module=module, acting_user=request.user),
        success=f"“{module.title}” removed, with its completion records.",
        then=reverse("training:index", args=[slug]),
    )
