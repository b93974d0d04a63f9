from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from dyad import policy
from dyad.access import get_program
from dyad.programs import selectors
from dyad.programs.models import Role
from dyad.relationships import selectors as relationship_selectors


@login_required
def index(request):
    programs = list(selectors.programs_for_user(request.user))
    if len(programs) == 1:
        return redirect(programs[0])
    return TemplateResponse(request, "programs/index.html", {"programs": programs})


@login_required
def home(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    ctx = {"viewer": viewer, "nav": "home"}
    program, user = viewer.program, request.user
    if viewer.is_leader:
        ctx["overview"] = selectors.program_overview(program)
        ctx["pairing"] = relationship_selectors.overview_summary(program)
        ctx["conflicts"] = relationship_selectors.flagged_conflicts(program).count()
        ctx["pending_agreements"] = relationship_selectors.pending_agreements(program).count()
        ctx["open_rematch"] = relationship_selectors.open_rematch_requests(program, user).count()
        ctx["recent_imports"] = program.roster_imports.select_related("uploaded_by")[:5]
        ctx["is_director"] = policy.is_director(viewer)
    if policy.is_safety_contact(viewer):
        ctx["concerns"] = relationship_selectors.concerns_for_contacts(program, user).count()
    mine = list(
        relationship_selectors.relationships_with_agreement(
            relationship_selectors.relationships_for_user(user, program).holding_seats()
        )
    )
    if viewer.is_guide:
        ctx["guide_profile"] = getattr(user, "guide_profile", None)
        ctx["my_learners"] = [r for r in mine if r.guide_id == user.pk]
        ctx["waiting_requests"] = relationship_selectors.open_requests_for_guide(
            user, program
        ).count()
    if viewer.is_learner:
        ctx["learner_profile"] = getattr(user, "learner_profile", None)
        ctx["my_guides"] = [r for r in mine if r.learner_id == user.pk]
    return TemplateResponse(request, "programs/home.html", ctx)


@login_required
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
