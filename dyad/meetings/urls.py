from django.urls import path

from dyad.meetings import views

app_name = "meetings"
P = "p/<slug:slug>/"
M = P + "meetings/<uuid:meeting_uuid>/"
urlpatterns = [
    path(P + "relationships/<uuid:rel_uuid>/meetings/new/", views.schedule, name="schedule"),
    path(P + "relationships/<uuid:rel_uuid>/meetings/log/", views.log, name="log"),
    path(M, views.detail, name="detail"),
    path(M + "reschedule/", views.reschedule, name="reschedule"),
    path(M + "cancel/", views.cancel, name="cancel"),
    path(M + "outcome/", views.outcome, name="outcome"),
    path(M + "preparation/", views.preparation, name="preparation"),
    path(M + "files/", views.attachment_add, name="attachment_add"),
    path(M + "files/<uuid:attachment_uuid>/", views.attachment, name="attachment"),
    path(
        M + "files/<uuid:attachment_uuid>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path(M + "summary/", views.summary, name="summary"),
    path(M + "actions/", views.action_add, name="action_add"),
    path(M + "actions/<uuid:item_uuid>/toggle/", views.action_toggle, name="action_toggle"),
    path(M + "private-note/", views.private_note, name="private_note"),
    path(P + "compliance/", views.compliance, name="compliance"),
    path(P + "cadence/", views.cadence_policies, name="cadence"),
]
