from dyad.goals.models import Achievement, Goal
from dyad.personal_data import section


@section("goals", "Your goals", order=60)
def goals(user) -> list[dict]:
    rows = (
        Goal.objects.filter(learner=user)
        .select_related("program", "relationship")
        .prefetch_related("steps", "check_ins")
        .order_by("created_at", "pk")
    )
    return [
        {
            "Program": g.program.name,
            "Title": g.title,
            "Description": g.description,
            "Measure": g.measure,
            "Target date": g.target_date,
            "Competency": g.get_competency_display(),
            "Status": g.get_status_display(),
            "Reflection": g.reflection,
            "Steps": [f"{s.text}{' (done)' if s.done_at else ''}" for s in g.steps.all()],
            "Check-ins": [f"{c.created_at:%Y-%m-%d}: {c.note}" for c in g.check_ins.all()],
        }
        for g in rows
    ]


@section("achievements", "Your successes", order=65)
def achievements(user) -> list[dict]:
    return [
        {
            "Program": a.program.name,
            "Kind": a.get_kind_display(),
            "Title": a.title,
            "Date": a.date,
            "Description": a.description,
            "Link": a.link,
        }
        for a in Achievement.objects.filter(learner=user).select_related("program")
    ]


@section("ilps", "Your learning plans (ILP)", order=62)
def ilps(user) -> list[dict]:
    from dyad.goals.models import Ilp

    rows = (
        Ilp.objects.filter(learner=user)
        .select_related("program")
        .prefetch_related("reviews")
        .order_by("year", "pk")
    )
    return [
        {
            "Program": p.program.name,
            "Academic year": f"{p.year}–{(p.year + 1) % 100:02d}",
            "State": p.get_state_display(),
            "Strengths": p.strengths,
            "Areas for growth": p.growth_areas,
            "Self-assessment by competency": dict(p.competency_notes or {}),
            "Strategies": p.strategies,
            "Resources": p.resources,
            "Timeline": p.timeline,
            "Review dates": list(p.review_dates or []),
            "Reviews": [f"{r.reviewed_on}: version {r.number}: {r.note}" for r in p.reviews.all()],
        }
        for p in rows
    ]
