from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from dyad import flow
from dyad.access import own_programs
from dyad.meetings import calendar
from dyad.meetings.models import CalendarFeed


@require_safe
def feed(request, token):
    """The personal feed. Calendar apps cannot log in: the secret token is the key."""
    subscription = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    response = HttpResponse(
        calendar.feed_ics(subscription.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_url(subscription: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("calendar:feed", args=[subscription.token])


@login_required
def settings_page(request):
    subscription = calendar.feed_for_user(request.user)
    url = feed_url(subscription)
    ctx = {
        # The top bar shows a program's menu when the user has exactly one.
        "viewer": own_programs(request.user)[1],
        "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[-1],
    }
    return TemplateResponse(request, "meetings/calendar_settings.html", ctx)


@login_required
@require_POST
def reset_token(request):
    return flow.act(
        request,
        lambda: calendar.feed_reset_token(user=request.user, acting_user=request.user),
        success="Your calendar has a new address. The old one no longer works: "
        "subscribe again with the address below.",
        then=reverse("calendar:settings"),
    )
