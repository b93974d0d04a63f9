"""allauth's pages change passwords and second factors; its signals are the one place
those changes can be seen from Dyad, so each receiver hands over to the service that
records it in the audit log."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.dispatch import receiver

from dyad.accounts.services import sign_in_change_record
from dyad.audit.actions import AuditAction


@receiver(account_signals.password_reset)
def password_reset(sender, request, user, **kwargs):
    sign_in_change_record(action=AuditAction.ACCOUNT_PASSWORD_RESET, user=user, acting_user=user)


@receiver(account_signals.password_changed)
def password_changed(sender, request, user, **kwargs):
    sign_in_change_record(action=AuditAction.ACCOUNT_PASSWORD_CHANGED, user=user, acting_user=user)


@receiver(mfa_signals.authenticator_added)
def second_factor_added(sender, request, user, authenticator, **kwargs):
    sign_in_change_record(
        action=AuditAction.ACCOUNT_SECOND_FACTOR_ADDED,
        user=user,
        acting_user=user,
        data={"kind": authenticator.type},
    )


@receiver(mfa_signals.authenticator_removed)
def second_factor_removed(sender, request, user, authenticator, **kwargs):
    sign_in_change_record(
        action=AuditAction.ACCOUNT_SECOND_FACTOR_REMOVED,
        user=user,
        acting_user=user,
        data={"kind": authenticator.type},
    )


@receiver(mfa_signals.authenticator_reset)
def recovery_codes_regenerated(sender, request, user, authenticator, **kwargs):
    sign_in_change_record(
        action=AuditAction.ACCOUNT_RECOVERY_CODES_REGENERATED, user=user, acting_user=user
    )


@receiver(mfa_signals.authenticator_used)
def second_factor_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        sign_in_change_record(
            action=AuditAction.ACCOUNT_RECOVERY_CODE_USED, user=user, acting_user=user
        )
