"""The fixed demo logins, and what each one shows on its home page.

One place for the generator (which builds each persona's situation), `seed_demo` (which
prints them) and the README (which lists them)."""

from dataclasses import dataclass

PASSWORD = "dyad-demo-2026"


@dataclass(frozen=True)
class Persona:
    email: str
    label: str  # the role, as `seed_demo` prints it
    shows: str  # what a visitor meets on the home page


DIRECTOR = Persona(
    "director@riverside.example",
    "Program director",
    "the program at a glance, an open rematch request, a wellbeing concern (as designated "
    "contact), agreements awaiting acknowledgement, a low pairing-fit check-in under "
    "Check-ins, the audit log",
)
COORDINATOR = Persona(
    "coordinator@riverside.example",
    "Program coordinator",
    "pairings and the compliance table (on track, overdue, first meeting missing), the "
    "rematch request, the open match round",
)
MENTOR = Persona(
    "mentor@riverside.example",
    "Faculty mentor",
    "a request waiting for an answer, an overdue learner, a past meeting not yet logged, "
    "a place in the open match round's pool",
)
RESIDENT = Persona(
    "resident@riverside.example",
    "Resident (PGY-2)",
    "a meeting in three days not yet prepared, an action item due, a year of meetings, "
    "pairing-fit check-ins to answer",
)
INTERN = Persona(
    "intern@riverside.example",
    "Resident (PGY-1)",
    "no mentor yet: the directory, suggestions, and a coaching round open for ranking",
)
SENIOR = Persona(
    "senior@riverside.example",
    "Resident (PGY-3)",
    "a learner with a faculty mentor and a peer mentor of an intern whose agreement waits "
    "for their acknowledgement",
)
ROLLOVER_COORDINATOR = Persona(
    "coordinator.medpeds@riverside.example",
    "Med-Peds coordinator",
    "a program still in last academic year: the year rollover's preview, then rolling it over",
)
PERSONAS = [DIRECTOR, COORDINATOR, MENTOR, RESIDENT, INTERN, SENIOR]
# Every demo login: the people of the pediatrics program, and the coordinator of the
# program that waits for its year rollover (dyad/demo/rollover.py).
LOGINS = [*PERSONAS, ROLLOVER_COORDINATOR]
