from dyad.personal_data import section
from dyad.reminders.models import ReminderLog, ReminderPreference


@section("reminders", "Your reminder choices and the reminders sent to you", order=80)
def reminders(user) -> list[dict]:
    choices = [
        {"Reminder": p.get_kind_display(), "Wanted": p.enabled, "Changed": p.updated_at}
        for p in ReminderPreference.objects.filter(user=user)
    ]
    sent = [
        {"Reminder sent": r.get_kind_display(), "Program": r.program.name, "Sent": r.sent_at}
        for r in ReminderLog.objects.filter(recipient=user, sent_at__isnull=False)
        .select_related("program")
        .order_by("sent_at")
    ]
    return choices + sent
