from django.urls import path

from dyad.api import views

app_name = "api_tokens"
urlpatterns = [
    path("p/<slug:slug>/api-tokens/", views.tokens, name="tokens"),
    path(
        "p/<slug:slug>/api-tokens/<uuid:token_uuid>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
]
