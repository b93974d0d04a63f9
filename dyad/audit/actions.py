"""Every kind of entry the audit log holds, each with the words the audit page shows.

A service records an action with `audit_log(action=AuditAction.…)`; a code that is not in
this list is refused, so that the page's filter can offer every action there is.
"""

from django.db import models


class AuditAction(models.TextChoices):
    # Relationships (SPEC M3)
    RELATIONSHIP_CREATED = "relationship.created", "Relationship proposed"
    RELATIONSHIP_ACTIVE = "relationship.active", "Relationship started"
    RELATIONSHIP_ENDED = "relationship.ended", "Relationship ended"
    RELATIONSHIP_EVALUATIVE_OVERRIDE = (
        "relationship.evaluative_override",
        "Director allowed a guide who evaluates the learner",
    )
    RELATIONSHIP_DO_NOT_REPAIR = "relationship.do_not_repair", "Pair marked “do not re-pair”"
    PEER_PAIRING_PUBLISHED = "peer_pairing.published", "Peer pairing published"
    # Agreements and consent (SPEC M3, M11)
    AGREEMENT_REVISED = "agreement.revised", "Agreement changed (new version)"
    AGREEMENT_ACKNOWLEDGED = "agreement.acknowledged", "Agreement acknowledged"
    CONSENT_CHANGED = "consent.changed", "Learner changed what leadership may see"
    CONSENT_READ = "consent.read", "Leader read content the learner shared"
    # Rematch requests (SPEC M3)
    REMATCH_REQUESTED = "rematch.requested", "Rematch requested"
    REMATCH_ACKNOWLEDGED = "rematch.acknowledged", "Rematch request acknowledged"
    REMATCH_REASSIGNED = "rematch.reassigned", "Rematch request: pairing ended to reassign"
    REMATCH_CLOSED = "rematch.closed", "Rematch request closed"
    # Requests for a guide (SPEC M6)
    GUIDE_REQUEST_CREATED = "guide_request.created", "Request for a guide sent"
    GUIDE_REQUEST_ACCEPTED = "guide_request.accepted", "Request for a guide accepted"
    GUIDE_REQUEST_DECLINED = "guide_request.declined", "Request for a guide declined"
    GUIDE_REQUEST_WITHDRAWN = "guide_request.withdrawn", "Request for a guide withdrawn"
    GUIDE_REQUEST_EXPIRED = "guide_request.expired", "Request for a guide expired"
    # Evaluative roles (SPEC M3)
    EVALUATIVE_ROLE_CREATED = "evaluative_role.created", "Evaluative role recorded"
    EVALUATIVE_ROLE_DELETED = "evaluative_role.deleted", "Evaluative role removed"
    EVALUATIVE_ROLE_IMPORTED = "evaluative_role.imported", "Evaluative roles imported"
    # Safety (SPEC M11)
    CONCERN_RAISED = "concern.raised", "Safety concern raised"
    SAFETY_CONTACT_ADDED = "safety_contact.added", "Safety contact designated"
    SAFETY_CONTACT_REMOVED = "safety_contact.removed", "Safety contact removed"
    # Meetings (SPEC M4, M5)
    MEETING_SCHEDULED = "meeting.scheduled", "Meeting scheduled"
    MEETING_LOGGED = "meeting.logged", "Past meeting logged"
    MEETING_RESCHEDULED = "meeting.rescheduled", "Meeting rescheduled"
    MEETING_CANCELLED = "meeting.cancelled", "Meeting cancelled"
    MEETING_HELD = "meeting.held", "Meeting marked held"
    MEETING_MISSED = "meeting.missed", "Meeting marked missed"
    MEETING_PREPARATION_SAVED = "meeting.preparation_saved", "Meeting preparation saved"
    MEETING_FILE_ATTACHED = "meeting.file_attached", "File attached to a preparation"
    MEETING_FILE_REMOVED = "meeting.file_removed", "File removed from a preparation"
    MEETING_SUMMARY_SAVED = "meeting.summary_saved", "Meeting summary saved"
    MEETING_ACTION_ITEM_ADDED = "meeting.action_item_added", "Action item added"
    CADENCE_POLICY_SAVED = "cadence_policy.saved", "Cadence policy saved"
    CALENDAR_TOKEN_RESET = "calendar.token_reset", "Calendar subscription address reset"
    # Question bank (SPEC M4)
    QUESTION_BANK_CUSTOMIZED = "question_bank.customized", "Question bank customized"
    QUESTION_ADDED = "question_bank.question_added", "Question added"
    QUESTION_CHANGED = "question_bank.question_changed", "Question changed"
    QUESTION_DEACTIVATED = "question_bank.question_deactivated", "Question deactivated"
    QUESTION_REACTIVATED = "question_bank.question_reactivated", "Question reactivated"
    # Match rounds (SPEC M6)
    MATCH_ROUND_OPENED = "match_round.opened", "Match round opened"
    MATCH_ROUND_CLOSED = "match_round.closed", "Match round closed"
    MATCH_ROUND_RUN = "match_round.run", "Match round run"
    MATCH_ROUND_PUBLISHED = "match_round.published", "Match round published"
    MATCH_ROUND_PINNED = "match_round.pinned", "Pair pinned in a match round"
    MATCH_ROUND_UNPINNED = "match_round.unpinned", "Pin removed in a match round"
    MATCH_ROUND_FORBIDDEN = "match_round.forbidden", "Pair forbidden in a match round"
    MATCH_ROUND_UNFORBIDDEN = "match_round.unforbidden", "Forbid removed in a match round"
    MATCH_ROUND_CHANGED = "match_round.changed", "Match round settings changed"
    # Roster (SPEC M1)
    ROSTER_APPLIED = "roster.applied", "Roster imported"
    INVITATION_REQUEUED = "roster.invitation_requeued", "Invitation queued to be sent again"
    INVITATIONS_REQUEUED = (
        "roster.invitations_requeued",
        "Invitations queued again (failed or never sent)",
    )
    # Goals (SPEC M7)
    GOAL_CREATED = "goal.created", "Goal set"
    GOAL_UPDATED = "goal.updated", "Goal changed"
    GOAL_CLOSED = "goal.closed", "Goal closed (achieved or dropped)"
    GOAL_MILESTONE_DONE = "goal.milestone_done", "Goal milestone or action item done"
    ACHIEVEMENT_RECORDED = "achievement.recorded", "Success recorded in a portfolio"
    # Home pages (SPEC M5)
    RELATIONSHIP_NUDGED = "relationship.nudged", "Pair reminded to meet"
    RELATIONSHIP_CONTENT_PURGED = (
        "relationship.content_purged",
        "Private content deleted after the retention period",
    )
    # Resource library (SPEC M9, M10)
    RESOURCE_ADDED = "resource.added", "Resource added to the library"
    RESOURCE_CHANGED = "resource.changed", "Resource changed"
    RESOURCE_REMOVED = "resource.removed", "Resource removed from the library"
    # Faculty development (SPEC M9)
    TRAINING_MODULE_SAVED = "training.module_saved", "Training module saved"
    TRAINING_MODULE_REMOVED = "training.module_removed", "Training module removed"
    TRAINING_COMPLETED = "training.completed", "Training completion recorded"
    TRAINING_PORTFOLIO_PRINTED = (
        "training.portfolio_printed",
        "Mentoring portfolio downloaded as PDF",
    )
    # Expectations of the academic year (SPEC M10)
    EXPECTATIONS_SAVED = "expectations.saved", "Expectations document saved"
    EXPECTATIONS_SENT = "expectations.sent", "Expectations sent for the year"
    EXPECTATIONS_ACKNOWLEDGED = "expectations.acknowledged", "Expectations acknowledged"
    EXPECTATIONS_LEADER_AGREED = (
        "expectations.leader_agreed",
        "Program leader agreed to the consent terms for the year",
    )
    # ILP, the Individualized Learning Plan (SPEC M7)
    ILP_STARTED = "ilp.started", "Learning plan started"
    ILP_UPDATED = "ilp.updated", "Learning plan changed"
    ILP_SHARING_CHANGED = "ilp.sharing_changed", "Learner changed who reads their learning plan"
    ILP_SUBMITTED = "ilp.submitted", "Learning plan shared for review"
    ILP_GOAL_ADDED = "ilp.goal_added", "Learning goal added to a learning plan"
    ILP_REVIEWED = "ilp.reviewed", "Learning plan reviewed (version kept)"
    ILP_COMPLETED = "ilp.completed", "Learning plan completed for the year"
    ILP_REOPENED = "ilp.reopened", "Learning plan reopened"
    # Coaching (SPEC M7)
    COACHING_SETTINGS_CHANGED = "coaching.settings_changed", "How coaching is offered changed"
    COACHING_REFERRED = "coaching.referred", "Resident referred to coaching"
    COACHING_ENGAGEMENT_STARTED = "coaching.engagement_started", "Coaching engagement started"
    COACHING_ENGAGEMENT_ENDED = (
        "coaching.engagement_ended",
        "Coaching engagement completed or stopped",
    )
    COACHING_COACH_INVITED = "coaching.coach_invited", "External coach invited"
    COACHING_VALUES_SHARED = "coaching.values_shared", "Values exercise shared with a coach"
    COACHING_VALUES_UNSHARED = "coaching.values_unshared", "Values exercise no longer shared"
    # 360° feedback (SPEC M7): never who answered, nor what
    FEEDBACK_CYCLE_CREATED = "feedback_cycle.created", "360° feedback cycle prepared"
    FEEDBACK_CYCLE_OPENED = "feedback_cycle.opened", "360° feedback cycle opened"
    FEEDBACK_CYCLE_CLOSED = "feedback_cycle.closed", "360° feedback cycle closed"
    FEEDBACK_RATERS_INVITED = "feedback_cycle.raters_invited", "360° feedback raters invited"
    # Program surveys (SPEC M8): what was done, never who answered what
    SURVEY_QUESTIONS_CHANGED = "survey.questions_changed", "Survey questions changed"
    SURVEY_CYCLE_CREATED = "survey.cycle_created", "Survey cycle scheduled"
    SURVEY_CYCLE_OPENED = "survey.cycle_opened", "Survey cycle opened"
    SURVEY_CYCLE_CLOSED = "survey.cycle_closed", "Survey cycle closed"
    SURVEY_ANSWER_PICKED = "survey.answer_picked", "Survey comment picked for the report"
    # Pairing-fit check-ins (SPEC M8): the entry's target is the relationship, so that a
    # director who is a party to it never reads it (see policy.visible_audit_entries)
    CHECKIN_RECORDED = "checkin.recorded", "Pairing-fit check-in answered"
    CHECKIN_FOLLOWED_UP = "checkin.followed_up", "Low pairing-fit check-in followed up"
    CHECKIN_SETTINGS_SAVED = "checkin.settings_saved", "Pairing-fit check-in settings saved"
    # REST API and personal data export (SPEC M12)
    API_TOKEN_CREATED = "api_token.created", "API token created"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"
    API_ROSTER_SYNCED = "api_token.roster_synced", "Roster synced through the API"
    PERSONAL_DATA_EXPORTED = "personal_data.exported", "Personal data exported"
    # Program evaluation (SPEC M8): figures and the people list leave Dyad
    INSIGHT_EXPORTED = "insight.exported", "Program figures or people list exported"
    # Single sign-on (SPEC M12)
    SSO_SIGNED_IN = "sso.signed_in", "Signed in through their institution (SSO)"
    SSO_REFUSED = "sso.refused", "Sign-in through an institution refused (SSO)"
    # Sign-in (SPEC M12): changes to how someone signs in
    ACCOUNT_PASSWORD_RESET = "account.password_reset", "Password reset through an e-mail link"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", "Password changed"
    ACCOUNT_SECOND_FACTOR_ADDED = "account.second_factor_added", "Second factor added"
    ACCOUNT_SECOND_FACTOR_REMOVED = "account.second_factor_removed", "Second factor removed"
    ACCOUNT_RECOVERY_CODES_REGENERATED = (
        "account.recovery_codes_regenerated",
        "Recovery codes generated anew",
    )
    ACCOUNT_RECOVERY_CODE_USED = "account.recovery_code_used", "Recovery code used to sign in"
    # Year rollover (SPEC M10)
    ROLLOVER_COMPLETED = "rollover.completed", "Program rolled over into a new academic year"

    @classmethod
    def for_pair_rule(cls, rule: str, *, removed: bool = False) -> "AuditAction":
        """A match round's pin or forbid ("pin", "forbid"), added or removed."""
        done = {"pin": "pinned", "forbid": "forbidden"}[rule]
        return cls(f"match_round.{'un' if removed else ''}{done}")

    @property
    def family(self) -> str:
        """The part before the dot: "consent" for "consent.read"."""
        return self.value.split(".", 1)[0]


# The families of actions as the audit page groups them, in this order.
FAMILIES = {
    "relationship": "Relationships",
    "peer_pairing": "Peer pairing",
    "agreement": "Agreements",
    "consent": "Consent, and leaders reading consented content",
    "rematch": "Rematch requests",
    "guide_request": "Requests for a guide",
    "evaluative_role": "Evaluative roles",
    "concern": "Safety concerns",
    "safety_contact": "Safety contacts",
    "meeting": "Meetings",
    "cadence_policy": "Cadence policy",
    "calendar": "Calendar subscriptions",
    "question_bank": "Question bank",
    "match_round": "Match rounds",
    "roster": "Roster",
    "goal": "Goals",
    "achievement": "Successes",
    "resource": "Resource library",
    "training": "Faculty development",
    "expectations": "Expectations of the year",
    "ilp": "Learning plans (ILP)",
    "coaching": "Coaching",
    "feedback_cycle": "360° feedback",
    "survey": "Program surveys",
    "checkin": "Pairing-fit check-ins",
    "api_token": "API tokens and what they changed",
    "personal_data": "Personal data exports",
    "insight": "Program evaluation exports",
    "sso": "Single sign-on",
    "account": "Sign-in and second factor",
    "rollover": "Year rollover",
}
