from django.urls import path

from dyad.meetings import calendar_views

app_name = "calendar"
urlpatterns = [
    path("calendar/<slug:token>.ics", calendar_views.feed, name="feed"),
    path("me/calendar/", calendar_views.settings_page, name="settings"),
    path("me/calendar/reset/", calendar_views.reset_token, name="reset"),
]
