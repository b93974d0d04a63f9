"""The check-in prompt where a party already looks: their home page and the relationship
page. Each asks only about the viewing party's own check-ins, so that the other party's
pages read the same whatever was answered."""

from django import template
from django.utils import timezone

from dyad import policy
from dyad.checkins import selectors
from dyad.checkins.forms import CheckInForm
from dyad.lib import checkins as rules

register = template.Library()


def _form(relationship) -> CheckInForm:
    # Ids of its own: a page may ask about several pairings, and a label must check the
    # choice of its own form.
    return CheckInForm(auto_id=f"ci-{relationship.uuid}-%s")


@register.inclusion_tag("checkins/_home.html")
def checkins_due(viewer, relationships=None):
    """Every pairing of the viewer with a check-in due (one query, none if the viewer's
    `relationships` were read with_checkin_dates), each a link to its form: the home page
    stays short with several due."""
    today = timezone.localdate()
    if relationships is None:
        due = selectors.due_for(viewer.user, viewer.program, today)
    else:
        due = selectors.due_among(relationships, today)
    return {
        "viewer": viewer,
        "user": viewer.user,
        "prompts": [(d.relationship, d.due_on) for d in due],
    }


@register.inclusion_tag("checkins/_prompts.html", takes_context=True)
def checkin_prompt(context, viewer, relationship):
    """The prompt on one relationship's page, for a party whose check-in is due."""
    prompts = []
    if policy.can_check_in(viewer, relationship):
        today = timezone.localdate()
        due = selectors.due_in(relationship, viewer.user, today)
        if rules.is_due(due, today):
            prompts.append((relationship, due, _form(relationship)))
    return {
        "viewer": viewer,
        "user": viewer.user,
        "csrf_token": context.get("csrf_token"),
        "prompts": prompts,
    }
