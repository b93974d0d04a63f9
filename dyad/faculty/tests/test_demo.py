from dyad.faculty.demo import seed_faculty_load
from dyad.faculty.factories import guide, pairing
from dyad.faculty.selectors import load_rows
from dyad.lib.faculty_load import Flag

MENTORING = "mentoring"


def test_the_demo_shows_one_guide_over_capacity_and_spares_the_persona(program):
    persona = guide(program, "Sam", "Adams", offers={MENTORING: 2})
    other = guide(program, "Zoe", "Zimmer", offers={MENTORING: 2})
    for g in (persona, other):
        pairing(program=program, guide=g)
        pairing(program=program, guide=g)
    assert seed_faculty_load(program, keep_email=persona.email).profile.user == other
    over = [r.name for r in load_rows(program) if Flag.OVER in r.flags]
    assert over == ["Zoe Zimmer"]


def test_nothing_changes_when_no_guide_is_full(program):
    pairing(program=program, guide=guide(program, "Zoe", "Zimmer", offers={MENTORING: 2}))
    assert seed_faculty_load(program, keep_email="") is None
