from django.urls import path

from dyad.expectations import views

app_name = "expectations"
P = "p/<slug:slug>/expectations/"
Y = P + "<int:year>/"
D = Y + "<str:audience>/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "status.csv", views.status_csv, name="status_csv"),
    path(P + "leadership/", views.leadership, name="leadership"),
    path(Y + "send/", views.send, name="send"),
    path(D, views.document, name="document"),
    path(D + "edit/", views.edit, name="edit"),
    path(D + "acknowledge/", views.acknowledge, name="acknowledge"),
]
