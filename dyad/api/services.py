"""API tokens and the writes made through the API, each audited in its transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dyad.api.models import ApiToken, Scope
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.programs import roster
from dyad.programs.invitations import invitations_queue
from dyad.programs.services import RosterPlan, roster_plan, roster_plan_write

TOKEN_PREFIX = "dyad_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def api_token_create(*, program, name: str, scopes: list[str], acting_user) -> NewToken:
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ValidationError({"scopes": ["Choose at least one of the scopes offered."]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            program=program,
            name=name.strip(),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(secret),
            scopes=sorted(scopes),
            created_by=acting_user,
        )
        audit_log(
            action=AuditAction.API_TOKEN_CREATED,
            actor=acting_user,
            program=program,
            target=token,
            data={"name": token.name, "prefix": token.prefix, "scopes": token.scopes},
        )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ValidationError("This token was already revoked.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_log(
            action=AuditAction.API_TOKEN_REVOKED,
            actor=acting_user,
            program=locked.program,
            target=locked,
            data={"name": locked.name, "prefix": locked.prefix},
        )
    return locked


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token `raw` is, or None (unknown, malformed or revoked). Records when it
    was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.live()
        .select_related("program", "created_by")
        .filter(digest=token_digest(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- roster sync -------------------------------------------------------------------------------


class RosterRowsInvalid(ValidationError):
    """Some rows cannot be applied; nothing was written. `plan` says which and why."""

    def __init__(self, plan: RosterPlan):
        super().__init__("Some rows have errors; nothing was written.")
        self.plan = plan


def roster_sync(*, token: ApiToken, records: list[dict], dry_run: bool, acting_user) -> RosterPlan:
    """Add and update the program's people and roles from `records`, all or nothing, with
    the roster import's rules and code. A second identical call finds every row unchanged
    and writes nothing. Raises RosterRowsInvalid (nothing written) when any row is wrong."""
    program = token.program
    parsed = roster.parse_roster_records(records, max_pgy=program.max_pgy)
    with transaction.atomic():
        plan = roster_plan(program=program, parsed=parsed)
        if plan.error_rows:
            raise RosterRowsInvalid(plan)
        if dry_run or not plan.changes_anything:
            return plan
        new_users = roster_plan_write(plan=plan, program=program)
        counts = plan.counts
        audit_log(
            action=AuditAction.API_ROSTER_SYNCED,
            actor=acting_user,
            program=program,
            target=token,
            data={
                "token": token.prefix,
                "created": counts["create"],
                "roles_added": counts["add_role"],
                "updated": counts["update"],
                "unchanged": counts["unchanged"],
            },
        )
        invitations_queue(program=program, users=new_users, invited_by=acting_user)
    return plan
