from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from dyad.accounts.forms import LoginForm

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()

# An invitation is a one-time link to set a first password (the token dies once it is used,
# because it is derived from the password hash).
accept_invitation = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/accept_invitation.html",
    success_url=reverse_lazy("programs:index"),
    post_reset_login=True,
    post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
)
