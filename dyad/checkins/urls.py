from django.urls import path

from dyad.checkins import views

app_name = "checkins"
P = "p/<slug:slug>/"
C = P + "check-ins/<uuid:checkin_uuid>/"
urlpatterns = [
    path(P + "relationships/<uuid:rel_uuid>/check-in/", views.checkin_new, name="new"),
    path(P + "check-ins/alerts/", views.alerts, name="alerts"),
    path(P + "check-ins/settings/", views.settings_edit, name="settings"),
    path(C, views.detail, name="detail"),
    path(C + "follow-up/", views.follow_up, name="follow_up"),
]
