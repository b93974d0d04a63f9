from django import template

from dyad.lib.matching.score import ordinal as _ordinal
from dyad.matching import selectors

register = template.Library()


@register.filter
def ordinal(number) -> str:
    """3 → "3rd"."""
    try:
        return _ordinal(int(number))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def open_rounds(viewer, side):
    """The rounds whose lists are open in which the viewer ranks (side "learner") or marks
    (side "guide"): one query."""
    return list(selectors.open_rounds_for(viewer.user, viewer.program, side=side))
