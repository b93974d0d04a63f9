from django.urls import path

from dyad.surveys import views

app_name = "surveys"
P = "p/<slug:slug>/surveys/"
C = P + "<uuid:cycle_uuid>/"
Q = P + "questions/<uuid:question_uuid>/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "questions/", views.questions, name="questions"),
    path(Q, views.question_edit, name="question_edit"),
    path(Q + "move/", views.question_move, name="question_move"),
    path(Q + "retire/", views.question_retire, name="question_retire"),
    path(P + "new/", views.cycle_new, name="cycle_new"),
    path(C, views.cycle, name="cycle"),
    path(C + "open/", views.cycle_open, name="cycle_open"),
    path(C + "close/", views.cycle_close, name="cycle_close"),
    path(C + "answer/", views.answer, name="answer"),
    path(C + "results/", views.results, name="results"),
    path(C + "comments/<uuid:answer_uuid>/pick/", views.pick, name="pick"),
]
