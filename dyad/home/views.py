from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.expectations import selectors as expectations_selectors
from dyad.home import selectors, services
from dyad.surveys import selectors as surveys


@login_required
@keep
def home(request, slug):
    """What to do next, per role held in the program: the guide part first for someone
    who also learns or leads (they act on it most days)."""
    viewer = get_program(request, slug, allow=policy.can_view_program)
    now = timezone.now()
    ctx = {"viewer": viewer, "nav": "home"}
    data = selectors.party_data(viewer, now)
    pending = expectations_selectors.pending_for(viewer, policy.expectations_audiences(viewer))
    learner_doc = next((d for d in pending["documents"] if d["audience"] == "learners"), None)
    # The learner's document is their next step; the rest (a guide's document, a leader's
    # agreement to the consent terms) is a card of its own.
    ctx["expectations"] = {
        **pending,
        "documents": [
            d for d in pending["documents"] if d is not learner_doc or not viewer.is_learner
        ],
    }
    ctx["relationships"] = data["relationships"]
    # A leader's part reads every offer of the program; their own come from those.
    offers = selectors.program_offers(viewer.program) if viewer.is_leader else None
    if _shows_guide_part(viewer, data):
        ctx["guide"] = selectors.guide_part(viewer, data, now, offers=offers)
    if viewer.is_learner:
        ctx["learner"] = selectors.learner_part(
            viewer, data, now, expectations=learner_doc and learner_doc["document"]
        )
    if viewer.is_leader:
        ctx["surveys_to_answer"], ctx["survey_rates"] = surveys.open_for_leader(
            request.user, viewer.program
        )
        ctx["leader"] = selectors.leader_part(viewer, now, policies=data["policies"], offers=offers)
        # The SVG is built from numbers and escaped text by dyad.lib.charts.
        ctx["charts"] = {
            k: mark_safe(v)  # noqa: S308
            for k, v in selectors.leader_charts(ctx["leader"]).items()
        }
    elif viewer.is_member:
        ctx["surveys_to_answer"] = surveys.open_unanswered(request.user, viewer.program)
    return TemplateResponse(request, "home/home.html", ctx)


def _shows_guide_part(viewer, data) -> bool:
    """Faculty always see it (it tells them how to be found); a leader or a senior
    resident only once they guide someone or keep a guide profile, so that a director
    who does not mentor is not shown an empty part."""
    if any(p.relationship.guide_id == viewer.user.pk for p in data["pairings"]):
        return True
    return viewer.is_guide and (not viewer.is_leader or hasattr(viewer.user, "guide_profile"))


@login_required
@require_POST
def nudge(request, slug, rel_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    relationship = get_relationship(viewer, rel_uuid, allow=policy.can_nudge_pair)
    return flow.act(
        request,
        lambda: services.relationship_nudge(relationship=relationship, acting_user=request.user),
        success=f"Reminder sent to {relationship.learner} and {relationship.guide}.",
        then=viewer.program,
    )
