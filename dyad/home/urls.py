from django.urls import path

from dyad.home import views

app_name = "home"
P = "p/<slug:slug>/"
urlpatterns = [
    path(P, views.home, name="home"),
    path(P + "relationships/<uuid:rel_uuid>/nudge/", views.nudge, name="nudge"),
]
