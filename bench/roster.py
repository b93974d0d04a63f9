"""Benchmark applying a 5,000-row roster: through the web pages and through import_roster.

Both paths share `services.roster_import_apply`; the web apply must stay within 1.5x of the
command (it once took 81 s against 15 s, sending every invitation inside the request).
Each path runs in its own process on a fresh SQLite database (migrated first, timed apart)
with the same deterministic file, then the script prints the figures and the ratio.

    .venv/bin/python bench/roster.py                 # 5,000 rows
    .venv/bin/python bench/roster.py --rows 20000    # another size

Not a test: nothing is asserted, figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench"
ROLES = ("Resident", "Resident", "Resident", "Chief Resident", "Fellow", "Faculty")


def roster_csv(rows: int) -> str:
    """A roster as residency management systems export it, the same for every run."""
    lines = ["Last Name,First Name,Email,Role,PGY,Track,Department,Start Date,External ID"]
    for i in range(rows):
        role = ROLES[i % len(ROLES)]
        pgy = "" if role == "Faculty" else f"PGY-{i % 3 + 1}"
        track = ("Primary care", "Research", "")[i % 3]
        lines.append(
            f"Person{i:05d},Given{i % 97},person{i:05d}@hospital.org,{role},{pgy},{track},"
            f"Pediatrics,7/1/202{i % 4 + 2},R{i:05d}"
        )
    return "\r\n".join(lines) + "\r\n"


# --- one path, in its own process ---------------------------------------------------------------


def _setup(database: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dyad.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started

    from dyad.accounts.models import User
    from dyad.programs.models import Membership, Program, Role

    program = Program.objects.create(slug=SLUG, name="Benchmark Residency")
    leader = User.objects.create_user("coordinator@hospital.org")
    Membership.objects.create(program=program, user=leader, role=Role.COORDINATOR)
    return program, leader, migrated


def run_command(path: Path, database: Path) -> dict:
    from io import StringIO

    _, _, migrated = _setup(database)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_roster", SLUG, str(path), "--apply", stdout=StringIO())
    return {"migrate": migrated, "apply": time.perf_counter() - started, **_counts()}


def run_web(path: Path, database: Path) -> dict:
    program, leader, migrated = _setup(database)
    from django.test import Client
    from django.urls import reverse

    from dyad.programs.models import RosterImport

    client = Client()
    client.force_login(leader)
    started = time.perf_counter()
    with path.open("rb") as handle:
        upload = client.post(reverse("programs:roster_upload", args=[SLUG]), {"file": handle})
    uploaded = time.perf_counter() - started
    assert upload.status_code == 302, upload.status_code
    started = time.perf_counter()
    assert client.get(upload["Location"]).status_code == 200
    previewed = time.perf_counter() - started
    roster_import = RosterImport.objects.get()
    started = time.perf_counter()
    response = client.post(
        reverse("programs:roster_apply", args=[SLUG, roster_import.uuid]), {"skip_errors": ""}
    )
    applied = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return {
        "migrate": migrated,
        "upload": uploaded,
        "preview": previewed,
        "apply": applied,
        **_counts(),
    }


def _counts() -> dict:
    from dyad.programs.models import Invitation, Membership

    return {
        "memberships": Membership.objects.filter(program__slug=SLUG).count() - 1,
        "invitations": Invitation.objects.count(),
    }


# --- the comparison -------------------------------------------------------------------------------


def measure(mode: str, path: Path, workdir: Path) -> dict:
    database = workdir / f"{mode}.sqlite3"
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(database)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "DATABASE"))
    args = parser.parse_args()
    if args.child:
        mode, path, database = args.child
        run = run_command if mode == "command" else run_web
        print(json.dumps(run(Path(path), Path(database))))
        return

    with tempfile.TemporaryDirectory(prefix="dyad-bench-roster-") as tmp:
        workdir = Path(tmp)
        path = workdir / "roster.csv"
        path.write_text(roster_csv(args.rows), encoding="utf-8")
        command = measure("command", path, workdir)
        web = measure("web", path, workdir)

    print(f"python {platform.python_version()} on {platform.machine()}, SQLite, fresh databases")
    print(f"roster of {args.rows:,} rows ({path.name}), the same file for both paths")
    print(
        f"import_roster --apply        {command['apply']:8.2f} s   "
        f"{command['memberships']:,} memberships, {command['invitations']:,} invitations queued"
    )
    print(
        f"web: upload                  {web['upload']:8.2f} s\n"
        f"web: preview page            {web['preview']:8.2f} s\n"
        f"web: apply (POST)            {web['apply']:8.2f} s   "
        f"{web['memberships']:,} memberships, {web['invitations']:,} invitations queued"
    )
    ratio = web["apply"] / command["apply"]
    verdict = "within" if ratio <= 1.5 else "OVER"
    print(f"ratio web apply / command    {ratio:8.2f}x   ({verdict} the 1.5x budget)")


if __name__ == "__main__":
    main()
