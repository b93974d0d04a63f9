from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from dyad import flow
from dyad.access import own_programs
from dyad.reminders import selectors, services
from dyad.reminders.forms import ReminderPreferencesForm
from dyad.reminders.models import Kind


@login_required
def preferences(request):
    """The signed-in user's own choices; there is no address for anyone else's."""
    form = ReminderPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": sorted(selectors.enabled_kinds(request.user))},
    )
    if response := flow.submit(
        request,
        form,
        lambda data: services.reminder_preferences_update(
            user=request.user, enabled=data["enabled"], acting_user=request.user
        ),
        success="Your reminder choices are saved.",
        then=request.path,
    ):
        return response
    ctx = {
        "form": form,
        "essential": [kind for kind in Kind if kind.is_essential],
        "viewer": own_programs(request.user)[1],
    }
    return TemplateResponse(request, "reminders/preferences.html", ctx)
