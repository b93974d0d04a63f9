from django.urls import path

from dyad.reminders import views

app_name = "reminders"
urlpatterns = [
    path("me/reminders/", views.preferences, name="preferences"),
]
