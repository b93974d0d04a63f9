from django.urls import path

from dyad.privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/data/", views.export_page, name="export"),
    path("me/data.json", views.export_json, name="export_json"),
]
