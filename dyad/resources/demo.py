"""The demo program's resource library: orientation for each side, a guide for coaches."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.resources.models import Audience
from dyad.resources.services import resource_add

LEARNER_GUIDE = """Making the most of mentoring

Before each meeting: write down what you want from it (the "Goals for this meeting" box),
what happened since last time, and what got in the way. Attach a draft or a paper if you
want to talk about it.

At the meeting: you set the agenda. Ask the questions you are unsure about; your mentor
does not evaluate you, and what you discuss stays between you unless you choose to share
it with program leadership (you choose what, in your agreement).

After the meeting: agree on one or two action items with dates, and log the meeting.
"""

MENTOR_ORIENTATION = """Mentor orientation

Your role: a trusted guide, not an evaluator. Meet at the cadence the program sets
(monthly in the first quarter, then at least quarterly), and let your mentee set the
agenda. Confidentiality: what is discussed stays between you; program leadership sees
only that you meet, and content only where the learner consents. The one exception is a
concern for the learner's safety or wellbeing: raise it with the program's designated
contacts from the relationship page.
"""


def seed_resources(program, today=None) -> None:
    director = (
        Membership.objects.filter(program=program, role=Role.DIRECTOR).select_related("user")
    ).first()
    actor = director.user if director else None
    items = [
        ("Making the most of mentoring", Audience.LEARNERS, "", LEARNER_GUIDE, "mentee-guide.txt"),
        (
            "Mentor orientation",
            Audience.GUIDES,
            GuidanceKind.MENTORING,
            MENTOR_ORIENTATION,
            "mentor-orientation.txt",
        ),
    ]
    for title, audience, kind, text, name in items:
        resource_add(
            program=program,
            acting_user=actor,
            title=title,
            description="",
            kind=kind,
            audience=audience,
            upload=SimpleUploadedFile(name, text.encode()),
        )
    resource_add(
        program=program,
        acting_user=actor,
        title="ACGME Common Program Requirements (Residency)",
        description="What every residency must provide, including well-being and supervision.",
        kind="",
        audience=Audience.EVERYONE,
        link="https://www.acgme.org/programs-and-institutions/programs/common-program-requirements/",
    )
    resource_add(
        program=program,
        acting_user=actor,
        title="Coaching conversations: the GROW model",
        description="Goal, Reality, Options, Will: a structure for a coaching session.",
        kind=GuidanceKind.COACHING,
        audience=Audience.GUIDES,
        link="https://en.wikipedia.org/wiki/GROW_model",
    )
