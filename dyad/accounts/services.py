from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log


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


# --- Single sign-on ---------------------------------------------------------------------------


def sso_sign_in(*, sociallogin, request, acting_user) -> None:
    """Let `acting_user` in through the identity provider of `sociallogin`, whose address
    has been matched to their invited account: link the IdP's identity to the account the
    first time (later sign-ins find it by the IdP's id for the person), take the address as
    confirmed (an invitation that was never accepted is accepted by this), and audit it."""
    with transaction.atomic():
        first = not sociallogin.is_existing
        if first:
            sociallogin.connect(request, acting_user)
        address = EmailAddress.objects.filter(user=acting_user, email__iexact=acting_user.email)
        if not address.update(verified=True, primary=True):
            EmailAddress.objects.create(
                user=acting_user, email=acting_user.email, verified=True, primary=True
            )
        audit_log(
            action=AuditAction.SSO_SIGNED_IN,
            actor=acting_user,
            target=acting_user,
            data={
                "institution": sociallogin.provider.name,
                "protocol": sociallogin.provider.id,
                "first_time": first,
            },
        )


def sso_refuse(*, user, email: str, institution: str, protocol: str, reason: str) -> None:
    """Record that an institution signed someone in whom Dyad turned away (see
    policy.sso_refusal for the reasons); `user` is the account of that address, if any."""
    audit_log(
        action=AuditAction.SSO_REFUSED,
        actor=None,
        target=user,
        data={"email": email, "institution": institution, "protocol": protocol, "reason": reason},
    )


def sign_in_change_record(*, action, user, acting_user, data=None) -> None:
    """Audit a change to how `user` signs in (password reset, second factor added or
    removed, recovery codes). Not of any program: the log's program stays empty."""
    from dyad.audit.services import audit_log

    audit_log(action=action, actor=acting_user, target=user, data=data or {})
