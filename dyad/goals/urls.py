from django.urls import path

from dyad.goals import views

app_name = "goals"
P = "p/<slug:slug>/"
G = P + "goals/<uuid:goal_uuid>/"
L = P + "portfolio/<uuid:learner_uuid>/"
urlpatterns = [
    path(P + "goals/", views.index, name="index"),
    path(P + "goals/new/", views.new, name="new"),
    path(G, views.detail, name="detail"),
    path(G + "edit/", views.edit, name="edit"),
    path(G + "close/", views.close, name="close"),
    path(G + "steps/", views.step_add, name="step_add"),
    path(G + "steps/<uuid:step_uuid>/toggle/", views.step_toggle, name="step_toggle"),
    path(G + "check-ins/", views.check_in, name="check_in"),
    path(P + "goals/learners/<uuid:learner_uuid>/", views.learner, name="learner"),
    path(L, views.portfolio, name="portfolio"),
    path(L + "new/", views.achievement_add, name="achievement_add"),
]
