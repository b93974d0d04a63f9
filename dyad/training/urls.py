from django.urls import path

from dyad.training import views

app_name = "training"
P = "p/<slug:slug>/training/"
M = P + "<uuid:uuid>/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "new/", views.module_new, name="module_new"),
    path(M, views.module, name="module"),
    path(M + "completions/", views.record, name="record"),
    path(M + "remove/", views.module_remove, name="module_remove"),
]
