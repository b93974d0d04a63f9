import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dyad.audit.models import AuditEntry
from dyad.relationships.factories import make_learner


def _get(client, name, program, *args, **query):
    url = reverse(f"insight:{name}", args=[program.slug, *args])
    return client.get(url, query)


def test_a_metric_table_as_csv_is_the_page_table_and_is_audited(
    client, busy_program, director, today
):
    client.force_login(director)
    response = _get(client, "section_csv", busy_program, "meetings", year=2025)
    assert response["Content-Type"] == "text/csv"
    assert 'filename="peds-meetings-2025.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Figure", "Value"]
    assert ["Meetings held", "2"] in rows and ["In-person share", "50%"] in rows
    entry = AuditEntry.objects.get(action="insight.exported")
    assert entry.actor == director and entry.program == busy_program
    assert entry.data == {"what": "meetings", "format": "csv", "year": 2025}


def test_an_unknown_table_is_not_found(client, busy_program, director, today):
    client.force_login(director)
    assert _get(client, "section_csv", busy_program, "private-notes").status_code == 404
    assert not AuditEntry.objects.filter(action="insight.exported").exists()


def test_the_people_list_escapes_what_a_spreadsheet_would_run(
    client, busy_program, director, today
):
    make_learner(busy_program, '=HYPERLINK("http://evil")', "-2+3", user__email="x@example.org")
    client.force_login(director)
    response = _get(client, "people_csv", busy_program)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "E-mail", "Roles", "PGY", "Has a guide for"]
    evil = next(r for r in rows if r[1] == "x@example.org")
    assert evil[0] == '\'=HYPERLINK("http://evil") -2+3'
    lee = next(r for r in rows if r[0] == "Lee Learner")
    assert lee[2:] == ["Resident", "1", "Mentoring"]
    assert AuditEntry.objects.get(action="insight.exported").data["what"] == "people"


def test_the_xlsx_files_hold_every_table_and_the_people(client, busy_program, director, today):
    openpyxl = pytest.importorskip("openpyxl")
    make_learner(busy_program, "@cmd", "Person", user__email="y@example.org")
    client.force_login(director)
    book = openpyxl.load_workbook(
        io.BytesIO(_get(client, "figures_xlsx", busy_program, year=2025).content)
    )
    assert len(book.sheetnames) == 10
    assert book["Meetings held"]["B2"].value == 2
    people = openpyxl.load_workbook(io.BytesIO(_get(client, "people_xlsx", busy_program).content))
    names = [row[0] for row in people["People"].iter_rows(min_row=2, values_only=True)]
    assert "'@cmd Person" in names
    assert AuditEntry.objects.filter(action="insight.exported").count() == 2


def test_the_program_report_pdf_has_the_figures_and_three_years(
    client, busy_program, director, today
):
    client.force_login(director)
    response = _get(client, "report_pdf", busy_program, year=2025)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Pediatrics Residency" in text and "annual program evaluation" in text
    for label in ("2023–24", "2024–25", "2025–26"):
        assert label in text
    assert "Time to first meeting" in text and "Faculty load" in text
    assert "GOAL-TITLE-SECRET" not in text
    assert AuditEntry.objects.get(action="insight.exported").data["format"] == "pdf"
