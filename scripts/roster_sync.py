#!/usr/bin/env python3
"""Sync a roster CSV into a Dyad program through the REST API.

    DYAD_API_TOKEN=dyad_… python scripts/roster_sync.py \\
        --url https://dyad.example.org --program peds-residency roster.csv [--dry-run]

The token needs the `roster:write` scope (a program leader creates it on the program's
"API tokens" page). The whole file is one batch: if any row has an error nothing is
written and each row's problem is printed, with its line in the file. Running it twice
changes nothing the second time. People missing from the file are left as they are.

Only the Python standard library is used, so that the script runs on the machine that
exports the roster. Columns: Email, First Name, Last Name, Role, PGY, Track, Department,
Start Date, Expected End Date, External ID (case and spacing do not matter; dates as
2026-07-01 or 7/1/2026; PGY as 2 or PGY-2).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import urllib.error
import urllib.request
from datetime import datetime

FIELDS = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "first_name": "first_name",
    "first": "first_name",
    "last_name": "last_name",
    "last": "last_name",
    "role": "role",
    "pgy": "pgy",
    "pgy_level": "pgy",
    "track": "track",
    "department": "department",
    "start_date": "start_date",
    "expected_end_date": "expected_end_date",
    "end_date": "expected_end_date",
    "external_id": "external_id",
    "id": "external_id",
}


def column(header: str) -> str | None:
    return FIELDS.get(re.sub(r"[^a-z]+", "_", header.lower()).strip("_"))


def iso_date(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text  # the API says what is wrong with it


def person(row: dict[str, str]) -> dict:
    record: dict = {}
    for header, value in row.items():
        name = column(header or "")
        if name is None or value is None:
            continue
        value = value.strip()
        if name == "pgy":
            digits = re.findall(r"\d+", value)
            record["pgy"] = int(digits[0]) if digits else None
        elif name in ("start_date", "expected_end_date"):
            record[name] = iso_date(value)
        elif value:
            record[name] = value
    return record


def read_roster(path: str) -> tuple[list[dict], list[int]]:
    """The people of the file, and the line each one starts on."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        people, lines = [], []
        for row in reader:
            if any((v or "").strip() for v in row.values()):
                people.append(person(row))
                lines.append(reader.line_num)
    return people, lines


def sync(url: str, program: str, token: str, people: list[dict], *, dry_run: bool):
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/v1/programs/{program}/roster",
        data=json.dumps({"people": people, "dry_run": dry_run}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", help="the roster file")
    parser.add_argument(
        "--url", required=True, help="Dyad's address, e.g. https://dyad.example.org"
    )
    parser.add_argument("--program", required=True, help="the program's short name in addresses")
    parser.add_argument("--dry-run", action="store_true", help="report what would change only")
    args = parser.parse_args(argv)
    token = os.environ.get("DYAD_API_TOKEN", "")
    if not token:
        print("Set DYAD_API_TOKEN to a token with the roster:write scope.", file=sys.stderr)
        return 2
    people, lines = read_roster(args.csv)
    status, body = sync(args.url, args.program, token, people, dry_run=args.dry_run)
    if status == 200:
        counts = body["counts"]
        verb = "Would change" if args.dry_run else ("Applied" if body["applied"] else "No change")
        print(
            f"{verb}: {counts['create']} new, {counts['add_role']} new roles, "
            f"{counts['update']} updated, {counts['unchanged']} unchanged."
        )
        return 0
    print(f"Refused ({status}): {body.get('detail')}", file=sys.stderr)
    for row in body.get("rows", []):
        line = lines[row["row"] - 1] if 0 < row["row"] <= len(lines) else row["row"]
        print(f"  line {line} ({row['email']}): {' '.join(row['errors'])}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
