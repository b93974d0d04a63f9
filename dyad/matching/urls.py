from django.urls import path

from dyad.matching import views

app_name = "matching"
P = "p/<slug:slug>/"
R = P + "match-rounds/<uuid:round_uuid>/"
N = R + "runs/<int:number>/"
urlpatterns = [
    path(P + "match-rounds/", views.rounds, name="rounds"),
    path(P + "match-rounds/new/", views.round_open, name="round_open"),
    path(R, views.round_detail, name="round"),
    path(R + "close/", views.round_close, name="round_close"),
    path(R + "settings/", views.round_settings, name="round_settings"),
    path(R + "run/", views.round_run, name="round_run"),
    path(N, views.run_preview, name="run_preview"),
    path(N + "publish/", views.run_publish, name="run_publish"),
    path(R + "rules/", views.rule_add, name="rule_add"),
    path(R + "rules/<uuid:rule_uuid>/delete/", views.rule_delete, name="rule_delete"),
    path(P + "my-rankings/", views.my_rounds, name="my_rounds"),
    path(R + "rank/", views.rank, name="rank"),
    path(R + "marks/", views.marks, name="marks"),
]
