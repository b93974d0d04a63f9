"""CSV, XLSX and PDF files of the insight figures and of the people list. Callers check
the policy and record the export first: this module renders what it is given. Every text
cell goes through dyad.lib.spreadsheet so that no cell runs as a formula."""

from __future__ import annotations

import base64
import csv
import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from dyad.insight.sections import Section
from dyad.lib.spreadsheet import safe_row

PEOPLE_HEADERS = ["Name", "E-mail", "Roles", "PGY", "Has a guide for"]


def people_table(rows: list[dict]) -> list[list]:
    return [
        [r["name"], r["email"], ", ".join(r["roles"]), r["pgy"] or "", r["guides"]] for r in rows
    ]


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(headers))
    for row in rows:
        writer.writerow(safe_row(row))
    # With a byte order mark, so that Excel reads the names' accents right.
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One sheet per (title, headers, rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        # Sheet titles: at most 31 characters, none of []:*?/\
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
        sheet = book.create_sheet(name)
        sheet.append(safe_row(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(safe_row(row))
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def section_sheets(sections: list[Section]) -> list[tuple[str, list[str], list[list]]]:
    return [(s.title, s.headers, s.rows) for s in sections]


# The charts' look, carried inside each SVG: the PDF draws a chart as an image, which the
# report's stylesheet does not reach.
CHART_STYLE = (
    "<style>.chart-bar,.chart-dot{fill:#1d4ed8}.chart-track{fill:#e7ebf0}"
    ".chart-label,.chart-value{font:12px 'DejaVu Sans',sans-serif;fill:#1f2937}"
    ".chart-axis{font:11px 'DejaVu Sans',sans-serif;fill:#6b7280}"
    ".chart-grid{stroke:#e5e7eb;stroke-width:1}"
    ".chart-line{fill:none;stroke:#1d4ed8;stroke-width:2.5}"
    ".chart-empty{font:12px 'DejaVu Sans',sans-serif;fill:#6b7280}</style>"
)


def chart_image(svg: str) -> str:
    """An SVG chart as a data: address for an <img>, with its style inside."""
    head, _, rest = svg.partition(">")
    styled = f"{head}>{CHART_STYLE}{rest}"
    return "data:image/svg+xml;base64," + base64.b64encode(styled.encode()).decode()


def report_pdf(*, program, figures, sections, trend, surveys=()) -> bytes:
    """The annual program evaluation report: title-page figures, every metric with its
    chart and table, the last three years side by side, then the year's closed surveys
    (results of groups of five or more, and the comments leaders picked)."""
    from weasyprint import CSS, HTML

    html = render_to_string(
        "insight/report_pdf.html",
        {
            "program": program,
            "figures": figures,
            "sections": [(s, chart_image(s.chart)) for s in sections],
            "trend": trend,
            "surveys": surveys,
            "printed": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=finders.find("insight/report-print.css"))]
    )
