from django.urls import path

from dyad.programs import roster_views, views

app_name = "programs"
urlpatterns = [
    path("", views.index, name="index"),
    path("p/<slug:slug>/people/", views.people, name="people"),
    path("p/<slug:slug>/roster/import/", roster_views.roster_upload, name="roster_upload"),
    path(
        "p/<slug:slug>/roster/import/<uuid:import_uuid>/",
        roster_views.roster_preview,
        name="roster_preview",
    ),
    path(
        "p/<slug:slug>/roster/import/<uuid:import_uuid>/apply/",
        roster_views.roster_apply,
        name="roster_apply",
    ),
    path(
        "p/<slug:slug>/roster/import/<uuid:import_uuid>/skipped.csv",
        roster_views.roster_skipped_report,
        name="roster_skipped_report",
    ),
    path(
        "p/<slug:slug>/roster/invitations/resend/",
        roster_views.invitations_resend_all,
        name="invitations_resend_all",
    ),
    path(
        "p/<slug:slug>/roster/invitations/<uuid:user_uuid>/resend/",
        roster_views.invitation_resend,
        name="invitation_resend",
    ),
]
