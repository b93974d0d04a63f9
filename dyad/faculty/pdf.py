"""The mentoring portfolio as a printable PDF (WeasyPrint), for a promotion dossier.
Callers check the policy first: this module renders what it is given."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import slugify

from dyad.faculty.selectors import Portfolio


def render_portfolio(portfolio: Portfolio, *, program=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "faculty/portfolio_pdf.html", {"portfolio": portfolio, "program": program}
    )
    stylesheet = CSS(filename=finders.find("faculty/portfolio-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def filename(portfolio: Portfolio) -> str:
    """e.g. mentoring-portfolio-ada-lovelace-2026-12-03.pdf (ASCII: the header stays plain)."""
    name = slugify(portfolio.guide.full_name or "guide") or "guide"
    return f"mentoring-portfolio-{name}-{portfolio.today:%Y-%m-%d}.pdf"
