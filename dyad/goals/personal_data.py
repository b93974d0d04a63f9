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
