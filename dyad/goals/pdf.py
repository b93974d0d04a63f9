"""The learning plan as a printable PDF (WeasyPrint), for the learner to bring to the
semi-annual review. Callers check the policy first: this module renders what it is given."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from dyad.goals import selectors
from dyad.goals.models import Ilp


def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find("goals/ilp-print.css"))


def render_ilp(ilp: Ilp) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "goals/ilp_pdf.html",
        {
            "ilp": ilp,
            "goals": list(selectors.ilp_goals(ilp)),
            "competencies": [c for c in ilp.competency_self_assessment() if c[2]],
            "reviews": list(ilp.reviews.all()),
            "shared_with": list(ilp.shared_with.select_related("guide")),
            "printed": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf(stylesheets=[_stylesheet()])


def filename(ilp: Ilp) -> str:
    """e.g. ilp-2026-27-lee-learner.pdf (ASCII: the header stays plain)."""
    name = slugify(ilp.learner.full_name or "learner") or "learner"
    return f"ilp-{ilp.year}-{(ilp.year + 1) % 100:02d}-{name}.pdf"
