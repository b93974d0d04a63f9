import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from dyad import policy
from dyad.access import get_program
from dyad.changes import pages
from dyad.changes.pages import keep
from dyad.faculty import pdf, selectors, services
from dyad.lib import charts
from dyad.lib.faculty_load import (
    SORTS,
    Flag,
    by_department,
    filter_rows,
    sort_rows,
    spreadsheet_safe,
    totals,
)
from dyad.programs.models import GuidanceKind

KINDS = dict(GuidanceKind.choices)
FLAGS = {f.value: f.label for f in Flag}
PER_PAGE = 50


def _choices(request) -> dict:
    """The table's sort and filters, read from the address (anything unknown is ignored)."""
    sort = request.GET.get("sort", "name")
    kind = request.GET.get("kind", "")
    flag = request.GET.get("flag", "")
    return {
        "sort": sort if sort in SORTS else "name",
        "desc": request.GET.get("dir") == "desc",
        "kind": kind if kind in KINDS else "",
        "flag": flag if flag in FLAGS else "",
        "q": request.GET.get("q", "").strip(),
    }


def _rows(program, chosen):
    """The rows the kind and flag filters keep (whom the totals and the chart count), and
    those of them the name search keeps, sorted (the table)."""
    rows = filter_rows(selectors.load_rows(program), kind=chosen["kind"], flag=chosen["flag"])
    found = filter_rows(rows, text=chosen["q"])
    return rows, sort_rows(found, chosen["sort"], descending=chosen["desc"])


@login_required
@keep
def load(request, slug):
    """Every guide of the program, kind by kind: learners against places and FTE effort,
    a page of the table at a time; the totals and the chart count every row."""
    viewer = get_program(request, slug, allow=policy.can_view_faculty_load)
    chosen = _choices(request)
    rows, found = _rows(viewer.program, chosen)
    departments = by_department(rows)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    # The chart is built from escaped values by dyad.lib.charts.
    chart = mark_safe(
        charts.bar_chart(  # noqa: S308
            chart_id="load-by-department",
            title="Learners against places, by department",
            bars=[charts.Bar(name, learners, places) for name, learners, places in departments],
            unit="places",
            unit_one="place",
            empty="No guide to show.",
        )
    )
    ctx = {
        "viewer": viewer,
        "nav": "faculty_load",
        "rows": rows,
        "totals": totals(rows),
        "chosen": chosen,
        "kinds": KINDS,
        "flags": FLAGS,
        "departments": departments,
        "chart": chart,
        "page": page,
        "table": [(r, KINDS.get(r.kind, "")) for r in page.object_list],
        "columns": [
            ("name", "Guide"),
            ("department", "Department"),
            ("kind", "Kind"),
            ("learners", "Learners"),
            ("load", "Load"),
            ("fte", "FTE"),
            ("ratio", "Per 0.1 FTE"),
        ],
    }
    return TemplateResponse(request, "faculty/load.html", ctx)


@login_required
def load_csv(request, slug):
    """The same table as CSV, every row of it, with the same sort, filters and search."""
    viewer = get_program(request, slug, allow=policy.can_view_faculty_load)
    _, rows = _rows(viewer.program, _choices(request))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Guide",
            "Department",
            "Kind",
            "Learners (all programs)",
            f"Learners in {viewer.program.name}",
            "Places",
            "FTE effort (%)",
            "Learners per 0.1 FTE",
            "Accepting new",
            "Flags",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                spreadsheet_safe(r.name),
                spreadsheet_safe(r.department),
                KINDS.get(r.kind, ""),
                r.learners,
                r.learners_here,
                "" if r.capacity is None else r.capacity,
                "" if r.fte is None else r.fte,
                "" if r.ratio is None else r.ratio,
                "yes" if r.accepting else "no",
                "; ".join(f.label for f in r.flags),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"faculty-load-{viewer.program.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own(request):
    if not policy.can_keep_mentoring_portfolio(request.user):
        raise PermissionDenied
    # A kept page: of the programs of the guide's pairings, where the portfolio reads.
    programs = selectors.portfolio_relationships(request.user).values_list("program", flat=True)
    pages.look_up(request, programs, by="view")  # read only if the page is kept
    return selectors.portfolio(request.user, with_successes=True)


@login_required
@keep(by="view")
def my_portfolio(request):
    """The signed-in guide's mentoring portfolio, across every program and year."""
    ctx = {"portfolio": _own(request), "is_self": True, "program": None}
    return TemplateResponse(request, "faculty/portfolio.html", ctx)


@login_required
def my_portfolio_pdf(request):
    portfolio = _own(request)
    return _pdf_response(request, portfolio, program=None)


def _guide_of(request, slug, user_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    guide = get_object_or_404(
        selectors.program_guides(viewer.program, current=False), uuid=user_uuid
    )
    if not policy.can_view_guide_portfolio(viewer, guide):
        raise PermissionDenied
    return viewer, guide


@login_required
def guide_portfolio(request, slug, user_uuid):
    """A guide's portfolio as the program sees it: its pairings only, no successes
    (those stay between learners and their guides)."""
    viewer, guide = _guide_of(request, slug, user_uuid)
    ctx = {
        "viewer": viewer,
        "nav": "faculty_load",
        "portfolio": selectors.portfolio(guide, program=viewer.program, with_successes=False),
        "is_self": guide.pk == request.user.pk,
        "program": viewer.program,
    }
    return TemplateResponse(request, "faculty/portfolio.html", ctx)


@login_required
def guide_portfolio_pdf(request, slug, user_uuid):
    viewer, guide = _guide_of(request, slug, user_uuid)
    portfolio = selectors.portfolio(guide, program=viewer.program, with_successes=False)
    return _pdf_response(request, portfolio, program=viewer.program)


def _pdf_response(request, portfolio, *, program):
    document = services.portfolio_print(
        guide=portfolio.guide,
        program=program,
        acting_user=request.user,
        render=lambda: pdf.render_portfolio(portfolio, program=program),
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(portfolio)}"'
    return response
