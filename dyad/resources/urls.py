from django.urls import path

from dyad.resources import views

app_name = "resources"
P = "p/<slug:slug>/resources/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "new/", views.new, name="new"),
    path(P + "<uuid:uuid>/", views.open_resource, name="open"),
    path(P + "<uuid:uuid>/edit/", views.edit, name="edit"),
    path(P + "<uuid:uuid>/remove/", views.remove, name="remove"),
]
