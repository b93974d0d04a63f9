"""scripts/roster_sync.py against a live Dyad: a CSV synced with a scoped token, twice."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dyad.api.models import Scope
from dyad.api.services import api_token_create
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "roster_sync.py"
ROSTER = (
    "Last Name,First Name,Email,Role,PGY,Track,Start Date,External ID\n"
    "Okafor,Chidi,chidi.okafor@hospital.org,Resident,PGY-1,Primary care,7/1/2026,R1001\n"
    "Nguyen,Anh,anh.nguyen@hospital.org,Faculty,,,,F2040\n"
)


@pytest.fixture
def token():
    program = ProgramFactory(slug="peds")
    leader = MembershipFactory(program=program, role=Role.COORDINATOR).user
    return api_token_create(
        program=program, name="sync", scopes=[Scope.ROSTER_WRITE], acting_user=leader
    ).secret


def run(live_server, token, csv_path, *extra):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(csv_path),
            "--url",
            live_server.url,
            "--program",
            "peds",
            *extra,
        ],
        env={**os.environ, "DYAD_API_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_script_syncs_a_csv_and_a_second_run_changes_nothing(live_server, token, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)

    first = run(live_server, token, roster)
    second = run(live_server, token, roster)

    assert first.returncode == 0, first.stderr
    assert "Applied: 2 new" in first.stdout
    chidi = Membership.objects.get(user__email="chidi.okafor@hospital.org")
    assert (chidi.pgy, chidi.track, str(chidi.start_date)) == (1, "Primary care", "2026-07-01")
    assert second.returncode == 0
    assert "No change: 0 new, 0 new roles, 0 updated, 2 unchanged." in second.stdout


def test_the_script_prints_each_bad_row_with_its_line(live_server, token, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER + "Doe,Jane,jane.doe@hospital,Resident,2,,,\n")

    result = run(live_server, token, roster)

    assert result.returncode == 1
    assert "line 4 (jane.doe@hospital)" in result.stderr
    assert "not a valid e-mail address" in result.stderr
    assert not Membership.objects.filter(user__email="chidi.okafor@hospital.org").exists()
