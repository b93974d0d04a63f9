from django.urls import path

from dyad.feedback import views

app_name = "feedback"
P = "p/<slug:slug>/feedback/"
C = P + "<uuid:cycle_uuid>/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "new/<uuid:rel_uuid>/", views.cycle_new, name="cycle_new"),
    path(C, views.cycle, name="cycle"),
    path(C + "edit/", views.cycle_edit, name="cycle_edit"),
    path(C + "items/", views.item_add, name="item_add"),
    path(C + "items/<uuid:item_uuid>/remove/", views.item_remove, name="item_remove"),
    path(C + "raters/", views.raters, name="raters"),
    path(C + "raters/<uuid:rater_uuid>/remove/", views.rater_remove, name="rater_remove"),
    path(C + "open/", views.cycle_open, name="cycle_open"),
    path(C + "close/", views.cycle_close, name="cycle_close"),
    path(C + "results/", views.results, name="results"),
    # The rater's side: no account; the token in the link is the key.
    path("feedback/answer/<str:token>/", views.answer, name="answer"),
    path("feedback/thanks/", views.thanks, name="thanks"),
]
