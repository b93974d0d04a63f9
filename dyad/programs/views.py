from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from dyad import policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.programs import selectors
from dyad.programs.models import Role


@login_required
def index(request):
    programs = list(selectors.programs_for_user(request.user))
    if len(programs) == 1:
        return redirect(programs[0])
    ctx = {"programs": programs, "institutions": policy.institutions_administered(request.user)}
    return TemplateResponse(request, "programs/index.html", ctx)


@login_required
@keep
def people(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_people)
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    text = request.GET.get("q", "").strip()
    qs = selectors.people_in_program(viewer.program, role=role, text=text)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ctx = {
        "viewer": viewer,
        "nav": "people",
        "page": page,
        "role": role,
        "q": text,
        "roles": Role.choices,
    }
    return TemplateResponse(request, "programs/people.html", ctx)
