from collections import Counter, defaultdict

from django.core.paginator import Paginator
from django.utils import timezone

from dyad.lib import cadence
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.profiles.models import MeetingMode
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import Agreement, Frequency, Relationship, State

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
    preparation = getattr(meeting, "preparation", None) if show["preparation"] else None
    summary = getattr(meeting, "summary", None) if show["summary"] or show["topics"] else None
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


def agreed_meeting_initial(relationship) -> dict:
    """A new meeting starts in the first mode the pair agreed on."""
    _, modes = agreed_terms([relationship.pk]).get(relationship.pk, (None, ()))
    return {"mode": modes[0]} if modes else {}


def cadence_of(relationships, program, today) -> dict[int, cadence.CadenceResult]:
    """Evaluate the cadence of many relationships in three queries: the program's rules
    made stricter by each pair's agreement (see cadence.with_agreement)."""
    relationships = list(relationships)
    policies = policies_for(program)
    terms = agreed_terms([r.pk for r in relationships])
    held = defaultdict(list)
    rows = (
        Meeting.objects.filter(relationship__in=[r.pk for r in relationships])
        .filter(status=MeetingStatus.HELD)
        .order_by("starts_at")
        .values_list("relationship_id", "starts_at", "mode")
    )
    for rel_id, starts_at, mode in rows:
        held[rel_id].append(
            cadence.Meeting(
                date=timezone.localtime(starts_at).date(),
                in_person=mode == MeetingMode.IN_PERSON,
                held=True,
            )
        )
    return {
        r.pk: cadence.evaluate(
            cadence.with_agreement(policies[r.kind], *terms.get(r.pk, (None, ()))),
            r.start_date,
            held[r.pk],
            today,
            r.end_date,
        )
        for r in relationships
    }


def compliance_page(program, params, *, today=None, per_page=50) -> dict:
    """The leaders' compliance table: every active relationship with its status, filtered
    and paginated, in a fixed number of queries whatever their number."""
    today = today or timezone.localdate()
    relationships = list(
        Relationship.objects.for_program(program)
        .filter(state=State.ACTIVE)
        .select_related("learner", "guide", "program")
        .order_by("learner__last_name", "learner__first_name", "kind")
    )
    results = cadence_of(relationships, program, today)
    pgy = dict(
        Membership.objects.active()
        .filter(program=program, pgy__isnull=False)
        .values_list("user_id", "pgy")
    )
    rows = [
        {"relationship": r, "result": results[r.pk], "pgy": pgy.get(r.learner_id)}
        for r in relationships
    ]
    kind = params.get("kind", "")
    guide = params.get("guide", "")
    level = params.get("pgy", "")
    status = params.get("status", "")
    if kind in GuidanceKind.values:
        rows = [row for row in rows if row["relationship"].kind == kind]
    if level.isdigit():
        rows = [row for row in rows if row["pgy"] == int(level)]
    if guide:
        rows = [row for row in rows if str(row["relationship"].guide.uuid) == guide]
    counts = Counter(row["result"].status for row in rows)
    if status in {s.value for s in cadence.Status}:
        rows = [row for row in rows if row["result"].status.value == status]
    guides = sorted({r.guide for r in relationships}, key=lambda u: (u.last_name, u.first_name))
    return {
        "page": Paginator(rows, per_page).get_page(params.get("page")),
        "counts": [(s, counts.get(s, 0)) for s in cadence.Status],
        "total": sum(counts.values()),
        "filters": {"kind": kind, "guide": guide, "pgy": level, "status": status},
        "kinds": GuidanceKind.choices,
        "guides": guides,
        "levels": sorted({p for p in pgy.values()}),
        "statuses": list(cadence.Status),
        "today": today,
    }


def cadence_page(program) -> dict:
    stored = {p.kind: p for p in CadencePolicy.objects.filter(program=program)}
    return {
        "policies": [
            (kind, label, stored.get(kind) or CadencePolicy(program=program, kind=kind))
            for kind, label in GuidanceKind.choices
        ]
    }
