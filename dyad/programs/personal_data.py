from dyad.personal_data import section
from dyad.programs.models import Membership


@section("memberships", "Your roles in programs", order=20)
def memberships(user) -> list[dict]:
    return [
        {
            "Program": m.program.name,
            "Role": m.get_role_display(),
            "PGY": m.pgy,
            "Track": m.track,
            "Department": m.department,
            "Start date": m.start_date,
            "Expected end date": m.expected_end_date,
            "External ID": m.external_id,
            "Active": m.is_active,
        }
        for m in Membership.objects.filter(user=user).select_related("program")
    ]


@section("institution_admin", "Your part in a GME office", order=21)
def institution_admin(user) -> list[dict]:
    from dyad.programs.models import InstitutionAdmin

    return [
        {"Institution": a.institution, "Since": a.created_at}
        for a in InstitutionAdmin.objects.filter(user=user)
    ]
