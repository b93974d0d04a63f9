"""Program evaluation (SPEC M8): a program's figures for its leaders and its institution's
GME office, the GME office's view of every program of its institution, and the exports.
Counts only: nothing a pair said or wrote."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify

from dyad import policy
from dyad.access import get_program, viewer_for
from dyad.changes import pages
from dyad.changes.pages import keep
from dyad.insight import exports, sections, selectors, services
from dyad.lib.ilp import year_label
from dyad.programs.models import Program
from dyad.surveys import selectors as survey_selectors

TREND_YEARS = 3


def _viewer(request, slug):
    """The program as a leader or the GME office sees it: the office is no member, so it
    is let in here before the members' check (which turns any other non-member away)."""
    program = get_object_or_404(Program, slug=slug)
    if policy.can_view_institution_insight(request.user, program.institution):
        pages.look_up(request, [program.pk])  # as get_program does for members
        return viewer_for(request.user, program)
    return get_program(request, slug, allow=policy.can_view_program_insight)


def _year(request, current: int) -> int:
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if 2000 <= year <= current else current


def _ctx(viewer, **extra) -> dict:
    # The GME office is no member: the program's menu would lead it nowhere.
    return {"viewer": viewer if viewer.is_member else None, "program": viewer.program, **extra}


def _figures(viewer, request):
    current = selectors.current_year(viewer.program)
    year = _year(request, current)
    figures = selectors.cached_program_figures([viewer.program], year)[viewer.program.pk]
    return figures, current


@login_required
@keep
def program(request, slug):
    viewer = _viewer(request, slug)
    figures, current = _figures(viewer, request)
    ctx = _ctx(
        viewer,
        nav="insight",
        figures=figures,
        sections=sections.sections(figures),
        years=[(y, year_label(y)) for y in range(current, current - 4, -1)],
        keys=sections.KEYS,
        is_office=not viewer.is_leader,
        can_export_people=policy.can_export_people_list(viewer),
    )
    return TemplateResponse(request, "insight/program.html", ctx)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def section_csv(request, slug, key):
    viewer = _viewer(request, slug)
    if key not in sections.KEYS:
        raise Http404("No such table")
    figures, _ = _figures(viewer, request)
    section = sections.SECTIONS[sections.KEYS.index(key)](figures)
    services.export_record(
        program=viewer.program,
        what=key,
        file_format="csv",
        year=figures.year,
        acting_user=request.user,
    )
    name = f"{viewer.program.slug}-{key}-{figures.year}.csv"
    return _download(exports.csv_bytes(section.headers, section.rows), "text/csv", name)


@login_required
def figures_xlsx(request, slug):
    viewer = _viewer(request, slug)
    figures, _ = _figures(viewer, request)
    services.export_record(
        program=viewer.program,
        what="figures",
        file_format="xlsx",
        year=figures.year,
        acting_user=request.user,
    )
    content = exports.xlsx_bytes(exports.section_sheets(sections.sections(figures)))
    return _download(content, XLSX, f"{viewer.program.slug}-figures-{figures.year}.xlsx")


def _people(request, slug, file_format: str) -> tuple[list, str]:
    """The people list's rows, its export recorded, and the file's name."""
    viewer = _viewer(request, slug)
    if not policy.can_export_people_list(viewer):
        raise Http404
    rows = exports.people_table(selectors.people_rows(viewer.program))
    services.export_record(
        program=viewer.program,
        what="people",
        file_format=file_format,
        year=None,
        acting_user=request.user,
    )
    return rows, f"{viewer.program.slug}-people-{timezone.localdate():%Y-%m-%d}.{file_format}"


@login_required
def people_csv(request, slug):
    rows, name = _people(request, slug, "csv")
    return _download(exports.csv_bytes(exports.PEOPLE_HEADERS, rows), "text/csv", name)


@login_required
def people_xlsx(request, slug):
    rows, name = _people(request, slug, "xlsx")
    content = exports.xlsx_bytes([("People", exports.PEOPLE_HEADERS, rows)])
    return _download(content, XLSX, name)


@login_required
def report_pdf(request, slug):
    viewer = _viewer(request, slug)
    figures, _ = _figures(viewer, request)
    years = range(figures.year - TREND_YEARS + 1, figures.year + 1)
    trend = [selectors.program_figures([viewer.program], y)[viewer.program.pk] for y in years]
    services.export_record(
        program=viewer.program,
        what="report",
        file_format="pdf",
        year=figures.year,
        acting_user=request.user,
    )
    content = exports.report_pdf(
        program=viewer.program,
        figures=figures,
        sections=sections.sections(figures),
        trend=trend,
        surveys=survey_selectors.report_results(viewer.program, figures.year),
    )
    name = f"{slugify(viewer.program.slug)}-program-report-{figures.year}.pdf"
    return _download(content, "application/pdf", name)


@login_required
@keep(by="view")
def institution(request):
    """The GME office: every program of its institutions, key figures side by side, and the
    institutions' totals. The same number of queries for two programs or two hundred."""
    # For a kept page, the version of the user's institutions' programs, read first.
    version = pages.read_version_first(request, selectors.institution_program_ids(request.user))
    institutions = policy.institutions_administered(request.user)
    if not institutions:
        raise Http404("No such page")
    programs = selectors.institution_programs(institutions)
    pages.look_up(request, [p.pk for p in programs], by="view", version=version)
    today = timezone.localdate()
    # Programs may start their years in different months: "2025" is each one's 2025–26.
    current = max((selectors.current_year(p, today) for p in programs), default=today.year)
    year = _year(request, current)
    figures = selectors.cached_program_figures(programs, year, today)
    rows = [figures[p.pk] for p in programs]
    ctx = {
        "institutions": sorted(institutions),
        "rows": rows,
        "totals": selectors.totals(rows),
        "year": year,
        "year_label": year_label(year),
        "years": [(y, year_label(y)) for y in range(current, current - 4, -1)],
    }
    return TemplateResponse(request, "insight/institution.html", ctx)
