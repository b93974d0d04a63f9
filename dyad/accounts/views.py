from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import reverse_lazy

# An invitation is a one-time link to set a first password (the token dies once it is used,
# because it is derived from the password hash).
accept_invitation = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/accept_invitation.html",
    success_url=reverse_lazy("programs:index"),
    post_reset_login=True,
    post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
)


def not_offered(request, *args, **kwargs):
    """allauth pages Dyad does not offer: accounts come from rosters (no sign-up), and the
    e-mail address is the one the program invited (no adding, changing or confirming it)."""
    raise Http404("Not offered")
