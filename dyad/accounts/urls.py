from allauth.account import views as allauth_views
from django.urls import path

from dyad.accounts import views

app_name = "accounts"
urlpatterns = [
    # Signing in and out is allauth's (`account_login`, `account_logout`, same paths); these
    # names stay because Dyad's settings and pages use them.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
    # Included before allauth's URLs, so these paths of allauth answer 404.
    path("signup/", views.not_offered),
    path("email/", views.not_offered),
    path("confirm-email/", views.not_offered),
    path("confirm-email/<str:key>/", views.not_offered),
]
