"""Peer-advisor pairing: leaders preview the pairing of interns with senior residents, then
publish it (SPEC M6)."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.relationships import peer


@login_required
@keep
def peer_pairing(request, slug):
    """The preview: computed afresh on every visit, stored nowhere."""
    viewer = get_program(request, slug, allow=policy.can_run_peer_pairing)
    ctx = {
        "viewer": viewer,
        "nav": "relationships",
        "proposal": peer.peer_pairing_proposal(viewer.program),
    }
    return TemplateResponse(request, "relationships/peer_pairing.html", ctx)


@login_required
@require_POST
def peer_pairing_publish(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_peer_pairing)
    return flow.act(
        request,
        lambda: peer.peer_pairing_publish(
            program=viewer.program,
            previewed=request.POST.getlist("pair"),
            acting_user=request.user,
        ),
        success=_published_message,
        then=reverse("relationships:peer_pairing", args=[viewer.program.slug]),
    )


def _published_message(created) -> str:
    n = len(created)
    return (
        f"{n} intern{'s' if n != 1 else ''} now {'have' if n != 1 else 'has'} a peer mentor. "
        "Each pair has been told by e-mail and asked to acknowledge its agreement."
    )
