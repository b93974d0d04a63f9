from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dyad import flow, policy
from dyad.access import get_pair_rule, get_program, get_round, get_run
from dyad.fields import IntegerField
from dyad.matching import engine, selectors, services
from dyad.matching.forms import (
    KindForm,
    MarksForm,
    PairRuleForm,
    RankForm,
    RoundOpenForm,
    RunForm,
)
from dyad.matching.models import Rule, UnmatchedReason
from dyad.programs.models import GuidanceKind


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Leaders -------------------------------------------------------------------------------


@login_required
def rounds(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "rounds": selectors.rounds_of_program(viewer.program),
    }
    return TemplateResponse(request, "matching/rounds.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    kind = request.POST.get("kind") or request.GET.get("kind") or GuidanceKind.MENTORING
    if kind not in GuidanceKind.values:
        kind = GuidanceKind.MENTORING
    offers = selectors.pool_candidates(viewer.program, kind)
    form = RoundOpenForm(request.POST or None, program=viewer.program, kind=kind, offers=offers)
    if response := flow.submit(
        request,
        form,
        lambda data: services.round_open(
            program=viewer.program,
            acting_user=request.user,
            name=data["name"],
            kind=data["kind"],
            learner_roles=data["learner_roles"],
            pgy_levels=data["pgy_levels"],
            guides=form.chosen_guides(),
            deadline=data["deadline"],
            solver=data["solver"],
            max_ranks=data["max_ranks"],
            weights=form.weights(),
        ),
        success=_opened_message,
        then=lambda match_round: match_round,
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "form": form,
        "kind_form": KindForm(initial={"kind": kind}),
        "kind_label": GuidanceKind(kind).label,
        "offers": offers,
    }
    return TemplateResponse(request, "matching/round_open.html", ctx)


def _opened_message(match_round) -> str:
    return (
        f"“{match_round.name}” is open: {match_round.learners.count()} learners can rank "
        f"guides until {match_round.deadline:%b %-d, %Y %H:%M}."
    )


@login_required
def round_detail(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    learners, guides = selectors.participation(match_round)
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "round": match_round,
        "learners": learners,
        "guides": guides,
        "lists_in": sum(1 for u in learners if u.ranked),
        "marks_in": sum(1 for u in guides if u.marked),
        "runs": list(selectors.runs_of(match_round)),
        "rules": list(selectors.rules_of(match_round)),
        "run_form": RunForm(initial={"solver": match_round.solver}),
    }
    return TemplateResponse(request, "matching/round_detail.html", ctx)


@login_required
@require_POST
def round_close(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    try:
        services.round_close(match_round=match_round, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "The lists are closed: nobody can change theirs any more.")
    return redirect(match_round)


@login_required
@require_POST
def round_run(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the stable or the optimal solver.")
        return redirect(match_round)
    try:
        run = services.round_run(
            match_round=match_round,
            acting_user=request.user,
            solver=form.cleaned_data["solver"],
            fill=form.cleaned_data["fill"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(match_round)
    stats = run.stats
    messages.success(
        request,
        f"Run {run.number}: {stats['matched']} of {stats['learners']} learners matched.",
    )
    return redirect(run)


def _stat_rows(stats: dict) -> list[tuple[str, str]]:
    """The statistics of a run in words, in a fixed order for side-by-side reading."""
    n, matched = stats.get("learners", 0), stats.get("matched", 0)

    def of(part, whole):
        return f"{part} of {whole} ({engine.share(part, whole)} %)"

    return [
        ("Learners matched", of(matched, n)),
        ("With their first choice", of(stats.get("first_choice", 0), n)),
        ("Within their first three", of(stats.get("top_three", 0), n)),
        ("With a guide they did not rank", str(stats.get("not_ranked", 0))),
        ("Pinned by leadership", str(stats.get("pinned", 0))),
        ("Placed by the fill step", str(stats.get("filled", 0))),
        (
            "Guides with a learner",
            f"{stats.get('guides_used', 0)} of {stats.get('guides', 0)}",
        ),
        ("Places used", of(matched, stats.get("places", 0))),
        ("Total fit score", str(stats.get("total_score", 0))),
    ]


@login_required
def run_preview(request, slug, round_uuid, number):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    run = get_run(match_round, number)
    guides = list(match_round.guides.order_by("last_name", "first_name", "email"))
    view = selectors.run_view(match_round, run, guides)
    rules = list(selectors.rules_of(match_round))
    pinned = {(r.learner_id, r.guide_id) for r in rules if r.rule == Rule.PIN}
    for pair in view.pairs:
        pair.is_pinned = (pair.learner_id, pair.guide_id) in pinned
    rows = _stat_rows(run.stats)
    if view.previous is not None:
        before = [text for _, text in _stat_rows(view.previous.stats)]
        rows = [(label, text, old) for (label, text), old in zip(rows, before, strict=True)]
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "round": match_round,
        "view": view,
        "run": run,
        "stat_rows": rows,
        "guides": guides,
        "rules": rules,
        "reasons": UnmatchedReason,
        "can_change": not match_round.is_published,
        "run_form": RunForm(initial={"solver": run.solver, "fill": run.filled}),
    }
    return TemplateResponse(request, "matching/run_preview.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def run_publish(request, slug, round_uuid, number):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    run = get_run(match_round, number)
    if request.method == "POST":
        try:
            relationships = services.run_publish(run=run, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(run)
        messages.success(
            request,
            f"Published: {len(relationships)} {GuidanceKind(match_round.kind).label.lower()} "
            "relationships are proposed. Everyone has been told; each pair now agrees on "
            "its goals and acknowledges the agreement.",
        )
        return redirect(match_round)
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "round": match_round,
        "run": run,
        "pairs": run.stats.get("matched", 0),
        "unmatched": run.stats.get("unmatched", 0),
        "latest": match_round.runs.order_by("-number").values_list("number", flat=True).first(),
    }
    return TemplateResponse(request, "matching/run_publish.html", ctx)


def _run_number(request) -> int | None:
    """The run the leader came from, if the POST names one that can exist. (Not
    `str.isdigit`: it takes "²", which `int` refuses.)"""
    try:
        return IntegerField(min_value=1).clean(request.POST.get("run", ""))
    except ValidationError:
        return None


def _back(match_round, run_number):
    """To the preview of the run the leader came from, or else to the round."""
    if run_number and match_round.runs.filter(number=run_number).exists():
        return redirect(
            reverse(
                "matching:run_preview",
                args=[match_round.program.slug, match_round.uuid, run_number],
            )
        )
    return redirect(match_round)


@login_required
@require_POST
def rule_add(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    form = PairRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a learner and a guide of the round.")
        return _back(match_round, _run_number(request))
    data = form.cleaned_data
    learner = match_round.learners.filter(uuid=data["learner"]).first()
    guide = match_round.guides.filter(uuid=data["guide"]).first()
    if learner is None or guide is None:
        messages.error(request, "Choose a learner and a guide of the round.")
        return _back(match_round, _run_number(request))
    try:
        services.pair_rule_add(
            match_round=match_round,
            learner=learner,
            guide=guide,
            rule=data["rule"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if data["rule"] == Rule.PIN:
            text = f"{guide} is pinned to {learner}: every run will keep this pair."
        else:
            text = f"{guide} and {learner} are forbidden: no run will pair them."
        messages.success(request, text + " Run the round again to see the effect.")
    return _back(match_round, _run_number(request))


@login_required
@require_POST
def rule_delete(request, slug, round_uuid, rule_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    pair_rule = get_pair_rule(match_round, rule_uuid)
    try:
        services.pair_rule_remove(pair_rule=pair_rule, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Removed: {pair_rule}.")
    return _back(match_round, _run_number(request))


# --- Learners and guides ---------------------------------------------------------------------


@login_required
def my_rounds(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_my_rankings)
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "rounds": list(selectors.rounds_for_user(request.user, viewer.program)),
    }
    return TemplateResponse(request, "matching/my_rounds.html", ctx)


def _refuse_if_closed(request, match_round) -> bool:
    try:
        services.check_lists_open(match_round)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def rank(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    match_round = get_round(viewer, round_uuid, allow=policy.can_rank_in_round)
    if request.method == "POST" and _refuse_if_closed(request, match_round):
        return redirect("matching:rank", slug, match_round.uuid)
    rows = selectors.pool_for_learner(match_round, request.user)
    current = selectors.my_list(match_round, request.user)
    form = RankForm(
        request.POST or None, rows=rows, max_ranks=match_round.max_ranks, current=current
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ranking_save(
                match_round=match_round,
                learner=request.user,
                guides=form.cleaned_data["guides"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            count = len(form.cleaned_data["guides"])
            messages.success(
                request,
                f"Your list is saved ({count} guide{'s' if count != 1 else ''}). You can "
                "change it until the deadline; nobody else sees it.",
            )
            return redirect("matching:rank", slug, match_round.uuid)
    position = {guide: i for i, guide in enumerate(current, start=1)}
    for row in rows:
        row["position"] = position.get(row["user"].pk)
    outcome = None
    if policy.can_see_round_outcome(viewer, match_round):
        outcome = selectors.outcome_for(match_round, request.user)
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "round": match_round,
        "rows": rows,
        "form": form,
        "my_list": [
            row for row in sorted(rows, key=lambda r: r["position"] or 0) if row["position"]
        ],
        "outcome": outcome,
    }
    return TemplateResponse(request, "matching/rank.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def marks(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    match_round = get_round(viewer, round_uuid, allow=policy.can_mark_in_round)
    if request.method == "POST" and _refuse_if_closed(request, match_round):
        return redirect("matching:marks", slug, match_round.uuid)
    rows = selectors.cohort_for_guide(match_round, request.user)
    form = MarksForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_marks_save(
                match_round=match_round,
                guide=request.user,
                marks=form.marks(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, "Your marks are saved. You can change them until the deadline."
            )
            return redirect("matching:marks", slug, match_round.uuid)
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "round": match_round,
        "rows": rows,
        "form": form,
    }
    return TemplateResponse(request, "matching/marks.html", ctx)
