"""Who may see or do what. Every view, export and e-mail asks this module; deny by default.

Each rule takes a `Viewer` (a person as seen from one program: their active roles there)
and, where it concerns one object, that object. Rules answer True only for what the
privacy table of SPEC M11 allows.

Selectors and services ask this module, so it reads only models (their fields, managers
and relations), never a selector or a service: tests/test_layering.py keeps it so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from dyad.programs.models import Membership, PairingModel, Role
from dyad.relationships.models import Relationship, SafetyConcern, SafetyContact
from dyad.reminders.models import Kind

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dyad.accounts.models import User
    from dyad.audit.models import AuditEntry
    from dyad.feedback.models import Cycle
    from dyad.goals.models import Goal, Ilp
    from dyad.matching.models import MatchRound
    from dyad.meetings.models import Meeting, MeetingQuerySet
    from dyad.profiles.models import GuideProfile, LearnerProfile
    from dyad.programs.models import Program
    from dyad.relationships.models import GuideRequest, RematchRequest


@dataclass(frozen=True)
class Viewer:
    user: User
    program: Program
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        # An external coach is not a member of the program proper: see is_external_coach.
        return bool(self.roles - {Role.EXTERNAL_COACH})

    @property
    def is_external_coach(self) -> bool:
        """Holds only the external-coach role: reaches their own coachees and nothing of
        the program (directory, roster, rounds, other residents)."""
        return Role.EXTERNAL_COACH in self.roles and not self.is_member

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & Role.leaders())

    @property
    def is_learner(self) -> bool:
        return bool(self.roles & Role.learners())

    @property
    def is_guide(self) -> bool:
        return bool(self.roles & Role.guides()) or _has_guide_profile(self.user)


def _has_guide_profile(user: User) -> bool:
    return hasattr(user, "guide_profile")


def can_view_program(viewer: Viewer) -> bool:
    """The program's pages that start from the viewer (home, own pairings, meetings):
    members, and external coaches for their own coachees."""
    return viewer.is_member or viewer.is_external_coach


def can_manage_roster(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_view_people(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_edit_program_taxonomy(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_browse_directory(viewer: Viewer) -> bool:
    # The directory is the published pool of guides: every member may browse it.
    return viewer.is_member


def can_view_guide_profile(viewer: Viewer, profile: GuideProfile) -> bool:
    """A published guide profile is visible to members of a program the guide belongs to."""
    return viewer.is_member


def can_edit_guide_profile(user: User, profile: GuideProfile) -> bool:
    return profile.user_id == user.pk


def can_keep_own_profile(user: User, programs: list | None = None) -> bool:
    """Anyone active in at least one program may keep a guide and a learner profile.
    `programs`: the user's programs of their active memberships (access.own_programs),
    when already read."""
    if programs is not None:
        return bool(programs)
    return Membership.objects.for_user(user).exists()


def can_edit_learner_profile(user: User, profile: LearnerProfile) -> bool:
    return profile.user_id == user.pk


def can_view_guide_effort(viewer: Viewer, profile: GuideProfile) -> bool:
    """FTE effort is a matter between the guide and program leadership, not for learners."""
    return viewer.is_leader or profile.user_id == viewer.user.pk


# --- Relationships (SPEC M3, M11) -------------------------------------------------------


def is_party(user: User, relationship: Relationship) -> bool:
    return user.pk in (relationship.learner_id, relationship.guide_id)


def is_director(viewer: Viewer) -> bool:
    return Role.DIRECTOR in viewer.roles


def can_view_relationship(viewer: Viewer, relationship: Relationship) -> bool:
    """That a relationship exists, its kind, dates and state: the parties and leaders.
    Anyone else, evaluators included, must not learn that it exists."""
    return is_party(viewer.user, relationship) or viewer.is_leader


def can_view_relationship_content(
    viewer: Viewer, relationship: Relationship, category: str, consent: frozenset[str]
) -> bool:
    """Content of one consent category (goals, summaries, …): the parties always; leaders
    only when the learner's consent in force includes the category."""
    if is_party(viewer.user, relationship):
        return True
    return viewer.is_leader and category in consent


def can_edit_agreement(viewer: Viewer, relationship: Relationship) -> bool:
    return is_party(viewer.user, relationship) and relationship.is_open


def can_acknowledge_agreement(viewer: Viewer, relationship: Relationship) -> bool:
    return is_party(viewer.user, relationship) and relationship.is_open


def can_decide_consent(user: User, relationship: Relationship) -> bool:
    """What program leadership may see is the learner's decision alone (SPEC M3, M11)."""
    return user.pk == relationship.learner_id


def can_request_rematch(viewer: Viewer, relationship: Relationship) -> bool:
    return is_party(viewer.user, relationship) and relationship.is_open


def can_view_end_reason(
    viewer: Viewer, relationship: Relationship, rematch_requests: list | None = None
) -> bool:
    """Why a pairing ended (a no-fault rematch, …): leadership, and a party who asked for
    the rematch. The other party reads only that it ended, even when they are a leader.
    `rematch_requests`: all of the relationship's, when the caller has read them."""
    if is_party(viewer.user, relationship):
        if rematch_requests is not None:
            return any(r.requested_by_id == viewer.user.pk for r in rematch_requests)
        return relationship.rematch_requests.filter(requested_by=viewer.user).exists()
    return viewer.is_leader and relationship.program_id == viewer.program.pk


def can_view_rematch_request(viewer: Viewer, request: RematchRequest) -> bool:
    """The one who asked, and leadership; never the other party, even when the other
    party is a leader (a program director who mentors a resident)."""
    if request.requested_by_id == viewer.user.pk:
        return True
    relationship = request.relationship
    return (
        viewer.is_leader
        and relationship.program_id == viewer.program.pk
        and not is_party(viewer.user, relationship)
    )


def can_handle_rematch_request(viewer: Viewer, request: RematchRequest) -> bool:
    """Acknowledge, reassign or close: leadership who may read it, never a party to the
    relationship it is about (the one who asked included)."""
    return (
        can_view_rematch_request(viewer, request)
        and viewer.is_leader
        and not is_party(viewer.user, request.relationship)
    )


def can_manage_relationships(viewer: Viewer) -> bool:
    """Assign, end, see the overview and the rematch requests."""
    return viewer.is_leader


def can_override_evaluative_conflict(viewer: Viewer) -> bool:
    return is_director(viewer)


def can_manage_evaluative_roles(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_request_guide(viewer: Viewer) -> bool:
    return viewer.is_learner


def can_view_guide_request(viewer: Viewer, request: GuideRequest) -> bool:
    return viewer.user.pk in (request.learner_id, request.guide_id)


def can_answer_guide_request(viewer: Viewer, request: GuideRequest) -> bool:
    return request.guide_id == viewer.user.pk


def can_withdraw_guide_request(viewer: Viewer, request: GuideRequest) -> bool:
    return request.learner_id == viewer.user.pk


def can_raise_concern(viewer: Viewer, relationship: Relationship) -> bool:
    return relationship.guide_id == viewer.user.pk and relationship.is_open


def is_safety_contact(viewer: Viewer) -> bool:
    """One of those who receive the program's concerns (SafetyContact.objects.receiving):
    a designated contact still a member, or a director when none is; in one query."""
    contacts = SafetyContact.objects.designated(viewer.program).aggregate(
        n=Count("pk"), mine=Count("pk", filter=Q(user=viewer.user.pk))
    )
    return contacts["mine"] > 0 if contacts["n"] else is_director(viewer)


def can_view_concern(viewer: Viewer, concern: SafetyConcern) -> bool:
    """The guide who raised it and the program's designated contacts; nobody else, and
    never the learner it is about (even one who is a designated contact)."""
    if concern.program_id != viewer.program.pk:
        return False
    if concern.raised_by_id == viewer.user.pk:
        return True
    return is_safety_contact(viewer) and concern.relationship.learner_id != viewer.user.pk


def can_manage_safety_contacts(viewer: Viewer) -> bool:
    return is_director(viewer)


def can_view_audit_log(viewer: Viewer) -> bool:
    return is_director(viewer)


# --- Requests, safety contacts (SPEC M6, M11) -------------------------------------------


def learners_choose_guides(program: Program) -> bool:
    """Whether the program lets learners pick from the directory (the contemporary model)."""
    return program.pairing_model != PairingModel.ASSIGNED


def can_send_guide_request(viewer: Viewer) -> bool:
    """A learner of a program whose pairing model lets learners choose their guides."""
    return can_request_guide(viewer) and learners_choose_guides(viewer.program)


def safety_contact_roles() -> frozenset[str]:
    """Who may be designated to receive safety concerns: program leaders and faculty."""
    return Role.leaders() | {Role.FACULTY}


def can_view_concern_audit(viewer: Viewer) -> bool:
    """That a concern was raised, and by whom, is for the designated contacts only: other
    directors do not see these entries of the audit log either."""
    return is_safety_contact(viewer)


def _own_relationship_ids(viewer: Viewer) -> list[str]:
    own = Relationship.objects.for_program(viewer.program).for_party(viewer.user)
    return [str(u) for u in own.values_list("uuid", flat=True)]


def visible_audit_entries(viewer: Viewer, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The audit entries a director may read. Rematch requests and pairing-fit check-ins
    about a relationship the director is a party to, and concerns about the director, stay
    hidden from them, as they would everywhere else; concerns at all, unless the director
    is a contact."""
    program, user = viewer.program, viewer.user
    about_me = SafetyConcern.objects.filter(program=program, relationship__learner=user)
    own = _own_relationship_ids(viewer)
    entries = (
        entries.exclude(action__startswith="rematch.", target_id__in=own)
        .exclude(action__startswith="checkin.", target_id__in=own)
        .exclude(
            action__startswith="concern.",
            target_id__in=[str(u) for u in about_me.values_list("uuid", flat=True)],
        )
    )
    if not can_view_concern_audit(viewer):
        entries = entries.exclude(action__startswith="concern.")
    return entries


# Details of an entry that say why a relationship ended (see can_view_end_reason).
_END_REASON_KEYS = frozenset({"reason", "note"})


def audit_entry_details(viewer: Viewer, entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """The details of each entry as the director may read them: why a relationship they
    are a party to ended stays hidden from them, as on the relationship's page."""
    ended = any(entry.action == "relationship.ended" for entry in entries)
    own = set(_own_relationship_ids(viewer)) if ended else set()
    return [
        {k: v for k, v in entry.data.items() if k not in _END_REASON_KEYS}
        if entry.action == "relationship.ended" and entry.target_id in own
        else entry.data
        for entry in entries
    ]


# --- Meetings (SPEC M4, M11) -------------------------------------------------------------


def can_view_meeting(viewer: Viewer, meeting: Meeting) -> bool:
    """That a meeting took place, its date and mode: as for its relationship."""
    return can_view_relationship(viewer, meeting.relationship)


def can_manage_meetings(viewer: Viewer, relationship: Relationship) -> bool:
    """Schedule, reschedule, cancel, log: the two parties of a relationship not ended."""
    return is_party(viewer.user, relationship) and relationship.is_open


def can_edit_preparation(viewer: Viewer, meeting: Meeting) -> bool:
    relationship = meeting.relationship
    return relationship.learner_id == viewer.user.pk and relationship.is_open


def can_edit_meeting_record(viewer: Viewer, meeting: Meeting) -> bool:
    """The shared summary, topics and action items: either party."""
    return is_party(viewer.user, meeting.relationship)


def can_keep_private_note(viewer: Viewer, meeting: Meeting) -> bool:
    """Each party keeps their own private note; nobody ever reads another's."""
    return is_party(viewer.user, meeting.relationship)


def can_view_compliance(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_edit_cadence_policy(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_prepare_meetings(user: User, relationship: Relationship) -> bool:
    """The learner sets the goals of each meeting and sends material ahead (SPEC §0)."""
    return user.pk == relationship.learner_id


# --- Question bank and suggested agenda (SPEC M4) ---------------------------------------


def can_edit_question_bank(viewer: Viewer) -> bool:
    """See and edit the program's question bank: program leaders."""
    return viewer.is_leader


def can_record_discussed_questions(viewer: Viewer, relationship: Relationship) -> bool:
    """Mark agenda questions as discussed: the two parties, in the relationship's program.
    Which questions a pair discussed is meeting content, so leaders may not write it."""
    return is_party(viewer.user, relationship) and relationship.program_id == viewer.program.pk


# --- Reminders (SPEC M5) -----------------------------------------------------------------


def escalation_roles() -> frozenset[str]:
    """Who is told when a pairing stays overdue past the grace period: the coordinators."""
    return frozenset({Role.COORDINATOR})


def can_receive_reminder(user: User, kind: str, *, opted_out: bool) -> bool:
    """An active account with an address; optional reminders only if not turned off.
    Overdue notices and escalations are essential and cannot be turned off."""
    if not (user.is_active and user.email):
        return False
    return Kind(kind).is_essential or not opted_out


def can_choose_reminders(user: Any, owner: User) -> bool:
    """Everyone chooses their own reminders, and nobody else's, leaders included."""
    return user.is_authenticated and user.pk == owner.pk


# --- Suggestions and peer-advisor pairing (SPEC M2, M6) ---------------------------------


def can_see_guide_suggestions(viewer: Viewer) -> bool:
    """The directory's "Suggested for you": learners who may choose their guides there.
    Their own learner profile feeds it; nobody sees another person's suggestions."""
    return can_send_guide_request(viewer)


def can_run_peer_pairing(viewer: Viewer) -> bool:
    """Preview and publish the pairing of interns with senior-resident peer mentors."""
    return viewer.is_leader


# --- Match rounds (SPEC M6) ----------------------------------------------------------------


def can_run_match_rounds(viewer: Viewer) -> bool:
    """Open, close, run, pin, forbid, preview and publish rounds: program leaders."""
    return viewer.is_leader


def can_view_my_rankings(viewer: Viewer) -> bool:
    """The list of one's own rounds (possibly empty): any member."""
    return viewer.is_member


def can_rank_in_round(viewer: Viewer, match_round: MatchRound) -> bool:
    """Keep a list of guides: the learners of the round's cohort, each their own."""
    return match_round.program_id == viewer.program.pk and match_round.has_learner(viewer.user)


def can_mark_in_round(viewer: Viewer, match_round: MatchRound) -> bool:
    """Mark learners prefer / avoid: the guides of the round's pool, each their own."""
    return match_round.program_id == viewer.program.pk and match_round.has_guide(viewer.user)


def can_see_round_outcome(viewer: Viewer, match_round: MatchRound) -> bool:
    """A run's result reaches learners only once published, and only their own line."""
    return match_round.is_published and can_rank_in_round(viewer, match_round)


# --- Goals and successes (SPEC M7, M11) --------------------------------------------------


def _is_goal_guide(user: User, goal: Goal) -> bool:
    """The guide of the goal's relationship, or of an open relationship the learner shared
    the goal with. Being a guide of the learner in another relationship is not enough."""
    from dyad.relationships.models import SEAT_HOLDING_STATES

    if goal.relationship is not None and goal.relationship.guide_id == user.pk:
        return True
    # A page asks it of the same goal more than once (may read it, may work on it): once.
    asked = goal.__dict__.setdefault("_guides_shared_with", {})
    if user.pk not in asked:
        shared = goal.shared_with.filter(guide=user, state__in=SEAT_HOLDING_STATES)
        asked[user.pk] = shared.exists()
    return asked[user.pk]


def read_goal_guides(user: User, goals: list[Goal]) -> None:
    """Whether `user` guides an open relationship each of `goals` is shared with, read for
    all of them in one query, for pages that ask `_is_goal_guide` of a list of goals."""
    from dyad.goals.models import Goal
    from dyad.relationships.models import SEAT_HOLDING_STATES

    if not goals:
        return
    shared = set(
        Goal.shared_with.through.objects.filter(
            goal__in=[goal.pk for goal in goals],
            relationship__guide=user,
            relationship__state__in=SEAT_HOLDING_STATES,
        ).values_list("goal_id", flat=True)
    )
    for goal in goals:
        goal.__dict__.setdefault("_guides_shared_with", {})[user.pk] = goal.pk in shared


def can_set_goals(viewer: Viewer) -> bool:
    """A learner sets goals (their own, or of a pairing); a guide, goals of the pairings
    they guide, for and with the learner."""
    return viewer.is_learner or viewer.is_guide


def can_view_goal(viewer: Viewer, goal: Goal, consent: frozenset[str]) -> bool:
    """Goal content: the learner; their guide for a relationship goal or a shared one;
    leaders only for a relationship goal whose consent in force (`consent`) covers goals.
    A personal goal never reaches leaders, and an evaluator gets nothing through that role."""
    from dyad.relationships.models import ConsentCategory

    if goal.program_id != viewer.program.pk:
        return False
    if goal.learner_id == viewer.user.pk or _is_goal_guide(viewer.user, goal):
        return True
    return (
        goal.relationship_id is not None and viewer.is_leader and ConsentCategory.GOALS in consent
    )


def can_edit_goal(viewer: Viewer, goal: Goal) -> bool:
    """Change the goal's wording: the learner, and the guide of its relationship."""
    if not goal.is_open:
        return False
    return goal.learner_id == viewer.user.pk or (
        goal.relationship is not None and goal.relationship.guide_id == viewer.user.pk
    )


def can_work_on_goal(viewer: Viewer, goal: Goal) -> bool:
    """Add and tick milestones and action items, check in: the learner and any guide who
    may read the goal; never a leader reading it by consent."""
    return goal.is_open and (goal.learner_id == viewer.user.pk or _is_goal_guide(viewer.user, goal))


def can_close_goal(viewer: Viewer, goal: Goal) -> bool:
    """Whether a goal was achieved or dropped is the learner's call."""
    return goal.is_open and goal.learner_id == viewer.user.pk


def can_view_goal_counts(viewer: Viewer) -> bool:
    """How many goals each learner has, by state: leadership, without their content."""
    return viewer.is_leader


def guides_learner(viewer: Viewer, learner: User) -> bool:
    from dyad.relationships.models import Relationship

    return (
        Relationship.objects.for_program(viewer.program)
        .holding_seats()
        .filter(learner=learner, guide=viewer.user)
        .exists()
    )


def can_view_portfolio(viewer: Viewer, learner: User) -> bool:
    """A learner's successes: the learner, and the guides of their open relationships."""
    return learner.pk == viewer.user.pk or guides_learner(viewer, learner)


def can_record_achievement(viewer: Viewer, learner: User) -> bool:
    """The learner, and their guides (a nomination the mentor made, a paper they wrote
    together)."""
    return can_view_portfolio(viewer, learner)


def visible_meetings(viewer: Viewer, meetings: MeetingQuerySet) -> MeetingQuerySet:
    """Of `meetings`, those the viewer may know took place: their own, or any for a leader.
    A guide shown a personal goal does not learn when the learner met their other guides."""
    if viewer.is_leader:
        return meetings.filter(relationship__program=viewer.program)
    return meetings.for_party(viewer.user)


# --- Home pages (SPEC M5) -------------------------------------------------------------------


def can_nudge_pair(viewer: Viewer, relationship: Relationship) -> bool:
    """Remind a pair that they are behind on meeting: the program's leaders. The e-mail
    says only that a meeting is due, which both parties know already."""
    return viewer.is_leader and relationship.program_id == viewer.program.pk


# --- Preparation attachments (SPEC M7) -----------------------------------------------------


def can_attach_to_preparation(viewer: Viewer, meeting: Meeting) -> bool:
    """Add or remove a file of a meeting's preparation: whoever writes the preparation."""
    return can_edit_preparation(viewer, meeting)


def can_read_attachment(viewer: Viewer, meeting: Meeting, consent: frozenset[str]) -> bool:
    """A preparation file is preparation: the parties, and leaders only when the learner's
    consent in force covers preparation."""
    from dyad.relationships.models import ConsentCategory

    return can_view_relationship_content(
        viewer, meeting.relationship, ConsentCategory.PREPARATION, consent
    )


# --- Resource library (SPEC M9, M10) -------------------------------------------------------


def resource_audiences(viewer: Viewer) -> frozenset[str]:
    """Which of the library's audiences the viewer belongs to: leaders see it all."""
    from dyad.resources.models import Audience

    if viewer.is_leader:
        return frozenset(Audience.values)
    audiences = {Audience.EVERYONE.value}
    if viewer.is_learner:
        audiences.add(Audience.LEARNERS.value)
    if viewer.is_guide:
        audiences.add(Audience.GUIDES.value)
    return frozenset(audiences)


def can_view_resources(viewer: Viewer) -> bool:
    return viewer.is_member


def can_manage_resources(viewer: Viewer) -> bool:
    return viewer.is_leader


# --- Faculty development (SPEC M9) --------------------------------------------------------


def can_manage_training(viewer: Viewer) -> bool:
    """Modules, requirements and completions: the program's leaders."""
    return viewer.is_leader


def can_view_own_training(viewer: Viewer) -> bool:
    """Where one stands on the program's training: anyone who guides, or may."""
    return viewer.is_guide or viewer.is_leader


# --- ILP, the Individualized Learning Plan (SPEC M7, M11) ---------------------------------


def is_ilp_guide(user: User, ilp: Ilp) -> bool:
    """A guide of an open pairing of the learner with whom the learner shared the plan.
    Guiding the learner in another pairing, or evaluating them, is not enough."""
    from dyad.relationships.models import SEAT_HOLDING_STATES

    return ilp.shared_with.filter(guide=user, state__in=SEAT_HOLDING_STATES).exists()


def can_keep_ilp(viewer: Viewer) -> bool:
    """Start and keep one's own plan: the program's learners."""
    return viewer.is_learner


def can_view_ilp(viewer: Viewer, ilp: Ilp, consent: frozenset[str]) -> bool:
    """The plan's content: the learner; the guides they shared it with; leaders only when
    the consent in force of a pairing it is shared with (`consent`) covers goals and ILP
    content. An evaluator gets nothing through that role, nor does anyone else."""
    from dyad.relationships.models import ConsentCategory

    if ilp.program_id != viewer.program.pk:
        return False
    if ilp.learner_id == viewer.user.pk or is_ilp_guide(viewer.user, ilp):
        return True
    return viewer.is_leader and ConsentCategory.GOALS in consent


def is_ilp_participant(viewer: Viewer, ilp: Ilp) -> bool:
    """The learner or a guide it is shared with (not a leader reading it by consent)."""
    return ilp.learner_id == viewer.user.pk or is_ilp_guide(viewer.user, ilp)


def can_view_ilp_completion(viewer: Viewer) -> bool:
    """Who has a plan, its state and dates, never its content: leadership, always."""
    return viewer.is_leader


def knows_ilp_exists(viewer: Viewer, ilp: Ilp) -> bool:
    """That the plan exists and how far along it is: whoever may read it, and leaders."""
    return ilp.program_id == viewer.program.pk and (
        viewer.is_leader or is_ilp_participant(viewer, ilp)
    )


def can_edit_ilp(viewer: Viewer, ilp: Ilp) -> bool:
    """The plan is written by its learner, until it is completed for the year."""
    return ilp.learner_id == viewer.user.pk and not ilp.is_completed


def can_share_ilp(viewer: Viewer, ilp: Ilp) -> bool:
    """With whom the plan is shared is the learner's choice, pairing by pairing."""
    return can_edit_ilp(viewer, ilp)


def can_review_ilp(viewer: Viewer, ilp: Ilp) -> bool:
    """Record a review (which keeps a dated version): a guide the plan is shared with,
    once the learner has shared it for review. Never the learner, never a leader as such."""
    from dyad.lib import ilp as rules

    return (
        ilp.learner_id != viewer.user.pk
        and is_ilp_guide(viewer.user, ilp)
        and rules.can_move(ilp.state, rules.REVIEWED)
    )


def can_complete_ilp(viewer: Viewer, ilp: Ilp) -> bool:
    """Mark the plan completed for the year, once reviewed: the learner or a reviewing guide."""
    from dyad.lib import ilp as rules

    return rules.can_move(ilp.state, rules.COMPLETED) and is_ilp_participant(viewer, ilp)


def can_reopen_ilp(viewer: Viewer, ilp: Ilp) -> bool:
    """Reopen a plan completed during its year: whoever may complete one."""
    from dyad.lib import ilp as rules

    start_month = viewer.program.academic_year_start_month
    return rules.can_reopen(
        ilp.state, ilp.year, timezone.localdate(), start_month
    ) and is_ilp_participant(viewer, ilp)


# --- Coaching (SPEC M7, M11) ---------------------------------------------------------------
# That a resident is in coaching, and why the program offers it (targeted: a referral that
# records no reason), is for the coachee, the coach and program leaders. An evaluator learns
# nothing of it through that role; an external coach reaches only their own coachees.


def can_manage_coaching(viewer: Viewer) -> bool:
    """Choose how coaching is offered, refer, start and end engagements, invite external
    coaches, see the counts: program leaders."""
    return viewer.is_leader


def can_view_engagement(viewer: Viewer, engagement: Any) -> bool:
    """An engagement, its type, dates, cadence, state and referral (who referred, when):
    the coachee and the coach, and the program's leaders; nobody else (404)."""
    if engagement.program_id != viewer.program.pk:
        return False
    return is_party(viewer.user, engagement.relationship) or viewer.is_leader


def can_end_engagement(viewer: Viewer, engagement: Any) -> bool:
    # Also once its pairing has ended otherwise: the leader records how it ended.
    return can_manage_coaching(viewer) and (engagement.is_active or engagement.awaits_end_record)


def can_keep_values(viewer: Viewer) -> bool:
    """The values exercise: a learner keeps their own (coachees are learners)."""
    return viewer.is_learner


def can_share_values_with(viewer: Viewer, relationship: Relationship) -> bool:
    """A coachee shares their values with the coach of one of their open coaching
    relationships, one relationship at a time."""
    from dyad.programs.models import GuidanceKind

    return (
        relationship.learner_id == viewer.user.pk
        and relationship.kind == GuidanceKind.COACHING
        and relationship.is_open
        and relationship.program_id == viewer.program.pk
    )


def can_view_values(viewer: Viewer, exercise: Any, relationship: Relationship | None) -> bool:
    """The coachee's values: the coachee; the coach of `relationship` when the coachee
    shared them there and it is still open. Never leaders or evaluators as such."""
    if exercise.program_id != viewer.program.pk:
        return False
    if exercise.owner_id == viewer.user.pk:
        return True
    return (
        relationship is not None
        and relationship.guide_id == viewer.user.pk
        and relationship.learner_id == exercise.owner_id
        and relationship.is_open
        and exercise.shares.filter(relationship=relationship).exists()
    )


# --- 360° feedback (SPEC M7, M11) ---------------------------------------------------------


def can_run_360(relationship: Relationship) -> bool:
    """Whether a 360° feedback cycle may be run in this relationship: an active coaching
    relationship. Executive coaching engagements (chief residents, junior faculty) are its
    first use; a program-wide or referred coaching pair may choose one too, since only the
    coachee and the coach ever read it."""
    from dyad.programs.models import GuidanceKind
    from dyad.relationships.models import State

    return relationship.kind == GuidanceKind.COACHING and relationship.state == State.ACTIVE


def is_coachee(user: User, relationship: Relationship) -> bool:
    return user.pk == relationship.learner_id


def can_see_360(viewer: Viewer, cycle: Cycle) -> bool:
    """That a 360° cycle exists, its dates and how many of each group answered: the coachee
    and the coach, nobody else. Leaders and evaluators get nothing, not even that it exists
    (a leader who is the coach sees it as the coach)."""
    relationship = cycle.relationship
    return relationship.program_id == viewer.program.pk and is_party(viewer.user, relationship)


def can_start_360(viewer: Viewer, relationship: Relationship) -> bool:
    """Prepare a cycle: the coachee or the coach of a relationship that may run one."""
    return is_party(viewer.user, relationship) and can_run_360(relationship)


def can_prepare_360(viewer: Viewer, cycle: Cycle) -> bool:
    """Change the name, dates and questions, or open it: either party, before it opens."""
    return can_see_360(viewer, cycle) and cycle.is_draft


def can_name_raters(viewer: Viewer, cycle: Cycle) -> bool:
    """Who is asked, and their e-mail addresses, are the coachee's alone."""
    return can_see_360(viewer, cycle) and is_coachee(viewer.user, cycle.relationship)


def can_close_360(viewer: Viewer, cycle: Cycle) -> bool:
    from dyad.feedback.models import CycleState

    return can_see_360(viewer, cycle) and cycle.state == CycleState.OPEN


def can_view_360_results(viewer: Viewer, cycle: Cycle) -> bool:
    """Aggregated results: the coachee and the coach only (never leadership or evaluators).
    Whether the cycle is over yet is the results page's to say."""
    return can_see_360(viewer, cycle)


def can_receive_360_mail(user: User, cycle: Cycle) -> bool:
    """E-mails about a cycle (opened, closed, results ready) go to its two parties only."""
    return is_party(user, cycle.relationship) and user.is_active and bool(user.email)


# --- REST API and personal data export (SPEC M12) ---------------------------------------


def can_manage_api_tokens(viewer: Viewer) -> bool:
    """Create, list and revoke the program's API tokens: program leaders."""
    return viewer.is_leader


def api_token_allows(scopes: list[str], scope: str) -> bool:
    """A token does only what its scopes name; on top of that, every endpoint asks the
    rule its page asks, for the leader who created the token (as they are today)."""
    return scope in scopes


def can_export_personal_data(user: Any, owner: User) -> bool:
    """Everyone downloads what Dyad holds about themselves, and nobody else's."""
    return user.is_authenticated and user.pk == owner.pk


# --- Single sign-on (SPEC M12) --------------------------------------------------------------


def sso_refusal(
    user: User | None,
    *,
    email_verified: bool,
    email_domain_allowed: bool = True,
    signed_in_as: User | None = None,
) -> str | None:
    """Why someone an institution's identity provider signed in may not enter Dyad as
    `user` (the account that has the address the IdP gave, None if none has):

    - "unverified": the IdP did not vouch for the address;
    - "other_domain": the address is outside the domains this IdP may vouch for (an
      institution speaks for its own addresses, not for another's);
    - "not_invited": no roster invited the address;
    - "deactivated": the account was closed;
    - "other_account": someone signed in to Dyad (`signed_in_as`, linking an institution's
      identity to their account) would link someone else's.

    None when they may. The first two are decided before looking for the account, so that
    they cannot be used to learn who has one. SSO never creates an account: only a roster
    does."""
    if not email_verified:
        return "unverified"
    if not email_domain_allowed:
        return "other_domain"
    if user is None:
        return "not_invited"
    if not user.is_active:
        return "deactivated"
    if signed_in_as is not None and signed_in_as.pk != user.pk:
        return "other_account"
    return None


# --- Sign-in (SPEC M12) ---------------------------------------------------------------------


def needs_second_factor(viewer: Viewer, *, institution_requires: bool) -> bool:
    """Whether the viewer may use the program's pages only once they have a second factor:
    its leaders, when the institution (DYAD_REQUIRE_MFA_FOR_LEADERS) or the program says so.
    Leaders see what others entrust to the program; a stolen password alone must not do."""
    return viewer.is_leader and (institution_requires or viewer.program.leaders_need_second_factor)


# --- Faculty load and mentoring portfolio (SPEC M8, M9) ----------------------------------
# A guide's load (learners against places and FTE effort) is for program leaders, as FTE
# effort is (can_view_guide_effort). A mentoring portfolio lists whom someone guided, in
# which kind, when, and how many meetings were held: what the privacy table lets the guide
# and leaders know of a relationship. Leaders of a program see its part only; successes
# appear only to the guide themself.


def can_view_faculty_load(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_keep_mentoring_portfolio(user: Any) -> bool:
    """Their own portfolio, across programs: anyone who guides or has guided, or holds a
    role that guides."""
    if not user.is_authenticated:
        return False
    return (
        _has_guide_profile(user)
        or Membership.objects.for_user(user).filter(role__in=Role.guides()).exists()
        or Relationship.objects.filter(guide=user).exists()
    )


def can_view_guide_portfolio(viewer: Viewer, guide: User) -> bool:
    """A guide's portfolio as one program sees it (its pairings only): the guide, and the
    program's leaders. Callers first make sure `guide` guides in the program (404)."""
    return guide.pk == viewer.user.pk or viewer.is_leader


def can_list_success_in_portfolio(user: User, achievement: Any) -> bool:
    """A learner's success appears in `user`'s own portfolio only when the learner linked
    it to a goal of a relationship `user` guides or guided: that guide may read the goal
    (can_view_goal), and the success is what came of it. Leaders never see successes here:
    a learner's successes are for them and their guides (can_view_portfolio)."""
    goal = achievement.goal
    return (
        goal is not None
        and goal.learner_id == achievement.learner_id
        and goal.program_id == achievement.program_id
        and goal.relationship is not None
        and goal.relationship.guide_id == user.pk
    )


# --- Program evaluation and the GME office (SPEC M8) ---------------------------------------
# Figures are counts, never what a pair said or wrote. A program's leaders see their own
# program's; the GME office of an institution (InstitutionAdmin) sees every program of it
# without being a member, and nothing else of those programs.


def institutions_administered(user: Any) -> frozenset[str]:
    """The institutions whose GME office the user is part of (none when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    from dyad.programs.models import InstitutionAdmin

    return frozenset(
        InstitutionAdmin.objects.filter(user=user).values_list("institution", flat=True)
    )


def can_view_institution_insight(user: Any, institution: str) -> bool:
    """The GME office page of one institution: its administrators."""
    return bool(institution) and institution in institutions_administered(user)


def can_view_program_insight(viewer: Viewer) -> bool:
    """A program's figures, charts and their exports: its leaders and its institution's
    GME office."""
    return viewer.is_leader or can_view_institution_insight(viewer.user, viewer.program.institution)


def can_export_people_list(viewer: Viewer) -> bool:
    """Names, e-mails, roles, PGY and which kinds of guide each has (no content): the
    program's leaders. Who has a guide of which kind is for the pair and leadership (the
    privacy table), so the GME office gets counts only."""
    return viewer.is_leader


# --- Program surveys (SPEC M8, M11) -------------------------------------------------------


def can_view_surveys(viewer: Viewer) -> bool:
    """The surveys page: members see the surveys they were asked to answer; leaders all."""
    return viewer.is_member


def can_run_surveys(viewer: Viewer) -> bool:
    """Edit the program's questions, schedule, open and close cycles, pick comments."""
    return viewer.is_leader


def is_survey_invitee(viewer: Viewer, cycle: Any) -> bool:
    """Asked to answer this cycle (answered or not)."""
    return cycle.program_id == viewer.program.pk and (
        cycle.invitations.filter(user_id=viewer.user.pk).exists()
    )


def can_view_survey_cycle(viewer: Viewer, cycle: Any) -> bool:
    """A cycle's page (dates, response rate, never who): its leaders and those asked."""
    return viewer.is_leader or is_survey_invitee(viewer, cycle)


def can_view_survey_results(viewer: Viewer, cycle: Any) -> bool:
    """Aggregated answers (groups of five or more only, see dyad.lib.anonymity): leaders,
    and once the cycle has closed, the members it asked. Nobody else, evaluators
    included."""
    if cycle.program_id != viewer.program.pk:
        return False
    return viewer.is_leader or (cycle.is_closed and is_survey_invitee(viewer, cycle))


def can_receive_survey_mail(user: User) -> bool:
    return user.is_active and bool(user.email)


# --- Expectations of the academic year (SPEC M10) -------------------------------------------
# Learners and guides each read and acknowledge their own audience's document; leaders
# write and send them, see who has acknowledged, and agree to the consent terms themselves.
# An external coach is not a member of the program proper: their terms come with the
# coaching engagement, so the program's expectations are not sent to them (403).


def expectations_audiences(viewer: Viewer) -> frozenset[str]:
    """The documents sent to the viewer, by the roles they hold in the program."""
    from dyad.expectations.models import Audience

    audiences = set()
    if viewer.roles & Role.learners():
        audiences.add(Audience.LEARNERS.value)
    if viewer.roles & Role.guides():
        audiences.add(Audience.GUIDES.value)
    return frozenset(audiences)


def can_manage_expectations(viewer: Viewer) -> bool:
    """Write and send the documents, and read who has acknowledged them."""
    return viewer.is_leader


def can_view_expectations(viewer: Viewer) -> bool:
    return viewer.is_leader or bool(expectations_audiences(viewer))


def can_read_expectations(viewer: Viewer, audience: str) -> bool:
    return viewer.is_leader or audience in expectations_audiences(viewer)


def can_acknowledge_expectations(viewer: Viewer, audience: str) -> bool:
    return audience in expectations_audiences(viewer)


def can_agree_to_consent_terms(viewer: Viewer) -> bool:
    return viewer.is_leader


# --- Pairing-fit check-ins (SPEC M8, M11) ---------------------------------------------------
# Each party rates privately how well the pairing fits. The rating is for the one who gave
# it and for program leaders who are not a party to the pairing; never for the other party,
# not even when the other party is a leader.


def can_check_in(viewer: Viewer, relationship: Relationship) -> bool:
    return is_party(viewer.user, relationship) and relationship.state == "active"


def can_view_checkin(viewer: Viewer, checkin: Any) -> bool:
    if checkin.rater_id == viewer.user.pk:
        return True
    relationship = checkin.relationship
    return (
        viewer.is_leader
        and relationship.program_id == viewer.program.pk
        and not is_party(viewer.user, relationship)
    )


def can_follow_up_checkin(viewer: Viewer, checkin: Any) -> bool:
    """Record that a low rating was followed up: leaders who may read it, not the rater."""
    return (
        checkin.is_low
        and viewer.is_leader
        and checkin.rater_id != viewer.user.pk
        and can_view_checkin(viewer, checkin)
    )


def can_view_checkin_alerts(viewer: Viewer) -> bool:
    return viewer.is_leader


def can_edit_checkin_settings(viewer: Viewer) -> bool:
    return viewer.is_leader


def receives_checkin_alert(user: User, relationship: Relationship) -> bool:
    """A leader of the program is alerted to a low rating unless a party to the pairing."""
    return not is_party(user, relationship)


# --- Year rollover (SPEC M10) ---------------------------------------------------------------


def can_run_rollover(viewer: Viewer) -> bool:
    """Preview and run the program's move into a new academic year, and see which pairs
    have not yet re-acknowledged their agreement for it."""
    return viewer.is_leader
