"""CSV, XLSX and PDF files of the insight figures and of the people list. Callers check
the policy and record the export first: this module renders what it is given. Every text
cell goes through dyad.lib.spreadsheet so that no cell runs as a formula."""

from __future__ import annotations

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


def report_pdf(*, program, figures, sections, trend) -> bytes:
    """The annual program evaluation report: title-page figures, every metric with its
    chart and table, and the last three years side by side."""
    from weasyprint import CSS, HTML

    html = render_to_string(
        "insight/report_pdf.html",
        {
            "program": program,
            "figures": figures,
            "sections": sections,
            "trend": trend,
            "printed": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=finders.find("insight/report-print.css"))]
    )
