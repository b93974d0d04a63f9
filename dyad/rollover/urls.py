from django.urls import path

from dyad.rollover import views

app_name = "rollover"
P = "p/<slug:slug>/rollover/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "<int:year>/", views.result, name="result"),
]
