"""Reads for match rounds: what a round's run needs, and what each person may see of it.
Every function costs a fixed number of queries, whatever the size of the round."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dyad.accounts.models import User
from dyad.changes import selectors as changes
from dyad.changes.models import Source
from dyad.matching import engine
from dyad.matching.models import (
    GuideMark,
    LearnerRank,
    MatchRound,
    MatchRun,
    Rule,
    RunPair,
    RunUnmatched,
)
from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile, LearnerProfile
from dyad.profiles.suggestions import (
    guide_fit_profile,
    learner_fit_profile,
    program_stop_words,
)
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import (
    NON_EVALUATIVE_KINDS,
    SEAT_HOLDING_STATES,
    DoNotRepair,
    EvaluativeRole,
    Relationship,
)

# What the leaders' pages show of a person: a run's hundreds of pairs read these columns
# of their two users, not the whole rows.
NAME_FIELDS = ("uuid", "email", "first_name", "last_name")
POOL_CACHE_SECONDS = 24 * 3600


def named(queryset, *relations):
    """`queryset` with its `relations` (foreign keys to users) joined, names only."""
    names = [f"{relation}__{field}" for relation in relations for field in NAME_FIELDS]
    return queryset.select_related(*relations).only(
        *(f.name for f in queryset.model._meta.concrete_fields), *names
    )


# --- Opening a round -------------------------------------------------------------------


def _taken(kind_ref="kind"):
    return (
        Relationship.objects.filter(
            guide=OuterRef("profile__user"), kind=OuterRef(kind_ref), state__in=SEAT_HOLDING_STATES
        )
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )


def pool_candidates(program, kind):
    """Offers of `kind` by the program's active members, with `taken` places (proposed or
    active relationships of the kind, in any program: a guide's capacity is theirs)."""
    members = Membership.objects.active().filter(program=program).values("user_id")
    offers = (
        GuideOffer.objects.filter(profile__user__in=members, kind=kind, capacity__gt=0)
        .select_related("profile__user")
        .annotate(taken=Coalesce(Subquery(_taken(), output_field=IntegerField()), 0))
        .order_by("profile__user__last_name", "profile__user__first_name", "profile__user__email")
    )
    out = list(offers)
    for offer in out:
        offer.remaining = max(offer.capacity - offer.taken, 0)
    return out


def cohort(program, *, roles, pgy_levels=()):
    """Active learners of the program in the given roles (and PGY levels, if any)."""
    members = Membership.objects.active().filter(program=program, role__in=roles)
    if pgy_levels:
        members = members.filter(pgy__in=pgy_levels)
    return User.objects.filter(pk__in=members.values("user_id")).order_by(
        "last_name", "first_name", "email"
    )


# --- Listing rounds --------------------------------------------------------------------


def _count_of(queryset, field: str):
    """A correlated count of `queryset`'s rows whose `field` is the outer round: one count
    per round, where joining the learners, guides and runs at once would multiply them
    (600 learners x 380 guides x runs rows for one round)."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def rounds_of_program(program):
    return (
        MatchRound.objects.for_program(program)
        .annotate(
            n_learners=_count_of(MatchRound.learners.through.objects, "matchround"),
            n_guides=_count_of(MatchRound.guides.through.objects, "matchround"),
            n_runs=_count_of(MatchRun.objects, "round"),
        )
        .order_by("-created_at")
    )


def rounds_for_user(user, program):
    """The program's rounds in which the user ranks (as a learner) or marks (as a guide),
    each annotated with `as_learner` and `as_guide`."""
    learners = MatchRound.learners.through.objects.filter(matchround=OuterRef("pk"), user=user)
    guides = MatchRound.guides.through.objects.filter(matchround=OuterRef("pk"), user=user)
    return (
        MatchRound.objects.for_program(program)
        .annotate(as_learner=Exists(learners), as_guide=Exists(guides))
        .filter(Q(as_learner=True) | Q(as_guide=True))
        .order_by("-deadline")
    )


def open_rounds_for(user, program, *, side):
    """Rounds whose lists are open, in which the user is a learner or a guide; as a
    learner, not those that leave them out for already having a guide of the kind."""
    rounds = MatchRound.objects.for_program(program).lists_open()
    if side == "learner":
        guided = Relationship.objects.filter(
            learner=user, kind=OuterRef("kind"), state__in=SEAT_HOLDING_STATES
        )
        return rounds.for_learner(user).exclude(Q(include_guided=False) & Exists(guided))
    return rounds.for_guide(user)


# --- What a run needs ------------------------------------------------------------------


def current_guides(match_round) -> dict[int, list]:
    """Learner id → their guides of the round's kind (proposed or active relationships, in
    any program), for the learners of the round who have one. One query.

    Only the round's kind counts: a coach or an advisor is not a mentor."""
    found = defaultdict(list)
    for relationship in named(
        Relationship.objects.filter(learner__in=match_round.learners.all(), kind=match_round.kind)
        .holding_seats()
        .order_by("guide__last_name", "guide__first_name", "guide__email"),
        "guide",
    ):
        found[relationship.learner_id].append(relationship.guide)
    return dict(found)


def left_out_for(match_round, learner) -> list:
    """The guides of the round's kind that leave this learner out of the round's runs
    (empty when they take part). Before publication only: afterwards the round's own
    pairings would count. One query at most."""
    if match_round.include_guided or match_round.is_published:
        return []
    return [
        relationship.guide
        for relationship in Relationship.objects.filter(learner=learner, kind=match_round.kind)
        .holding_seats()
        .select_related("guide")
    ]


def run_learners(match_round):
    """(learners of the run, guided): `guided` maps each learner of the round who already
    has a guide of the kind to those guides. Unless the round includes them, they are left
    out of the run."""
    learners = list(match_round.learners.order_by("last_name", "first_name", "email"))
    guided = current_guides(match_round)
    if not match_round.include_guided:
        learners = [u for u in learners if u.pk not in guided]
    return learners, guided


def places_left(match_round, guide_ids) -> dict[int, int]:
    """Guide id → places left in the round's kind: the offer's capacity minus the open
    relationships of that kind (in any program)."""
    capacity = dict(
        GuideOffer.objects.filter(profile__user__in=guide_ids, kind=match_round.kind).values_list(
            "profile__user_id", "capacity"
        )
    )
    taken = dict(
        Relationship.objects.filter(guide__in=guide_ids, kind=match_round.kind)
        .holding_seats()
        .values("guide")
        .annotate(n=Count("id"))
        .values_list("guide", "n")
    )
    return {g: max(capacity.get(g, 0) - taken.get(g, 0), 0) for g in guide_ids}


def forbidden_pairs(match_round, learner_ids, guide_ids, *, on=None) -> dict:
    """(learner id, guide id) → why the pair may not be made, in words: the guide evaluates
    the learner (non-evaluative kinds only), "do not re-pair", the pair is already open in
    the kind, leadership forbade it, or it is one person. Four queries.

    Mirrors the checks of relationships.services.relationship_create, in bulk."""
    reasons = forbidden_reasons(match_round, learner_ids, guide_ids, on=on)
    return {pair: "; ".join(text for _, text in found) for pair, found in reasons.items()}


# Why a pair is forbidden, as the parties themselves may learn it: that a guide evaluates
# them, or that they are already paired, is theirs to know; "do not re-pair" and the
# leaders' forbids stay with leadership.
VISIBLE_TO_PARTIES = frozenset({"evaluative", "existing", "self"})


def _as_filter(ids: set, people):
    """`ids` to filter by: as they are when few, else as the subquery of `people` (the
    round's learners or guides), which the caller narrows to `ids` again in Python."""
    return ids if len(ids) <= 50 else people.values("pk")


def forbidden_reasons(match_round, learner_ids, guide_ids, *, on=None, sources=None) -> dict:
    """(learner id, guide id) → [(source, words)], source one of "evaluative",
    "do_not_repair", "existing", "leader", "self"; only those of `sources` if given (the
    others are not read)."""
    program, kind = match_round.program, match_round.kind
    on = on or timezone.localdate()
    learners, guides = set(learner_ids), set(guide_ids)
    wanted = frozenset(sources) if sources is not None else None
    # Many ids are filtered as the round's own people, in one parameter, and then in
    # Python: hundreds of parameters cost more to send than the few extra rows.
    in_learners = _as_filter(learners, match_round.learners)
    in_guides = _as_filter(guides, match_round.guides)

    def reads(source: str) -> bool:
        return wanted is None or source in wanted

    why = defaultdict(list)
    if kind in NON_EVALUATIVE_KINDS and reads("evaluative"):
        roles = EvaluativeRole.objects.filter(program=program, evaluator__in=in_guides).overlapping(
            start=on
        )
        for role in roles:
            if role.evaluator_id not in guides:
                continue
            reason = ("evaluative", f"evaluates them ({role.get_kind_display()})")
            targets = learners if role.learner_id is None else {role.learner_id} & learners
            for learner in targets:
                if reason not in why[learner, role.evaluator_id]:
                    why[learner, role.evaluator_id].append(reason)
    if reads("do_not_repair"):
        for learner, guide in DoNotRepair.objects.filter(
            program=program, learner__in=in_learners, guide__in=in_guides
        ).values_list("learner_id", "guide_id"):
            if learner in learners and guide in guides:
                why[learner, guide].append(("do_not_repair", "marked “do not re-pair”"))
    label = GuidanceKind(kind).label.lower()
    if reads("existing"):
        for learner, guide in (
            Relationship.objects.filter(kind=kind, learner__in=in_learners, guide__in=in_guides)
            .holding_seats()
            .values_list("learner_id", "guide_id")
        ):
            if learner in learners and guide in guides:
                why[learner, guide].append(("existing", f"already paired in {label}"))
    if reads("leader"):
        for learner, guide in match_round.rules.filter(rule=Rule.FORBID).values_list(
            "learner_id", "guide_id"
        ):
            if learner in learners and guide in guides:
                why[learner, guide].append(("leader", "forbidden by program leadership"))
    if reads("self"):
        for person in learners & guides:
            why[person, person].append(("self", "the same person"))
    return dict(why)


def profiles(program, learner_ids, guide_ids):
    """Engine profiles of the learners and guides, read as the directory's suggestions
    read them (same words, same reasons), without what most of the round shares."""
    stop = program_stop_words(program)
    areas = ContentArea.objects.for_program(program).order_by("name")
    learner_profiles = {
        p.user_id: learner_fit_profile(p, stop)
        for p in LearnerProfile.objects.filter(user__in=learner_ids).prefetch_related(
            Prefetch("content_areas_sought", queryset=areas, to_attr="sought_areas")
        )
    }
    guide_profiles = {
        p.user_id: guide_fit_profile(p, stop)
        for p in GuideProfile.objects.filter(user__in=guide_ids).prefetch_related(
            Prefetch("content_areas", queryset=areas, to_attr="program_areas")
        )
    }
    return engine.without_common(
        {u: learner_profiles.get(u, engine.Profile()) for u in learner_ids},
        {u: guide_profiles.get(u, engine.Profile()) for u in guide_ids},
    )


def round_input(match_round) -> engine.RoundInput:
    """Everything a run needs, read from the database in a fixed number of queries."""
    learners, guided = run_learners(match_round)
    guides = list(match_round.guides.order_by("last_name", "first_name", "email"))
    learner_ids = [u.pk for u in learners]
    guide_ids = [u.pk for u in guides]
    in_run = set(learner_ids)
    prefs = defaultdict(list)
    for learner, guide in match_round.learner_ranks.order_by("learner", "rank").values_list(
        "learner_id", "guide_id"
    ):
        if learner in in_run:
            prefs[learner].append(guide)
    marks, guide_ranks = {}, defaultdict(list)
    for mark in match_round.guide_marks.order_by("guide", "rank", "learner"):
        if mark.learner_id not in in_run:
            continue
        if mark.mark:
            marks[mark.learner_id, mark.guide_id] = mark.mark
        if mark.rank is not None:
            guide_ranks[mark.guide_id].append(mark.learner_id)
    pins = match_round.rules.filter(rule=Rule.PIN).values_list("learner_id", "guide_id")
    pinned = {learner: guide for learner, guide in pins if learner in in_run}
    learner_profiles, guide_profiles = profiles(match_round.program, learner_ids, guide_ids)
    return engine.RoundInput(
        learners=learner_ids,
        guides=guide_ids,
        prefs=dict(prefs),
        capacities=places_left(match_round, guide_ids),
        learner_profiles=learner_profiles,
        guide_profiles=guide_profiles,
        forbidden=forbidden_pairs(match_round, learner_ids, guide_ids),
        pinned=pinned,
        marks=marks,
        guide_ranks=dict(guide_ranks),
        weights=engine.weights_from(match_round.weights),
        names={u.pk: str(u) for u in learners + guides},
        guided={u: tuple(str(g) for g in found) for u, found in guided.items() if u in in_run},
    )


# --- Leaders' pages ----------------------------------------------------------------------


def participation(match_round):
    """Who has sent a list: learners with `ranked` (entries), guides with `marked`; and
    learners with the `current_guides` of the round's kind they already have, `left_out`
    of the runs unless the round includes them."""
    ranked = dict(
        match_round.learner_ranks.values("learner_id")
        .annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    marked = dict(
        match_round.guide_marks.values("guide_id")
        .annotate(n=Count("id"))
        .values_list("guide_id", "n")
    )
    by_name = ("last_name", "first_name", "email")
    learners = list(match_round.learners.only(*NAME_FIELDS).order_by(*by_name))
    guides = list(match_round.guides.only(*NAME_FIELDS).order_by(*by_name))
    guided = current_guides(match_round)
    for user in learners:
        user.ranked = ranked.get(user.pk, 0)
        user.current_guides = guided.get(user.pk, [])
        user.left_out = bool(user.current_guides) and not match_round.include_guided
    for user in guides:
        user.marked = marked.get(user.pk, 0)
    return learners, guides


def rules_of(match_round):
    return match_round.rules.select_related("learner", "guide")


@dataclass
class RunView:
    run: MatchRun
    pairs: list
    unmatched: list
    previous: MatchRun | None
    changes: dict
    load: list
    second_guides: list  # (pair, guides the learner already has of the kind)


def run_view(match_round, run, guides) -> RunView:
    """A run with its pairs and unmatched learners, each guide's load, and the changes
    since the previous run; and the pairs that would give a learner a second guide of the
    kind, as things stand now. Seven queries, whatever the number of pairs: the previous
    run is compared by ids, and only its pairs that changed are read whole."""
    pairs = list(named(run.pairs.all(), "learner", "guide"))
    unmatched = list(named(run.unmatched.all(), "learner"))
    second = second_guides(match_round, pairs, unmatched)
    previous = match_round.runs.filter(number__lt=run.number).order_by("-number").first()
    changes = {"added": [], "removed": [], "changed": []}
    if previous is not None:
        after = {p.learner_id: p for p in pairs}
        diff = engine.compare(
            dict(RunPair.objects.filter(run=previous).values_list("learner_id", "guide_id")),
            {u: p.guide_id for u, p in after.items()},
        )
        # [0] rather than an empty list, which Django would answer without a query.
        wanted = [*diff["removed"], *diff["changed"]] or [0]
        before = {
            p.learner_id: p
            for p in named(
                RunPair.objects.filter(run=previous, learner_id__in=wanted), "learner", "guide"
            )
        }
        changes = {
            "added": [after[u] for u in diff["added"]],
            "removed": [before[u] for u in diff["removed"]],
            "changed": [(before[u], after[u]) for u in diff["changed"]],
        }
    by_id = {g.pk: g for g in guides}
    load = [
        (by_id[int(g)], used, places)
        for g, (used, places) in run.stats.get("load", {}).items()
        if int(g) in by_id
    ]
    load.sort(key=lambda row: (-row[1], row[0].last_name, row[0].first_name))
    return RunView(run, pairs, unmatched, previous, changes, load, second)


def second_guides(match_round, pairs, unmatched=(), *, guided=None) -> list:
    """The pairs that would give a learner a second guide of the round's kind, as things
    stand now: [(pair, the guides the learner already has)]. Every row also gets its
    learner's `current_guides`. One query, none if `guided` (`current_guides`) is given."""
    if guided is None:
        guided = current_guides(match_round)
    for row in [*pairs, *unmatched]:
        row.current_guides = guided.get(row.learner_id, [])
    found = []
    for pair in pairs:
        others = [g for g in pair.current_guides if g.pk != pair.guide_id]
        if others:
            found.append((pair, others))
    return found


# --- Learners' and guides' own pages --------------------------------------------------------


def my_list(match_round, learner) -> list[int]:
    """The learner's own list: guide ids, best first."""
    return list(
        LearnerRank.objects.filter(round=match_round, learner=learner)
        .order_by("rank")
        .values_list("guide_id", flat=True)
    )


# The columns of a guide profile that the pool's fit reasons read (see guide_fit_profile).
FIT_FIELDS = (
    "title",
    "division",
    "career_path",
    "clinical_interests",
    "outside_interests",
    "languages",
)


def _guides_with_places(match_round):
    """The round's guides by name (name columns only), each with `places`: left in the
    round's kind (capacity minus open relationships of the kind, in any program)."""
    capacity = GuideOffer.objects.filter(
        profile__user=OuterRef("pk"), kind=match_round.kind
    ).values("capacity")[:1]
    taken = (
        Relationship.objects.filter(guide=OuterRef("pk"), kind=match_round.kind)
        .holding_seats()
        .order_by()
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        match_round.guides.only(*NAME_FIELDS)
        .annotate(
            capacity=Coalesce(Subquery(capacity, output_field=IntegerField()), 0),
            taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0),
        )
        .order_by("last_name", "first_name", "email")
    )


def _guide_fit_sources(program, guide_ids) -> dict[int, SimpleNamespace]:
    """User id → what guide_fit_profile reads of their guide profile (`guide_ids`: ids or a
    subquery of them), from its columns and
    the names of its areas in the program's taxonomy: two queries, no model instances."""
    found = {
        values.pop("user_id"): SimpleNamespace(**values, program_areas=[])
        for values in GuideProfile.objects.filter(user__in=guide_ids)
        .order_by()
        .values("user_id", *FIT_FIELDS)
    }
    areas = ContentArea.objects.for_program(program)
    for user_id, name in (
        GuideProfile.content_areas.through.objects.filter(
            guideprofile__user__in=guide_ids, contentarea__in=areas
        )
        .order_by("contentarea__name")
        .values_list("guideprofile__user_id", "contentarea__name")
    ):
        found[user_id].program_areas.append(SimpleNamespace(name=name))
    return found


# What the guide side of a round's pool is read and computed from (see _guide_pool).
POOL_SOURCES = (
    Source.ROUND_GUIDE,
    Source.PERSON,
    Source.PROFILE,
    Source.GUIDE_AREA,
    Source.AREA,
    Source.OFFER,
    Source.RELATIONSHIP,
)


class PoolGuide(NamedTuple):
    """A guide of the round's pool, as every learner's ranking page reads it."""

    user: User
    remaining: int
    has_profile: bool
    title: str
    fit: engine.Profile


def _guide_pool(match_round, stop) -> list[PoolGuide]:
    """The round's guides by name with their places left and their fit profiles: read
    and computed once per round and version of what they are read from (the round's
    guides, their names, profiles, areas and offers, the places taken in any program),
    then from the cache. Three queries when computed."""
    version = changes.version([], shared=POOL_SOURCES)
    digest = hashlib.sha256(repr((version, match_round.kind, sorted(stop))).encode()).hexdigest()
    key = f"matching:pool:{match_round.pk}:{digest}"
    pool = cache.get(key)
    if pool is None:
        guides = list(_guides_with_places(match_round))
        sources = _guide_fit_sources(match_round.program, match_round.guides.values("pk"))
        pool = [
            PoolGuide(
                user=guide,
                remaining=max(guide.capacity - guide.taken, 0),
                has_profile=guide.pk in sources,
                title=sources[guide.pk].title if guide.pk in sources else "",
                fit=(
                    guide_fit_profile(sources[guide.pk], stop)
                    if guide.pk in sources
                    else engine.Profile()
                ),
            )
            for guide in guides
        ]
        cache.set(key, pool, POOL_CACHE_SECONDS)
    return pool


def pool_for_learner(match_round, learner, learner_profile):
    """The round's guides as one learner sees them: each guide with `remaining` places,
    `title`, `fit` reasons from the two profiles, and `unavailable` when the pair cannot be
    made for a reason the learner may know (see VISIBLE_TO_PARTIES). Never anyone else's
    lists or marks. `learner_profile`: as learner_profile_with_areas reads it. The guide
    profiles themselves are read for the cards shown (see
    show_pool_cards), not for the pool."""
    program = match_round.program
    stop = program_stop_words(program)
    pool = _guide_pool(match_round, stop)
    guide_ids = [g.user.pk for g in pool]
    blocked = visible_reasons(match_round, [learner.pk], guide_ids)
    learner_profiles, guide_profiles = engine.without_common(
        {learner.pk: learner_fit_profile(learner_profile, stop)},
        {g.user.pk: g.fit for g in pool},
    )
    weights = engine.weights_from(match_round.weights)
    fits = engine.fit_reasons(
        learner_profiles[learner.pk], [guide_profiles[g] for g in guide_ids], weights
    )
    label = GuidanceKind(match_round.kind).label.lower()
    texts = {
        "existing": f"Already your {label} guide",
        "evaluative": f"Evaluates you: cannot be your {label} guide",
        "self": "You",
    }
    rows = []
    for guide, (points, reasons) in zip(pool, fits, strict=True):
        found = blocked.get((learner.pk, guide.user.pk), [])
        rows.append(
            {
                "user": guide.user,
                "profile": None,
                "has_profile": guide.has_profile,
                "title": guide.title,
                "remaining": guide.remaining,
                # "shared: Research" reads "In common: Research" on the learner's page.
                "fit": [r.removeprefix("shared: ") for r in reasons],
                "fit_points": points,
                "unavailable": bool(found),
                "unavailable_text": texts[found[0]] if found else "",
            }
        )
    return rows


def show_pool_cards(rows) -> None:
    """Read the guide profiles of the cards shown, with their content areas: two
    queries."""
    ids = [row["user"].pk for row in rows if row["has_profile"]]
    by_user = {
        p.user_id: p
        for p in GuideProfile.objects.filter(user__in=ids).prefetch_related("content_areas")
    }
    for row in rows:
        row["profile"] = by_user.get(row["user"].pk)


def visible_reasons(match_round, learner_ids, guide_ids) -> dict:
    """(learner id, guide id) → the sources of a forbidden pair that its parties may
    learn; the others are not read."""
    return _visible_sources(
        forbidden_reasons(match_round, learner_ids, guide_ids, sources=VISIBLE_TO_PARTIES)
    )


def _visible_sources(reasons: dict) -> dict:
    """Only the sources of a forbidden pair that its parties may learn (see above)."""
    visible = {
        pair: [source for source, _ in found if source in VISIBLE_TO_PARTIES]
        for pair, found in reasons.items()
    }
    return {pair: sources for pair, sources in visible.items() if sources}


def cohort_by_name(match_round):
    """The round's learners by name, each with their learner profile and `pgy` (in the
    round's program): read a page at a time by the guide's marks page."""
    pgy = (
        Membership.objects.active()
        .filter(program=match_round.program, user=OuterRef("pk"), pgy__isnull=False)
        .values("pgy")[:1]
    )
    return (
        match_round.learners.select_related("learner_profile")
        .annotate(pgy=Subquery(pgy))
        .order_by("last_name", "first_name", "email")
    )


def cohort_for_guide(match_round, guide, learners, marks):
    """`learners` (a page of `cohort_by_name`) as one guide sees them: profile, PGY, and
    the guide's own mark and rank of each (`marks`: learner id → GuideMark). Never the
    learners' lists. Three queries, whatever the size of the round."""
    learners = list(learners)
    # The reverse one-to-one joined: a learner without a profile has None cached.
    profiles_by_user = {
        u.pk: u.learner_profile for u in learners if getattr(u, "learner_profile", None)
    }
    prefetch_related_objects(list(profiles_by_user.values()), "content_areas_sought")
    ids = [u.pk for u in learners]
    blocked = visible_reasons(match_round, ids, [guide.pk])
    return [
        {
            "user": learner,
            "profile": profiles_by_user.get(learner.pk),
            "pgy": learner.pgy,
            "mark": marks.get(learner.pk),
            "unavailable": (learner.pk, guide.pk) in blocked,
        }
        for learner in learners
    ]


def marks_of_guide(match_round, guide) -> dict:
    """Learner id → the guide's GuideMark, with its learner. One query."""
    return {
        m.learner_id: m
        for m in GuideMark.objects.filter(round=match_round, guide=guide).select_related("learner")
    }


def outcome_for(match_round, learner):
    """After publication only: the learner's own pair or reason, from the published run."""
    if not match_round.is_published or match_round.published_run_id is None:
        return None
    pair = (
        RunPair.objects.filter(run_id=match_round.published_run_id, learner=learner)
        .select_related("guide")
        .first()
    )
    if pair is not None:
        relationship = (
            Relationship.objects.filter(
                program=match_round.program,
                learner=learner,
                guide=pair.guide,
                kind=match_round.kind,
                origin="matched",
            )
            .order_by("-created_at")
            .first()
        )
        return {"pair": pair, "relationship": relationship}
    unmatched = RunUnmatched.objects.filter(
        run_id=match_round.published_run_id, learner=learner
    ).first()
    return {"unmatched": unmatched}


def runs_of(match_round):
    return match_round.runs.select_related("created_by")
