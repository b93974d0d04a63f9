from dyad.expectations.models import ExpectationsRequest, LeadershipAgreement
from dyad.personal_data import section


@section("expectations", "Expectations you acknowledged", order=59)
def acknowledgements(user) -> list[dict]:
    return [
        {
            "Program": r.program.name,
            "Academic year": f"{r.year}–{r.year + 1}",
            "Document": r.get_audience_display(),
            "E-mailed": r.sent_at,
            "Reminders": r.reminders_sent,
            "Acknowledged version": r.acknowledged_version,
            "Acknowledged": r.acknowledged_at,
        }
        for r in ExpectationsRequest.objects.filter(person=user)
        .select_related("program")
        .order_by("year", "audience", "pk")
    ]


@section("leadership_agreements", "Your agreements to the consent terms", order=60)
def leadership_agreements(user) -> list[dict]:
    return [
        {
            "Program": a.program.name,
            "Academic year": f"{a.year}–{a.year + 1}",
            "Agreed": a.agreed_at,
            "Terms": a.terms,
        }
        for a in LeadershipAgreement.objects.filter(person=user)
        .select_related("program")
        .order_by("year", "pk")
    ]
