"""Who has completed which training, and what stands between a person and guiding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from dyad.lib.expiry import expires_on, is_current
from dyad.lib.people import PERSON_FIELDS, Person
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.training.models import VERBS, TrainingCompletion, TrainingModule


@dataclass(frozen=True)
class Status:
    """One person's standing on one module on a given day."""

    completed_on: date | None
    expires_on: date | None
    current: bool

    @property
    def label(self) -> str:
        if self.completed_on is None:
            return "Not completed"
        if not self.current:
            return f"Expired {self.expires_on:%-d %b %Y}"
        if self.expires_on is None:
            return f"Completed {self.completed_on:%-d %b %Y}"
        return f"Valid until {self.expires_on:%-d %b %Y}"


NONE = Status(None, None, False)


def modules_required_for(program, kind) -> list[TrainingModule]:
    # A program has a handful of modules: filtered here, as JSON lookups differ by database.
    return [m for m in TrainingModule.objects.filter(program=program) if kind in m.required_for]


def _latest(completions) -> dict[tuple[int, int], TrainingCompletion]:
    latest: dict[tuple[int, int], TrainingCompletion] = {}
    for c in completions:
        key = (c.module_id, c.person_id)
        if key not in latest or c.completed_on > latest[key].completed_on:
            latest[key] = c
    return latest


def status_of(completion: TrainingCompletion | None, module: TrainingModule, on: date) -> Status:
    if completion is None:
        return NONE
    return Status(
        completion.completed_on,
        expires_on(completion.completed_on, module.valid_months),
        is_current(completion.completed_on, module.valid_months, on),
    )


def missing_training(*, program, person, kind, on: date) -> list[tuple[TrainingModule, Status]]:
    """The modules the program requires for `kind` that `person` has no current completion
    of on `on`, each with where they stand."""
    required = modules_required_for(program, kind)
    if not required:
        return []
    latest = _latest(TrainingCompletion.objects.filter(module__in=required, person=person))
    standing = [(m, status_of(latest.get((m.pk, person.pk)), m, on)) for m in required]
    return [(m, s) for m, s in standing if not s.current]


def training_refusal(*, program, person, kind, on: date) -> str | None:
    """Why `person` may not give `kind` of guidance in the program yet, in words that say
    what to do; None when nothing stands in the way."""
    missing = missing_training(program=program, person=person, kind=kind, on=on)
    if not missing:
        return None
    verb = VERBS[GuidanceKind(kind)]
    parts = [f"{module.title} ({status.label.lower()})" for module, status in missing]
    return (
        f"{person} has not completed the training {program} requires before someone may "
        f"{verb}: {'; '.join(parts)}. A program leader records a completion on the Training "
        "page; until then, choose another guide."
    )


def faculty_of(program):
    """The people who guide or may guide in the program: faculty roles, and anyone with a
    guide profile that offers guidance (chiefs and senior residents who peer-mentor)."""
    return (
        get_user_model()
        .objects.filter(faculty_q(program))
        .order_by("last_name", "first_name", "pk")
    )


def faculty_q(program) -> Q:
    """faculty_of's condition on users, to combine with others. Two subqueries rather than
    one OR across the joins: PostgreSQL then reads the program's memberships by index
    instead of every profile and offer of the institution."""
    members = Membership.objects.filter(program=program, is_active=True)
    return Q(pk__in=members.filter(role__in=Role.guides()).values("user_id")) | Q(
        pk__in=members.filter(user__guide_profile__offers__capacity__gt=0).values("user_id")
    )


def status_table(program, on: date) -> dict:
    """Every module × every person who guides: where each stands. Three queries."""
    modules = list(TrainingModule.objects.filter(program=program))
    return {"modules": modules, "rows": standing(modules, guides(program), on)}


def guides(program) -> list[Person]:
    """faculty_of as plain values, for a list to search and to page (one query)."""
    return [Person(*row) for row in faculty_of(program).values_list(*PERSON_FIELDS)]


def standing(modules, people: list[Person], on: date) -> list[tuple[Person, list]]:
    """Where each of `people` stands on each module: one query, for their completions only."""
    latest = _latest(
        TrainingCompletion.objects.filter(
            module__in=modules, person_id__in=[p.pk for p in people]
        ).only("module_id", "person_id", "completed_on")
    )
    return [
        (person, [status_of(latest.get((m.pk, person.pk)), m, on) for m in modules])
        for person in people
    ]


def own_training(program, person, on: date) -> list[tuple[TrainingModule, Status]]:
    modules = list(TrainingModule.objects.filter(program=program))
    latest = _latest(TrainingCompletion.objects.filter(module__in=modules, person=person))
    return [(m, status_of(latest.get((m.pk, person.pk)), m, on)) for m in modules]
