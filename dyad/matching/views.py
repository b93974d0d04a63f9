from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from dyad import flow, policy
from dyad.access import get_pair_rule, get_program, get_round, get_run
from dyad.changes.pages import keep
from dyad.fields import IntegerField
from dyad.matching import engine, selectors, services
from dyad.matching.forms import (
    KindForm,
    MarksForm,
    PairRuleForm,
    RankForm,
    RoundOpenForm,
    RoundSettingsForm,
    RunForm,
)
from dyad.matching.models import Rule, UnmatchedReason
from dyad.profiles.suggestions import learner_profile_with_areas
from dyad.programs.models import GuidanceKind

# Rows per page of a round's long lists (learners, guides, a run's pairs, the guides'
# load): a round of hundreds of learners is read a page at a time, and its pages stay tens
# of kilobytes whatever its size.
PAGE_SIZE = 50
# Up to this many guides, every unmatched learner's row has its pin select; above, a row
# shows it when the leader asks for it ("Choose a guide", a plain link: no script needed),
# so that the page never carries the whole pool once per unmatched learner.
PIN_SELECT_MAX = 30
# Guide cards per page of a learner's ranking page.
POOL_PAGE_SIZE = 24


def _page(request, items, param: str, per_page: int = PAGE_SIZE):
    """One page of `items` by the query parameter `param`, with `previous_query` and
    `next_query` (the current query string with the other page) for its links."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop("pin", None)
    page.param = param
    page.previous_query = page.next_query = ""
    if page.has_previous():
        query[param] = page.previous_page_number()
        page.previous_query = query.urlencode()
    if page.has_next():
        query[param] = page.next_page_number()
        page.next_query = query.urlencode()
    return page


# --- Leaders -------------------------------------------------------------------------------


@login_required
@keep
def rounds(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "rounds": selectors.rounds_of_program(viewer.program),
    }
    return TemplateResponse(request, "matching/rounds.html", ctx)


def _opened(match_round) -> str:
    taking_part, guided = selectors.run_learners(match_round)
    text = (
        f"“{match_round.name}” is open: {len(taking_part)} learners can rank guides until "
        f"{match_round.deadline:%b %-d, %Y %H:%M}."
    )
    if guided and not match_round.include_guided:
        n = len(guided)
        who = "learner who already has" if n == 1 else "learners who already have"
        text += (
            f" {n} {who} {match_round.guide_noun} {'is' if n == 1 else 'are'} left out and "
            f"{'was' if n == 1 else 'were'} not invited."
        )
    return text


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
            include_guided=data["include_guided"],
        ),
        success=_opened,
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


@login_required
@keep
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
        "run_form": RunForm(initial={"solver": match_round.solver, "fill": True}),
        "settings_form": RoundSettingsForm(initial={"include_guided": match_round.include_guided}),
        "left_out": [u for u in learners if u.left_out],
        "learners_page": _page(request, learners, "learners_page"),
        "guides_page": _page(request, guides, "guides_page"),
    }
    return TemplateResponse(request, "matching/round_detail.html", ctx)


@login_required
@require_POST
def round_settings(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    form = RoundSettingsForm(request.POST)
    return flow.act(
        request,
        lambda: services.round_settings_change(
            match_round=match_round,
            include_guided=form.cleaned_data["include_guided"],
            acting_user=request.user,
        ),
        form=form,
        success=lambda changed: (
            f"Learners who already have {changed.guide_noun} now take part in the next run."
            if changed.include_guided
            else f"Learners who already have {changed.guide_noun} are left out of the next run."
        ),
        then=match_round,
    )


@login_required
@require_POST
def round_close(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    return flow.act(
        request,
        lambda: services.round_close(match_round=match_round, acting_user=request.user),
        success="The lists are closed: nobody can change theirs any more.",
        then=match_round,
    )


@login_required
@require_POST
def round_run(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    form = RunForm(request.POST)
    return flow.act(
        request,
        lambda: services.round_run(
            match_round=match_round,
            acting_user=request.user,
            solver=form.cleaned_data["solver"],
            fill=form.cleaned_data["fill"],
        ),
        form=form,
        invalid="Choose the stable or the optimal solver.",
        success=lambda run: (
            f"Run {run.number}: {run.stats['matched']} of {run.stats['learners']} learners matched."
        ),
        then=lambda run: run,
        failed=match_round,
    )


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


def _guide_options(guides) -> str:
    """The pool as <option>s, rendered once for the pin forms that show it."""
    return format_html_join(
        "", '<option value="{}">{}</option>', ((g.uuid, g.full_name or g.email) for g in guides)
    )


def _pin_choices(request, unmatched, guides) -> str:
    """Mark the unmatched rows whose pin select is shown (`pin_open`): all of them with a
    small pool, else the one the leader chose. Returns the pool's options, or "" when no
    row shows them."""
    chosen = request.GET.get("pin", "")
    for row in unmatched:
        row.pin_open = len(guides) <= PIN_SELECT_MAX or str(row.learner.uuid) == chosen
    return _guide_options(guides) if any(row.pin_open for row in unmatched) else ""


@login_required
@keep
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
        "pairs_page": _page(request, view.pairs, "page"),
        "load_page": _page(request, view.load, "load_page"),
        "guide_options": _pin_choices(request, view.unmatched, guides),
        "rules": rules,
        "reasons": UnmatchedReason,
        "can_change": not match_round.is_published,
        "run_form": RunForm(initial={"solver": run.solver, "fill": run.filled}),
    }
    return TemplateResponse(request, "matching/run_preview.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@keep
def run_publish(request, slug, round_uuid, number):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    run = get_run(match_round, number)
    if request.method == "POST":
        return flow.act(
            request,
            lambda: services.run_publish(run=run, acting_user=request.user),
            success=lambda relationships: (
                f"Published: {len(relationships)} "
                f"{GuidanceKind(match_round.kind).label.lower()} relationships are proposed. "
                "Everyone has been told; each pair now agrees on its goals and acknowledges "
                "the agreement."
            ),
            then=match_round,
            failed=run,
        )
    # Only the pairs of learners who already have a guide of the kind can warn: read those
    # ([0] rather than an empty list, which Django would answer without a query).
    guided = selectors.current_guides(match_round)
    pairs = list(
        selectors.named(run.pairs.filter(learner_id__in=list(guided) or [0]), "learner", "guide")
    )
    ctx = {
        "viewer": viewer,
        "nav": "match",
        "round": match_round,
        "run": run,
        "pairs": run.stats.get("matched", 0),
        "second_guides": selectors.second_guides(match_round, pairs, guided=guided),
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


def _back(match_round, run_number) -> str:
    """To the preview of the run the leader came from, or else to the round."""
    if run_number and match_round.runs.filter(number=run_number).exists():
        return reverse(
            "matching:run_preview", args=[match_round.program.slug, match_round.uuid, run_number]
        )
    return match_round.get_absolute_url()


def _rule_added(pair_rule) -> str:
    if pair_rule.rule == Rule.PIN:
        text = f"{pair_rule.guide} is pinned to {pair_rule.learner}: every run will keep this pair."
    else:
        text = f"{pair_rule.guide} and {pair_rule.learner} are forbidden: no run will pair them."
    return text + " Run the round again to see the effect."


@login_required
@require_POST
def rule_add(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    form = PairRuleForm(request.POST, match_round=match_round)
    return flow.act(
        request,
        lambda: services.pair_rule_add(
            match_round=match_round,
            learner=form.cleaned_data["learner"],
            guide=form.cleaned_data["guide"],
            rule=form.cleaned_data["rule"],
            acting_user=request.user,
        ),
        form=form,
        invalid="Choose a learner and a guide of the round.",
        success=_rule_added,
        then=_back(match_round, _run_number(request)),
    )


@login_required
@require_POST
def rule_delete(request, slug, round_uuid, rule_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_match_rounds)
    match_round = get_round(viewer, round_uuid)
    pair_rule = get_pair_rule(match_round, rule_uuid)
    return flow.act(
        request,
        lambda: services.pair_rule_remove(pair_rule=pair_rule, acting_user=request.user),
        success=f"Removed: {pair_rule}.",
        then=_back(match_round, _run_number(request)),
    )


# --- Learners and guides ---------------------------------------------------------------------


@login_required
@keep
def my_rounds(request, slug):
    viewer = get_program(request, slug, allow=policy.can_view_my_rankings)
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "rounds": list(selectors.rounds_for_user(request.user, viewer.program)),
    }
    return TemplateResponse(request, "matching/my_rounds.html", ctx)


def _refuse_closed(request, match_round, back: str):
    """A list sent after the lists closed: the page no longer shows the form, so the
    refusal comes back as a message on it."""
    return flow.act(
        request, lambda: services.check_lists_open(match_round), success=None, then=back
    )


def _list_saved(ranks) -> str:
    count = len(ranks)
    return (
        f"Your list is saved ({count} guide{'s' if count != 1 else ''}). You can change it "
        "until the deadline; nobody else sees it."
    )


@login_required
@require_http_methods(["GET", "POST"])
@keep
def rank(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    match_round = get_round(viewer, round_uuid, allow=policy.can_rank_in_round)
    here = reverse("matching:rank", args=[slug, match_round.uuid])
    if request.method == "POST" and not match_round.lists_open:
        return _refuse_closed(request, match_round, here)
    learner_profile = learner_profile_with_areas(request.user, viewer.program)
    rows = selectors.pool_for_learner(match_round, request.user, learner_profile)
    current = selectors.my_list(match_round, request.user)
    form = RankForm(
        request.POST or None, rows=rows, max_ranks=match_round.max_ranks, current=current
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.ranking_save(
            match_round=match_round,
            learner=request.user,
            guides=data["guides"],
            acting_user=request.user,
        ),
        success=_list_saved,
        then=here,
    ):
        return response
    position = {guide: i for i, guide in enumerate(current, start=1)}
    for row in rows:
        row["position"] = position.get(row["user"].pk)
    page = _page(request, rows, "page", per_page=POOL_PAGE_SIZE)
    selectors.show_pool_cards(page.object_list)
    left_out_by = selectors.left_out_for(match_round, request.user)
    outcome = None
    if policy.can_see_round_outcome(viewer, match_round) and not left_out_by:
        outcome = selectors.outcome_for(match_round, request.user)
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "round": match_round,
        "rows": rows,
        "page": page,
        "form": form,
        "my_list": [
            row for row in sorted(rows, key=lambda r: r["position"] or 0) if row["position"]
        ],
        "outcome": outcome,
        "left_out_by": left_out_by,
        "learner_profile": learner_profile,
    }
    return TemplateResponse(request, "matching/rank.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@keep
def marks(request, slug, round_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    match_round = get_round(viewer, round_uuid, allow=policy.can_mark_in_round)
    here = reverse("matching:marks", args=[slug, match_round.uuid])
    if request.method == "POST" and not match_round.lists_open:
        return _refuse_closed(request, match_round, here)
    # A page of the cohort at a time, read alone: the form holds that page's learners, and
    # saving it keeps the marks the guide gave on the other pages.
    page = _page(request, selectors.cohort_by_name(match_round), "page")
    marks = selectors.marks_of_guide(match_round, request.user)
    page.object_list = rows = selectors.cohort_for_guide(
        match_round, request.user, page.object_list, marks
    )
    form = MarksForm(request.POST or None, rows=rows)
    shown = {row["user"].pk for row in rows}
    kept = {
        mark.learner: (mark.mark, mark.rank)
        for learner_id, mark in marks.items()
        if learner_id not in shown
    }
    if response := flow.submit(
        request,
        form,
        lambda data: services.guide_marks_save(
            match_round=match_round,
            guide=request.user,
            marks={**kept, **form.marks()},
            acting_user=request.user,
        ),
        success="Your marks are saved. You can change them until the deadline.",
        then=here + (f"?page={page.number}" if page.number > 1 else ""),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "rankings",
        "round": match_round,
        "rows": rows,
        "page": page,
        "marked": len(marks),
        "form": form,
    }
    return TemplateResponse(request, "matching/marks.html", ctx)
