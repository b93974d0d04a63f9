from django.contrib import admin
from django.urls import include, path

from dyad.api.api import api

admin.site.site_header = "Dyad administration"
admin.site.site_title = "Dyad"

urlpatterns = [
    path("", include("dyad.programs.urls")),
    path("", include("dyad.profiles.urls")),
    path("", include("dyad.relationships.urls")),
    path("", include("dyad.meetings.urls")),
    path("", include("dyad.meetings.calendar_urls")),
    path("", include("dyad.reminders.urls")),
    path("", include("dyad.questions.urls")),
    path("", include("dyad.matching.urls")),
    path("", include("dyad.goals.urls")),
    path("", include("dyad.home.urls")),
    path("", include("dyad.resources.urls")),
    path("", include("dyad.training.urls")),
    path("", include("dyad.faculty.urls")),
    path("", include("dyad.expectations.urls")),
    path("", include("dyad.rollover.urls")),
    path("", include("dyad.coaching.urls")),
    path("", include("dyad.feedback.urls")),
    path("", include("dyad.insight.urls")),
    path("", include("dyad.surveys.urls")),
    path("", include("dyad.checkins.urls")),
    path("accounts/", include("dyad.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("dyad.api.urls")),
    path("", include("dyad.privacy.urls")),
]
