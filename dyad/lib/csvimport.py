"""Pieces shared by the CSV imports (rosters, evaluative roles): column descriptions,
header matching that forgives case, accents and punctuation, tolerant dates, and records
with the line on which each starts (a quoted cell may span lines). No Django import."""

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]
    help: str
    required: bool = False


def header_key(text: str) -> str:
    """A header, alias or value as compared: case, accents, spaces and punctuation ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def parse_date(value: str) -> date:
    """ISO (2025-07-01, with or without a time after it), or US month first: 7/1/2025,
    7/1/25. Raises ValueError otherwise."""
    text = value.strip()
    iso_with_time = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", text)
    if iso_with_time:
        text = iso_with_time.group(1)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def csv_records(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for each CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1
