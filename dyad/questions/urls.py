from django.urls import path

from dyad.questions import views

app_name = "questions"
P = "p/<slug:slug>/"
Q = P + "questions/<uuid:question_uuid>/"
urlpatterns = [
    path(P + "questions/", views.bank, name="bank"),
    path(P + "questions/add/", views.question_add, name="add"),
    path(P + "questions/customize/", views.bank_customize, name="customize"),
    path(Q + "edit/", views.question_edit, name="edit"),
    path(Q + "deactivate/", views.question_deactivate, name="deactivate"),
    path(Q + "reactivate/", views.question_reactivate, name="reactivate"),
    path(P + "meetings/<uuid:meeting_uuid>/agenda/asked/", views.mark_asked, name="mark_asked"),
]
