"""The year rollover: leaders preview the program's move into the new academic year, run
it, and see the numbers before and after (SPEC M10)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.lib.rollover import first_day, year_label
from dyad.rollover import selectors, services
from dyad.rollover.forms import RolloverForm


def _message(outcome) -> str:
    if outcome.done_before:
        return (
            f"{outcome.program.name} was already rolled over into {outcome.label}: nothing changed."
        )
    return f"{outcome.program.name} is now in {outcome.label}."


@login_required
@keep
def index(request, slug):
    """The preview of the next rollover, computed afresh on every visit by reads alone (it
    writes and locks nothing); its button runs it."""
    viewer = get_program(request, slug, allow=policy.can_run_rollover)
    program = viewer.program
    year = services.next_year(program)
    form = RolloverForm(request.POST or None, initial={"year": year})
    if response := flow.submit(
        request,
        form,
        lambda data: services.program_rollover(
            program=program, year=data["year"], acting_user=request.user
        ),
        success=_message,
        then=lambda outcome: reverse("rollover:result", args=[program.slug, outcome.year]),
    ):
        return response
    current = services.current_year(program)
    ctx = {
        "viewer": viewer,
        "nav": "rollover",
        "form": form,
        "year": year,
        "label": year_label(year),
        "current_label": year_label(current),
        "can_run": year <= current,
        "opens_on": first_day(year, program.academic_year_start_month),
        "preview": services.program_rollover(
            program=program, year=year, acting_user=request.user, dry_run=True
        ),
        "last": program.rollovers.order_by("-year").first(),
        "awaiting": selectors.awaiting_list(program, current) if year > current else [],
    }
    return TemplateResponse(request, "rollover/index.html", ctx)


@login_required
def result(request, slug, year):
    """A rollover done: its numbers before and after, and who has yet to re-acknowledge."""
    viewer = get_program(request, slug, allow=policy.can_run_rollover)
    rollover = get_object_or_404(viewer.program.rollovers.select_related("started_by"), year=year)
    ctx = {
        "viewer": viewer,
        "nav": "rollover",
        "rollover": rollover,
        "counts": rollover.counts,
        "rows": _before_after(rollover.counts),
        "awaiting": selectors.awaiting_list(viewer.program, year),
        "awaiting_total": selectors.awaiting_reacknowledgement(viewer.program, year).count(),
    }
    return TemplateResponse(request, "rollover/result.html", ctx)


def _before_after(counts: dict) -> list[tuple[str, object, object]]:
    before, after = counts.get("before", {}), counts.get("after", {})
    levels = sorted(
        set(before.get("learners", {})) | set(after.get("learners", {})),
        key=lambda label: int(label.split("-")[-1]) if label.split("-")[-1].isdigit() else 0,
    )
    rows = [
        (
            f"Learners at {level}",
            before.get("learners", {}).get(level, 0),
            after.get("learners", {}).get(level, 0),
        )
        for level in levels
    ]
    rows.append(("Open pairings", before.get("open_pairings"), after.get("open_pairings")))
    rows.append(
        ("Peer-mentoring pairings", before.get("peer_pairings"), after.get("peer_pairings"))
    )
    rows.append(
        (
            "Pairs to re-acknowledge their agreement",
            before.get("awaiting_reacknowledgement"),
            after.get("awaiting_reacknowledgement"),
        )
    )
    return rows
