from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_url(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:accept_invitation", args=[uidb64, token])
    return f"{settings.SITE_URL}{path}"


def user_invite(*, user, program, invited_by=None) -> None:
    """E-mail a new user a link to set their password. No confidential content."""
    context = {"user": user, "program": program, "url": invitation_url(user)}
    send_mail(
        subject=f"You are invited to {program.name} on Dyad",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])


def sign_in_change_record(*, action, user, acting_user, data=None) -> None:
    """Audit a change to how `user` signs in (password reset, second factor added or
    removed, recovery codes). Not of any program: the log's program stays empty."""
    from dyad.audit.services import audit_log

    audit_log(action=action, actor=acting_user, target=user, data=data or {})
