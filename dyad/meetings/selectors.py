import hashlib
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, time
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, Max, Value, Window
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dyad.changes import selectors as changes
from dyad.lib import cadence
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.profiles.models import MeetingMode
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import Agreement, Frequency, Relationship, State

# Figures of a day stay cached this long (seconds) unless their data changes first.
CACHE_SECONDS = 24 * 3600
POLICY_FIELDS = [
    "year_start_month",
    "first_meeting_in_person",
    "first_meeting_days_midyear",
    "monthly_months",
    "max_gap_days",
    "min_in_person_per_year",
    "due_soon_days",
]


def meeting_record(meeting, show: dict) -> dict:
    """What of the meeting's record the viewer may see, and nothing else is loaded."""
    shown = [
        name
        for name, shows in (
            ("preparation", show["preparation"]),
            ("summary", show["summary"] or show["topics"]),
        )
        if shows
    ]
    # The preparation and the summary (each one row or none) in one query.
    loaded = Meeting.objects.select_related(*shown).get(pk=meeting.pk) if shown else meeting
    preparation = getattr(loaded, "preparation", None) if show["preparation"] else None
    summary = getattr(loaded, "summary", None) if show["summary"] or show["topics"] else None
    return {
        "preparation": preparation,
        "summary": summary,
        "attachments": list(meeting.attachments.all()) if show["preparation"] else [],
        "summary_text": summary.text if summary and show["summary"] else "",
        "topics": list(summary.topics.all()) if summary and show["topics"] else [],
        "action_items": list(meeting.action_items.select_related("owner"))
        if show["actions"]
        else [],
    }


def meetings_of(relationship):
    return relationship.meetings.order_by("-starts_at")


def meetings_page(relationship, number, per_page: int) -> Page:
    """A page of the relationship's meetings, newest first, with their total in the same
    query (a window count) rather than a count first; as Paginator.get_page, a page
    number out of range gives the last page (then a second query)."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    meetings = meetings_of(relationship).annotate(total=Window(Count("pk")))
    rows = list(meetings[(number - 1) * per_page : number * per_page])
    if rows or number == 1:
        paginator = Paginator(rows, per_page)
        # The count the window gave (Paginator would count the page's rows).
        paginator.count = rows[0].total if rows else 0
        return Page(rows, number, paginator)
    return Paginator(meetings_of(relationship), per_page).get_page(number)


def suggested_agenda(relationship):
    from dyad.questions.selectors import suggested_agenda as from_bank

    return from_bank(relationship, today=timezone.localdate())


def policies_for(program) -> dict[str, cadence.CadencePolicy]:
    """The program's cadence rules per kind, the defaults where it has set none."""
    stored = {p.kind: p for p in CadencePolicy.objects.filter(program=program)}
    policies = {}
    for kind in GuidanceKind.values:
        row = stored.get(kind)
        if row is None:
            policies[kind] = cadence.CadencePolicy(
                year_start_month=program.academic_year_start_month
            )
        else:
            policies[kind] = cadence.CadencePolicy(**{f: getattr(row, f) for f in POLICY_FIELDS})
    return policies


def agreed_terms(relationship_ids) -> dict[int, tuple[str, tuple[str, ...]]]:
    """(frequency, modes) of the agreement in force of each relationship, in one query:
    the newest version both parties acknowledged. Modes come in the order of the choices,
    so that equal agreements give equal (cached) policies."""
    newest: dict[int, tuple[int, str, list]] = {}
    rows = Agreement.objects.filter(
        relationship__in=relationship_ids,
        learner_ack_at__isnull=False,
        guide_ack_at__isnull=False,
    ).values_list("relationship_id", "version", "meeting_frequency", "preferred_modes")
    for rel_id, version, frequency, modes in rows:
        if rel_id not in newest or version > newest[rel_id][0]:
            newest[rel_id] = (version, frequency, modes)
    # A value no form offers (old or hand-edited data) counts as not agreed, rather than
    # stopping every dashboard of the program.
    return {
        rel_id: (
            frequency if frequency in Frequency.values else None,
            tuple(m for m in MeetingMode.values if m in (modes or [])),
        )
        for rel_id, (_, frequency, modes) in newest.items()
    }


def agreed_plans(
    relationships, *, agreements=None
) -> dict[int, tuple[tuple[tuple[date, str], ...], tuple[str, ...]]]:
    """(phases, modes) of each relationship's cadence plan, in one query: the phases
    (first day, frequency) of its acknowledged agreement versions (see
    cadence.plan_phases), each version in force from the local day both acknowledged it,
    and the modes of the newest. Relationships without an acknowledged version are left
    out. `agreements`, the versions a page has already read (of these relationships
    only), spare the query."""
    starts = {r.pk: r.start_date for r in relationships}
    if agreements is not None:
        rows = [
            (
                a.relationship_id,
                a.meeting_frequency,
                a.later_after_months,
                a.later_frequency,
                a.preferred_modes,
                a.learner_ack_at,
                a.guide_ack_at,
            )
            for a in sorted(agreements, key=lambda a: (a.relationship_id, a.version))
            if a.relationship_id in starts and a.is_acknowledged
        ]
    else:
        rows = (
            Agreement.objects.filter(
                relationship__in=list(starts),
                learner_ack_at__isnull=False,
                guide_ack_at__isnull=False,
            )
            .order_by("relationship_id", "version")
            .values_list(
                "relationship_id",
                "meeting_frequency",
                "later_after_months",
                "later_frequency",
                "preferred_modes",
                "learner_ack_at",
                "guide_ack_at",
            )
        )
    versions: dict[int, list] = defaultdict(list)
    modes: dict[int, tuple[str, ...]] = {}
    for rel_id, frequency, months, later, preferred, learner_ack, guide_ack in rows:
        # A value no form offers (old or hand-edited data) counts as not agreed, rather
        # than stopping every dashboard of the program.
        acknowledged = timezone.localdate(max(learner_ack, guide_ack))
        versions[rel_id].append(
            (
                acknowledged,
                frequency if frequency in Frequency.values else None,
                months,
                later if later in Frequency.values else None,
            )
        )
        modes[rel_id] = tuple(m for m in MeetingMode.values if m in (preferred or []))
    return {
        rel_id: (cadence.plan_phases(starts[rel_id], agreed), modes[rel_id])
        for rel_id, agreed in versions.items()
    }


def plan_of(policy: cadence.CadencePolicy, phases, modes) -> cadence.CadencePlan:
    """The program's policy narrowed, phase by phase, by what the pair agreed."""
    return cadence.CadencePlan(
        tuple((day, cadence.with_agreement(policy, frequency, modes)) for day, frequency in phases)
    )


def plan_history(phases, today: date) -> list[dict]:
    """The phases of a plan for people to read: label, first day, and whether it is the one
    in force today or still ahead."""
    labels = {None: "As the program asks", **dict(Frequency.choices)}
    current = max((i for i, (day, _) in enumerate(phases) if day <= today), default=0)
    return [
        {
            "label": labels[frequency],
            "day": day,
            "current": i == current,
            "ahead": day > today and i != current,
        }
        for i, (day, frequency) in enumerate(phases)
    ]


def agreed_meeting_initial(relationship) -> dict:
    """A new meeting starts in the first mode the pair agreed on."""
    _, modes = agreed_terms([relationship.pk]).get(relationship.pk, (None, ()))
    return {"mode": modes[0]} if modes else {}


def cadence_window(relationships, policies, today) -> date:
    """The first day whose held meetings the cadence counts one by one: the start of the
    earliest academic year any of `relationships` is judged in. Before it, only each
    relationship's last meeting matters (for "no meeting since")."""
    days = [
        cadence.academic_year_start(
            r.end_date if r.end_date is not None and r.end_date < today else today,
            policies[r.kind].year_start_month,
        )
        for r in relationships
    ]
    return min(days, default=today)


def held_meetings(relationship_ids, since: date):
    """(relationship id, local date, mode) of the held meetings from `since` on, and of
    the last held meeting before it of each relationship, in one query: a long history
    costs one row, not one per meeting. Dates come from the database in the current time
    zone, cheaper to read than times."""
    held = Meeting.objects.filter(relationship__in=relationship_ids, status=MeetingStatus.HELD)
    start = timezone.make_aware(datetime.combine(since, time.min))
    recent = (
        held.filter(starts_at__gte=start)
        .annotate(day=TruncDate("starts_at"))
        .values_list("relationship_id", "day", "mode")
    )
    last_before = (
        held.filter(starts_at__lt=start)
        .order_by()
        .values("relationship_id")
        .annotate(day=TruncDate(Max("starts_at")), no_mode=Value("", output_field=CharField()))
        .values_list("relationship_id", "day", "no_mode")
    )
    return recent.order_by().union(last_before, all=True)


def _policy_or_plan(policy, agreed):
    if agreed is None:
        return policy
    phases, modes = agreed
    if len(phases) == 1:
        return cadence.with_agreement(policy, phases[0][1], modes)
    return plan_of(policy, phases, modes)


def cadence_of(
    relationships, program, today, *, policies=None, plans=None
) -> dict[int, cadence.CadenceResult]:
    """Evaluate the cadence of many relationships in three queries (one less if the
    program's `policies` are given, one less if their `plans` are, see agreed_plans): the
    program's rules made stricter by each pair's agreement,
    phase by phase over the relationship's life (see cadence.with_agreement and
    cadence.plan_phases). Only the meetings of the academic year being judged are read,
    and each relationship's last one before. `plans`: agreed_plans of these
    relationships, when the caller has them."""
    relationships = list(relationships)
    policies = policies if policies is not None else policies_for(program)
    plans = plans if plans is not None else agreed_plans(relationships)
    held = defaultdict(list)
    since = cadence_window(relationships, policies, today)
    for rel_id, day, mode in held_meetings([r.pk for r in relationships], since):
        held[rel_id].append(
            cadence.Meeting(
                date=day,
                in_person=mode == MeetingMode.IN_PERSON,
                held=True,
            )
        )
    return {
        r.pk: cadence.evaluate(
            _policy_or_plan(policies[r.kind], plans.get(r.pk)),
            r.start_date,
            held[r.pk],
            today,
            r.end_date,
        )
        for r in relationships
    }


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def data_version(program) -> tuple:
    """What changes whenever a meeting or an agreement of the program does (and whatever
    else of the program the change log watches), in one small query: see
    dyad.changes.selectors. Figures computed from the program's meetings and agreements
    are cached under it (with what they read of the relationships themselves, which the
    caller adds)."""
    return changes.program_version([program.pk])


def program_cadence(
    program, today, *, policies=None, rows=None
) -> dict[int, cadence.CadenceResult]:
    """cadence_of every active relationship of the program on `today`, computed once per
    program, day, rules and data version and then read from the cache: three queries
    when cached (rules, relationships, data version), five otherwise. `rows`: (pk, kind,
    start date, end date) of every active relationship by pk, if already read."""
    policies = policies if policies is not None else policies_for(program)
    if rows is None:
        rows = list(
            Relationship.objects.for_program(program)
            .filter(state=State.ACTIVE)
            .order_by("pk")
            .values_list("pk", "kind", "start_date", "end_date")
        )
    digest = hashlib.sha256(
        repr((sorted(policies.items()), rows, data_version(program))).encode()
    ).hexdigest()
    key = f"meetings:cadence:{program.pk}:{today.isoformat()}:{digest}"
    results = cache.get(key)
    if results is None:
        pairs = [
            Relationship(pk=pk, kind=kind, start_date=start, end_date=end)
            for pk, kind, start, end in rows
        ]
        results = cadence_of(pairs, program, today, policies=policies) if pairs else {}
        cache.set(key, results, CACHE_SECONDS)
    return results


class _Active(NamedTuple):
    """What the compliance page reads of each active relationship."""

    pk: int
    kind: str
    start_date: date
    end_date: date | None
    learner_id: int
    guide_uuid: uuid.UUID
    guide_first_name: str
    guide_last_name: str


def compliance_page(program, params, *, today=None, per_page=50) -> dict:
    """The leaders' compliance table: every active relationship with its status, filtered
    and paginated, in a fixed number of queries whatever their number. The active
    relationships are read once, by the columns the statuses, the filters and the list of
    guides use; the status of each comes from its meetings of the year being judged (see
    cadence_of, program_cadence); only the page's rows are read whole, with their
    people."""
    today = today or timezone.localdate()
    kind = params.get("kind", "")
    guide = params.get("guide", "")
    level = params.get("pgy", "")
    status = params.get("status", "")
    members = Membership.objects.active().filter(program=program, pgy__isnull=False)
    levels_of, pgy = defaultdict(set), {}
    for user_id, pgy_level in members.values_list("user_id", "pgy"):
        levels_of[user_id].add(pgy_level)
        pgy[user_id] = pgy_level
    active = [
        _Active(*row)
        for row in Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .order_by("learner__last_name", "learner__first_name", "kind")
        .values_list(*_Active._fields[:5], "guide__uuid", "guide__first_name", "guide__last_name")
    ]
    relationships = active
    if kind in GuidanceKind.values:
        relationships = [r for r in relationships if r.kind == kind]
    if level.isdigit():
        relationships = [r for r in relationships if int(level) in levels_of[r.learner_id]]
    if guide:
        relationships = [r for r in relationships if r.guide_uuid == _uuid(guide)]
    by_pk = sorted((r.pk, r.kind, r.start_date, r.end_date) for r in active)
    results = program_cadence(program, today, rows=by_pk)
    counts = Counter(results[r.pk].status for r in relationships)
    if status in {s.value for s in cadence.Status}:
        relationships = [r for r in relationships if results[r.pk].status.value == status]
    page = Paginator(relationships, per_page).get_page(params.get("page"))
    # [0] rather than no id, which Django would answer without a query.
    whole = Relationship.objects.select_related("learner", "guide", "program").in_bulk(
        [r.pk for r in page] or [0]
    )
    page.object_list = [
        {"relationship": whole[r.pk], "result": results[r.pk], "pgy": pgy.get(r.learner_id)}
        for r in page
    ]
    return {
        "page": page,
        "counts": [(s, counts.get(s, 0)) for s in cadence.Status],
        "total": sum(counts.values()),
        "filters": {"kind": kind, "guide": guide, "pgy": level, "status": status},
        "kinds": GuidanceKind.choices,
        "guide_options": _guide_options(active, guide),
        "levels": sorted(set(pgy.values())),
        "statuses": list(cadence.Status),
        "today": today,
    }


def _guide_options(active, chosen: str) -> SafeString:
    """The `<option>`s of the guides of `active`, by name, `chosen` (a uuid) selected:
    written here rather than by the template, whose loop over several hundred guides
    was most of the page's time."""
    guides = {r.guide_uuid: (r.guide_last_name, r.guide_first_name) for r in active}
    out = []
    for uuid_, (last, first) in sorted(guides.items(), key=lambda g: g[1]):
        selected = " selected" if chosen == str(uuid_) else ""
        name = escape(f"{first} {last}".strip())
        out.append(f'<option value="{uuid_}"{selected}>{name}</option>')
    return mark_safe("".join(out))  # noqa: S308  (uuids and escaped names)


def cadence_page(program) -> dict:
    stored = {p.kind: p for p in CadencePolicy.objects.filter(program=program)}
    return {
        "policies": [
            (kind, label, stored.get(kind) or CadencePolicy(program=program, kind=kind))
            for kind, label in GuidanceKind.choices
        ]
    }
