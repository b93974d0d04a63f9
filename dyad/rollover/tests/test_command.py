from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dyad.programs.factories import ProgramFactory
from dyad.programs.models import Membership
from dyad.rollover.models import Rollover


def rollover(*args):
    out = StringIO()
    call_command("rollover", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_dry_run_prints_the_preview_and_totals_and_changes_nothing(year):
    out = rollover("--year", "2026", "--program", year.program.slug, "--dry-run")
    assert "Would roll 1 program(s) into 2026–27." in out
    assert "2 advance a PGY level; 1 graduate; 2 pairings close; 1 new peer pairs" in out
    assert "Levels: PGY-1 → PGY-2 1, PGY-2 → PGY-3 1." in out
    assert "Totals: 2 advance a PGY level" in out and "Time: " in out
    assert not Rollover.objects.filter(year=2026).exists()
    assert Membership.objects.get(user=year.senior).pgy == 2


@pytest.mark.django_db
def test_all_programs_roll_over_each_once(year):
    ProgramFactory(slug="quiet", institution=year.program.institution)
    out = rollover("--year", "2026", "--all")
    assert Rollover.objects.filter(year=2026).count() == 2
    assert Membership.objects.get(user=year.senior).pgy == 3
    again = rollover("--year", "2026", "--institution", year.program.institution)
    assert "already in 2026–27; nothing changed" in again
    assert "Already in 2026–27: 2" in again
    assert "Totals: 0 advance" in again and "Totals: 2 advance" in out


@pytest.mark.django_db
def test_a_year_not_begun_is_refused(year):
    with pytest.raises(CommandError, match="were not rolled over"):
        rollover("--year", "2027", "--program", year.program.slug)


@pytest.mark.django_db
def test_an_unknown_program_is_an_error(db):
    with pytest.raises(CommandError, match="No program matches"):
        rollover("--year", "2026", "--program", "nope")
