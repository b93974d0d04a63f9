"""Every URL of the project × every persona of the privacy table, with the expected status.

A URL added without a row here fails `test_every_url_has_a_row`. Statuses: 200 shown,
302 redirected (anonymous: to the login page), 403 a member without the right, 404 someone
who may not know that the object (or the program) exists.
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from dyad.meetings.models import CalendarFeed
from dyad.questions.models import Question
from tests.world import PERSONAS, build_world

LEADERS = {"coordinator", "director"}
MEMBERS = {
    "learner",
    "guide",
    "other_learner",
    "other_guide",
    "evaluator",
    "coordinator",
    "director",
}
PARTIES = {"learner", "guide"}
NOT_MEMBERS = {"stranger", "outsider", "gme_admin"}


def expect(ok: set, *, ok_status=200, forbidden=frozenset(), hidden=frozenset(), anon=302):
    """ok → ok_status; forbidden → 403; hidden and non-members → 404; anonymous → anon.
    Members named in none of the sets get 403."""
    table = {"anonymous": anon}
    for persona in PERSONAS[1:]:
        if persona in ok:
            table[persona] = ok_status
        elif persona == "external_coach" and hidden:
            # Beyond their own coachees, an external coach may not know that anything exists.
            table[persona] = 404
        elif persona in hidden or persona in NOT_MEMBERS:
            table[persona] = 404
        else:
            table[persona] = 403
    assert not (set(forbidden) & set(hidden))
    return table


def program_kw(w):
    return {"slug": w.program.slug}


def rel_kw(w):
    return {"slug": w.program.slug, "rel_uuid": w.relationship.uuid}


def rematch_kw(w):
    return {"slug": w.program.slug, "request_uuid": w.relationship.rematch_requests.get().uuid}


def req_kw(w):
    return {"slug": w.program.slug, "req_uuid": w.guide_request.uuid}


def guide_kw(w):
    return {"slug": w.program.slug, "profile_uuid": w.relationship.guide.guide_profile.uuid}


def meeting_kw(w):
    return {"slug": w.program.slug, "meeting_uuid": w.meeting.uuid}


def attachment_kw(w):
    return {**meeting_kw(w), "attachment_uuid": w.attachment.uuid}


def resource_kw(audience):
    return lambda w: {"slug": w.program.slug, "uuid": w.resources[audience].uuid}


def training_kw(w):
    return {"slug": w.program.slug, "uuid": w.training_module.uuid}


def question_kw(w):
    return {"slug": w.program.slug, "question_uuid": Question.objects.default_bank().first().uuid}


def import_kw(w):
    return {"slug": w.program.slug, "import_uuid": w.roster_import.uuid}


NOT_RELATED = {"other_learner", "other_guide", "evaluator"}
GUIDES = {"guide", "other_guide", "evaluator"}


def round_kw(w):
    return {"slug": w.program.slug, "round_uuid": w.match_round.uuid}


def run_kw(w):
    return {**round_kw(w), "number": w.match_run.number}


def goal_kw(w):
    return {"slug": w.program.slug, "goal_uuid": w.goals["goal"].uuid}


def portfolio_kw(w):
    return {"slug": w.program.slug, "learner_uuid": w.user("learner").uuid}


def ilp_kw(w):
    return {"slug": w.program.slug, "ilp_uuid": w.goals["ilp"].uuid}


def engagement_kw(w):
    return {"slug": w.program.slug, "engagement_uuid": w.coaching["engagement"].uuid}


SURVEYED = {"learner", "other_learner"}


def survey_kw(which):
    return lambda w: {"slug": w.program.slug, "cycle_uuid": w.surveys[which].uuid}


def survey_question_kw(w):
    return {"slug": w.program.slug, "question_uuid": w.surveys["question"].uuid}


def coaching_rel_kw(w):
    return {"slug": w.program.slug, "rel_uuid": w.coaching["engagement"].relationship.uuid}


def coaching_kw(w):
    return {"slug": w.program.slug, "rel_uuid": w.feedback["relationship"].uuid}


def cycle_kw(which):
    return lambda w: {"slug": w.program.slug, "cycle_uuid": w.feedback[which].uuid}


# name: (kwargs, method, expected statuses)
ROWS = {
    "programs:index": (
        lambda w: {},
        "get",
        # Someone with no program (the GME office too) is told so; a member is sent on.
        {"anonymous": 302, **{p: 302 for p in PERSONAS[2:]}, "stranger": 200, "gme_admin": 200},
    ),
    "programs:people": (program_kw, "get", expect(LEADERS)),
    "programs:roster_upload": (program_kw, "get", expect(LEADERS)),
    "programs:roster_preview": (import_kw, "get", expect(LEADERS)),
    "programs:roster_apply": (import_kw, "post", expect(LEADERS, ok_status=302)),
    "programs:roster_skipped_report": (import_kw, "get", expect(LEADERS)),
    # Nobody in the world awaits an invitation: leaders are sent back with a message.
    "programs:invitations_resend_all": (program_kw, "post", expect(LEADERS, ok_status=302)),
    "programs:invitation_resend": (
        lambda w: {"slug": w.program.slug, "user_uuid": w.user("learner").uuid},
        "post",
        expect(LEADERS, ok_status=302),
    ),
    "profiles:edit_guide": (
        lambda w: {},
        "get",
        {"anonymous": 302, **{p: 200 for p in PERSONAS[2:]}, "stranger": 403, "gme_admin": 403},
    ),
    "profiles:edit_learner": (
        lambda w: {},
        "get",
        {"anonymous": 302, **{p: 200 for p in PERSONAS[2:]}, "stranger": 403, "gme_admin": 403},
    ),
    "profiles:directory": (program_kw, "get", expect(MEMBERS)),
    "profiles:guide_detail": (guide_kw, "get", expect(MEMBERS)),
    "profiles:content_areas": (program_kw, "get", expect(LEADERS)),
    # An empty form: leaders get it back with its errors.
    "profiles:content_area_add": (program_kw, "post", expect(LEADERS)),
    "relationships:overview": (program_kw, "get", expect(LEADERS)),
    "relationships:assign": (program_kw, "get", expect(LEADERS)),
    "relationships:mine": (program_kw, "get", expect(MEMBERS)),
    "relationships:detail": (rel_kw, "get", expect(PARTIES | LEADERS, hidden=NOT_RELATED)),
    "relationships:agreement_edit": (rel_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "relationships:agreement_acknowledge": (
        rel_kw,
        "post",
        expect(PARTIES, ok_status=302, hidden=NOT_RELATED),
    ),
    "relationships:rematch_request": (
        rel_kw,
        "post",
        expect(PARTIES, ok_status=302, hidden=NOT_RELATED),
    ),
    "relationships:end": (rel_kw, "post", expect(LEADERS, ok_status=302)),
    "relationships:concern_raise": (rel_kw, "get", expect({"guide"}, hidden=NOT_RELATED)),
    "relationships:rematch_requests": (program_kw, "get", expect(LEADERS)),
    # The world's learner asked; the guide (the other party) must not learn that it exists.
    "relationships:rematch_acknowledge": (
        rematch_kw,
        "post",
        expect(LEADERS, ok_status=302, hidden=MEMBERS - LEADERS - {"learner"}),
    ),
    "relationships:rematch_reassign": (
        rematch_kw,
        "post",
        expect(LEADERS, ok_status=302, hidden=MEMBERS - LEADERS - {"learner"}),
    ),
    # An empty note: leaders are sent back with a message saying what to write.
    "relationships:rematch_close": (
        rematch_kw,
        "post",
        expect(LEADERS, ok_status=302, hidden=MEMBERS - LEADERS - {"learner"}),
    ),
    "relationships:request_guide": (guide_kw, "get", expect({"learner", "other_learner"})),
    "relationships:requests": (program_kw, "get", expect(MEMBERS)),
    "relationships:request_accept": (
        req_kw,
        "post",
        expect({"guide"}, ok_status=302, hidden=MEMBERS - {"guide", "other_learner"}),
    ),
    "relationships:request_decline": (
        req_kw,
        "post",
        expect({"guide"}, ok_status=302, hidden=MEMBERS - {"guide", "other_learner"}),
    ),
    "relationships:request_withdraw": (
        req_kw,
        "post",
        expect({"other_learner"}, ok_status=302, hidden=MEMBERS - {"guide", "other_learner"}),
    ),
    "relationships:evaluative_roles": (program_kw, "get", expect(LEADERS)),
    "relationships:evaluative_import": (program_kw, "get", expect(LEADERS)),
    "relationships:evaluative_delete": (
        lambda w: {"slug": w.program.slug, "role_uuid": w.evaluative_role.uuid},
        "post",
        expect(LEADERS, ok_status=302),
    ),
    # No contact is designated in the world, so the director receives concerns.
    "relationships:concerns": (program_kw, "get", expect({"director"})),
    "relationships:safety_contacts": (program_kw, "get", expect({"director"})),
    "relationships:audit": (program_kw, "get", expect({"director"})),
    "relationships:peer_pairing": (program_kw, "get", expect(LEADERS)),
    # Nothing previewed and nothing to pair: leaders are sent back to the preview.
    "relationships:peer_pairing_publish": (program_kw, "post", expect(LEADERS, ok_status=302)),
    "meetings:schedule": (rel_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "meetings:log": (rel_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "meetings:detail": (meeting_kw, "get", expect(PARTIES | LEADERS, hidden=NOT_RELATED)),
    "meetings:reschedule": (meeting_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "meetings:cancel": (meeting_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    "meetings:outcome": (meeting_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    "meetings:preparation": (
        meeting_kw,
        "post",
        expect({"learner"}, ok_status=302, hidden=NOT_RELATED),
    ),
    # A preparation file: the learner adds and removes (an empty POST is refused with a
    # message); the parties download it; leaders without consent do not learn it exists.
    "meetings:attachment_add": (
        meeting_kw,
        "post",
        expect({"learner"}, ok_status=302, hidden=NOT_RELATED),
    ),
    "meetings:attachment": (attachment_kw, "get", expect(PARTIES, hidden=NOT_RELATED | LEADERS)),
    "meetings:attachment_remove": (
        attachment_kw,
        "post",
        expect({"learner"}, ok_status=302, hidden=NOT_RELATED),
    ),
    "meetings:summary": (meeting_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    "meetings:action_add": (meeting_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    "meetings:action_toggle": (
        lambda w: {**meeting_kw(w), "item_uuid": w.action_item.uuid},
        "post",
        expect(PARTIES, ok_status=302, hidden=NOT_RELATED),
    ),
    "meetings:private_note": (
        meeting_kw,
        "post",
        expect(PARTIES, ok_status=302, hidden=NOT_RELATED),
    ),
    "meetings:compliance": (program_kw, "get", expect(LEADERS)),
    # The resource library: every member reads what is for their audience; a document for
    # learners does not exist for a guide, a link for guides does not for a learner.
    "resources:index": (program_kw, "get", expect(MEMBERS)),
    "resources:new": (program_kw, "get", expect(LEADERS)),
    "resources:open": (
        resource_kw("learners"),
        "get",
        expect({"learner", "other_learner"} | LEADERS, hidden=GUIDES),
    ),
    "resources:edit": (resource_kw("guides"), "get", expect(LEADERS)),
    "resources:remove": (resource_kw("guides"), "post", expect(LEADERS, ok_status=302)),
    # Faculty development: guides see where they stand; leaders keep modules and records.
    "training:index": (program_kw, "get", expect(GUIDES | LEADERS)),
    "training:module_new": (program_kw, "get", expect(LEADERS)),
    "training:module": (training_kw, "get", expect(LEADERS)),
    # An empty form: leaders get the page back with its errors.
    "training:record": (training_kw, "post", expect(LEADERS)),
    "training:module_remove": (training_kw, "post", expect(LEADERS, ok_status=302)),
    # Year rollover: the program's leaders preview and run it, and read what it did.
    "rollover:index": (program_kw, "get", expect(LEADERS)),
    "rollover:result": (
        lambda w: {"slug": w.program.slug, "year": w.rollover.year},
        "get",
        expect(LEADERS),
    ),
    "questions:bank": (program_kw, "get", expect(LEADERS)),
    "questions:add": (program_kw, "get", expect(LEADERS)),
    "questions:customize": (program_kw, "post", expect(LEADERS, ok_status=302)),
    "questions:edit": (question_kw, "get", expect(LEADERS)),
    "questions:deactivate": (question_kw, "post", expect(LEADERS, ok_status=302)),
    "questions:reactivate": (question_kw, "post", expect(LEADERS, ok_status=302)),
    "questions:mark_asked": (
        meeting_kw,
        "post",
        expect(PARTIES, ok_status=302, hidden=NOT_RELATED),
    ),
    "meetings:cadence": (program_kw, "get", expect(LEADERS)),
    # The token is the credential: whoever holds it reads the feed (calendar apps cannot
    # log in); it carries nothing confidential and its owner can reset it.
    "calendar:feed": (
        lambda w: {"token": CalendarFeed.objects.get_or_create(user=w.user("learner"))[0].token},
        "get",
        {p: 200 for p in PERSONAS},
    ),
    "calendar:settings": (
        lambda w: {},
        "get",
        {"anonymous": 302, **{p: 200 for p in PERSONAS[1:]}},
    ),
    "calendar:reset": (lambda w: {}, "post", {p: 302 for p in PERSONAS}),
    "reminders:preferences": (
        lambda w: {},
        "get",
        {"anonymous": 302, **{p: 200 for p in PERSONAS[1:]}},
    ),
    # Match rounds: leaders run them; each learner of the cohort keeps their own list, each
    # guide of the pool their own marks (world: residents learner and other_learner; guides
    # guide, other_guide and evaluator). Empty POSTs come back with a message.
    "matching:rounds": (program_kw, "get", expect(LEADERS)),
    "matching:round_open": (program_kw, "get", expect(LEADERS)),
    "matching:round": (round_kw, "get", expect(LEADERS)),
    "matching:round_close": (round_kw, "post", expect(LEADERS, ok_status=302)),
    "matching:round_run": (round_kw, "post", expect(LEADERS, ok_status=302)),
    "matching:run_preview": (run_kw, "get", expect(LEADERS)),
    "matching:run_publish": (run_kw, "get", expect(LEADERS)),
    "matching:rule_add": (round_kw, "post", expect(LEADERS, ok_status=302)),
    "matching:rule_delete": (
        lambda w: {**round_kw(w), "rule_uuid": w.pair_rule.uuid},
        "post",
        expect(LEADERS, ok_status=302),
    ),
    "matching:my_rounds": (program_kw, "get", expect(MEMBERS)),
    "matching:rank": (round_kw, "get", expect({"learner", "other_learner"})),
    "matching:marks": (round_kw, "get", expect({"guide", "other_guide", "evaluator"})),
    "matching:round_settings": (round_kw, "post", expect(LEADERS, ok_status=302)),
    # Goals (SPEC M7): the world's pairing goal is seen by its two parties only (no consent
    # for leadership); the learner alone closes it; successes by the learner and their guide.
    "goals:index": (program_kw, "get", expect(MEMBERS)),
    # Learners, and guides (a director guides too) for the pairings they guide.
    "goals:new": (program_kw, "get", expect(MEMBERS - {"coordinator"})),
    "goals:detail": (goal_kw, "get", expect(PARTIES, hidden=MEMBERS - PARTIES)),
    "goals:edit": (goal_kw, "get", expect(PARTIES, hidden=MEMBERS - PARTIES)),
    "goals:close": (goal_kw, "post", expect({"learner"}, ok_status=302, hidden=MEMBERS - PARTIES)),
    "goals:step_add": (goal_kw, "post", expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES)),
    "goals:step_toggle": (
        lambda w: {**goal_kw(w), "step_uuid": w.goals["step"].uuid},
        "post",
        expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "goals:check_in": (goal_kw, "post", expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES)),
    "goals:learner": (portfolio_kw, "get", expect(LEADERS)),
    "goals:portfolio": (portfolio_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "goals:achievement_add": (portfolio_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "accounts:login": (lambda w: {}, "get", {"anonymous": 200, **{p: 302 for p in PERSONAS[1:]}}),
    "accounts:logout": (lambda w: {}, "post", {p: 302 for p in PERSONAS}),
    "accounts:accept_invitation": (
        lambda w: {"uidb64": "MQ", "token": "not-a-token"},
        "get",
        {p: 200 for p in PERSONAS},
    ),
    # Home pages: every member has one; only leaders remind a pair (the world's pair is not
    # behind, so leaders are sent back with a message saying so).
    "home:home": (program_kw, "get", expect(MEMBERS)),
    "home:nudge": (rel_kw, "post", expect(LEADERS, ok_status=302, hidden=NOT_RELATED)),
    # ILP (SPEC M7): the world's learner shared their plan with the guide, who reviewed it;
    # the pairing's consent does not cover it, so leaders know it exists (403) and see its
    # completion; an evaluator and anyone else does not know it exists (404).
    "goals:ilp_index": (program_kw, "get", expect(MEMBERS)),
    # The learner already has this year's plan (sent back with a message); the other
    # learner starts one.
    "goals:ilp_start": (program_kw, "post", expect({"learner", "other_learner"}, ok_status=302)),
    "goals:ilp_completion": (program_kw, "get", expect(LEADERS)),
    "goals:ilp_detail": (ilp_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "goals:ilp_edit": (ilp_kw, "get", expect({"learner"}, hidden=NOT_RELATED)),
    "goals:ilp_share": (ilp_kw, "get", expect({"learner"}, hidden=NOT_RELATED)),
    # A reviewed plan is not shared for review again: the learner is told so (302).
    "goals:ilp_submit": (ilp_kw, "post", expect({"learner"}, ok_status=302, hidden=NOT_RELATED)),
    "goals:ilp_goal_new": (ilp_kw, "get", expect({"learner"}, hidden=NOT_RELATED)),
    "goals:ilp_review": (ilp_kw, "get", expect({"guide"}, hidden=NOT_RELATED)),
    "goals:ilp_complete": (ilp_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    # The world's plan is reviewed, not completed: the parties are told it cannot be
    # reopened (the view's tests reopen a completed one).
    "goals:ilp_reopen": (ilp_kw, "post", expect(PARTIES, ok_status=302, hidden=NOT_RELATED)),
    "goals:ilp_version": (
        lambda w: {**ilp_kw(w), "number": 1},
        "get",
        expect(PARTIES, hidden=NOT_RELATED),
    ),
    "goals:ilp_pdf": (ilp_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    # Coaching (SPEC M7): the world's targeted engagement is a resident who is no persona,
    # referred by the director to the external coach. Nobody else learns that it exists.
    "coaching:overview": (program_kw, "get", expect(LEADERS)),
    "coaching:settings": (program_kw, "get", expect(LEADERS)),
    "coaching:refer": (program_kw, "get", expect(LEADERS)),
    "coaching:engagement_new": (program_kw, "get", expect(LEADERS)),
    "coaching:coach_invite": (program_kw, "get", expect(LEADERS)),
    "coaching:mine": (program_kw, "get", expect(MEMBERS | {"external_coach"})),
    "coaching:engagement": (
        engagement_kw,
        "get",
        expect(LEADERS | {"external_coach"}, hidden=MEMBERS - LEADERS),
    ),
    "coaching:engagement_end": (
        engagement_kw,
        "post",
        expect(LEADERS, ok_status=302, hidden=MEMBERS - LEADERS),
    ),
    # Each learner keeps their own values; an empty share form shares with nobody.
    "coaching:values": (program_kw, "get", expect({"learner", "other_learner"})),
    "coaching:values_share": (
        program_kw,
        "post",
        expect({"learner", "other_learner"}, ok_status=302),
    ),
    # The coachee shared their values with the coach: never leaders, never anyone else.
    "coaching:values_shared": (coaching_rel_kw, "get", expect({"external_coach"}, hidden=MEMBERS)),
    # 360° feedback (SPEC M7, M11): the coachee (learner) and the coach (guide) only; leaders
    # and evaluators may not even learn that a cycle exists. The coachee alone names raters.
    # A rater needs no account: their link's token is the key.
    "feedback:index": (program_kw, "get", expect(MEMBERS)),
    "feedback:cycle_new": (coaching_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
    "feedback:cycle": (cycle_kw("draft"), "get", expect(PARTIES, hidden=MEMBERS - PARTIES)),
    "feedback:cycle_edit": (cycle_kw("draft"), "get", expect(PARTIES, hidden=MEMBERS - PARTIES)),
    "feedback:item_add": (
        cycle_kw("draft"),
        "post",
        expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "feedback:item_remove": (
        lambda w: {**cycle_kw("draft")(w), "item_uuid": w.feedback["draft"].items.first().uuid},
        "post",
        expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "feedback:raters": (cycle_kw("draft"), "get", expect({"learner"}, hidden=MEMBERS - PARTIES)),
    "feedback:rater_remove": (
        lambda w: {**cycle_kw("draft")(w), "rater_uuid": w.feedback["draft"].raters.get().uuid},
        "post",
        expect({"learner"}, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "feedback:cycle_open": (
        cycle_kw("draft"),
        "post",
        expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "feedback:cycle_close": (
        cycle_kw("open"),
        "post",
        expect(PARTIES, ok_status=302, hidden=MEMBERS - PARTIES),
    ),
    "feedback:results": (cycle_kw("closed"), "get", expect(PARTIES, hidden=MEMBERS - PARTIES)),
    "feedback:answer": (
        lambda w: {"token": w.feedback["token"]},
        "get",
        {p: 200 for p in PERSONAS},
    ),
    "feedback:thanks": (lambda w: {}, "get", {p: 200 for p in PERSONAS}),
    # Program surveys (SPEC M8, M11): leaders run them; those a cycle asked (the world's two
    # learners) answer it and, once it closed, read its results aggregated; nobody else.
    "surveys:index": (program_kw, "get", expect(MEMBERS)),
    "surveys:questions": (program_kw, "get", expect(LEADERS)),
    "surveys:question_edit": (survey_question_kw, "get", expect(LEADERS)),
    "surveys:question_move": (survey_question_kw, "post", expect(LEADERS, ok_status=302)),
    "surveys:question_retire": (survey_question_kw, "post", expect(LEADERS, ok_status=302)),
    "surveys:cycle_new": (program_kw, "get", expect(LEADERS)),
    "surveys:cycle": (survey_kw("closed"), "get", expect(LEADERS | SURVEYED)),
    "surveys:cycle_open": (survey_kw("scheduled"), "post", expect(LEADERS, ok_status=302)),
    "surveys:cycle_close": (survey_kw("open"), "post", expect(LEADERS, ok_status=302)),
    "surveys:answer": (survey_kw("open"), "get", expect(SURVEYED)),
    "surveys:results": (survey_kw("closed"), "get", expect(LEADERS | SURVEYED)),
    "surveys:pick": (
        lambda w: {**survey_kw("closed")(w), "answer_uuid": w.surveys["comment"].pk},
        "post",
        expect(LEADERS, ok_status=302),
    ),
}

# --- Faculty load and mentoring portfolio (SPEC M8, M9) ------------------------------------


def guide_portfolio_kw(w):
    return {"slug": w.program.slug, "user_uuid": w.user("guide").uuid}


# Their own portfolio: anyone who guides, has guided or holds a guiding role (the outsider
# directs another program; the external coach coaches here); not learners or coordinators.
OWN_PORTFOLIO = {
    "anonymous": 302,
    **{p: 200 for p in PERSONAS[1:]},
    **{p: 403 for p in ("stranger", "learner", "other_learner", "coordinator", "gme_admin")},
}
ROWS.update(
    {
        "faculty:load": (program_kw, "get", expect(LEADERS)),
        "faculty:load_csv": (program_kw, "get", expect(LEADERS)),
        # A guide's portfolio as the program sees it: the guide and the program's leaders.
        "faculty:guide_portfolio": (guide_portfolio_kw, "get", expect(LEADERS | {"guide"})),
        "faculty:guide_portfolio_pdf": (guide_portfolio_kw, "get", expect(LEADERS | {"guide"})),
        "faculty:my_portfolio": (lambda w: {}, "get", dict(OWN_PORTFOLIO)),
        "faculty:my_portfolio_pdf": (lambda w: {}, "get", dict(OWN_PORTFOLIO)),
    }
)


# --- Expectations of the academic year (SPEC M10) ---------------------------------------------
# Leaders write, send and follow them; learners and guides read and acknowledge their own
# audience's document (the evaluator, faculty, as a guide). An external coach is not sent
# the program's expectations: a 403, as for the program's other member pages.


def expectations_kw(audience):
    return lambda w: {"slug": w.program.slug, "year": w.expectations["year"], "audience": audience}


ROWS.update(
    {
        "expectations:index": (program_kw, "get", expect(MEMBERS)),
        "expectations:status_csv": (program_kw, "get", expect(LEADERS)),
        "expectations:leadership": (program_kw, "get", expect(LEADERS)),
        "expectations:send": (
            lambda w: {"slug": w.program.slug, "year": w.expectations["year"]},
            "post",
            expect(LEADERS, ok_status=302),
        ),
        "expectations:document": (
            expectations_kw("guides"),
            "get",
            expect(GUIDES | LEADERS),
        ),
        "expectations:edit": (expectations_kw("guides"), "get", expect(LEADERS)),
        "expectations:acknowledge": (
            expectations_kw("guides"),
            "post",
            # A director holds a guide's role too (Role.guides), and is asked as one.
            expect(GUIDES | {"director"}, ok_status=302),
        ),
    }
)

# An external coach reaches only their own coachees: the pages that start from the viewer
# show them nothing else (their pairings, requests, goals, home), anything program-wide is a
# 403 and any object that is not their coachee's a 404 (see `expect`).
EXTERNAL_COACH_OWN_PAGES = {
    "relationships:mine",
    "relationships:requests",
    "goals:index",
    "goals:new",
    "home:home",
    "goals:ilp_index",  # the plans their coachees shared with them
    "feedback:index",  # the 360° cycles of their coaching
    "training:index",  # where they stand on the coach training the program requires
}
for _name in EXTERNAL_COACH_OWN_PAGES:
    ROWS[_name][2]["external_coach"] = 200
# Their coachee's engagement: they see it, but only leaders end it.
ROWS["coaching:engagement_end"][2]["external_coach"] = 403
# The resource library is the program's, for its members: like the index, a 403.
ROWS["resources:open"][2]["external_coach"] = 403
# --- Program evaluation and the GME office (SPEC M8) ------------------------------------
# A program's figures: its leaders, and its institution's GME office (no member, yet 200).
# The GME office page is for institution administrators only; to anyone else it does not
# exist.
INSIGHT = expect(LEADERS | {"gme_admin"})
ROWS.update(
    {
        "insight:institution": (
            lambda w: {},
            "get",
            {"anonymous": 302, **{p: 404 for p in PERSONAS[1:]}, "gme_admin": 200},
        ),
        "insight:program": (program_kw, "get", INSIGHT),
        "insight:section_csv": (lambda w: {**program_kw(w), "key": "meetings"}, "get", INSIGHT),
        "insight:figures_xlsx": (program_kw, "get", INSIGHT),
        # Who has a guide of which kind, by name: leaders only (the GME office gets counts).
        "insight:people_csv": (program_kw, "get", expect(LEADERS)),
        "insight:people_xlsx": (program_kw, "get", expect(LEADERS)),
        "insight:report_pdf": (program_kw, "get", INSIGHT),
    }
)
# --- REST API, its tokens, personal data export (SPEC M12) ---------------------------------


def api_token_kw(w):
    """A token of the program, made inside the test's savepoint (rolled back after it)."""
    from dyad.api.services import api_token_create

    new = api_token_create(
        program=w.program, name="Sync", scopes=["roster:read"], acting_user=w.user("director")
    )
    return {"slug": w.program.slug, "token_uuid": new.token.uuid}


EVERYONE = {persona: 200 for persona in PERSONAS}
# The API's endpoints take a token, never the session: signed in or not, a 401 without one
# (tests/test_api_permissions.py walks them with tokens).
API_WITHOUT_TOKEN = {persona: 401 for persona in PERSONAS}
# The API's root only names the documentation's address, as a 404 (django-ninja).
API_ROOT = {persona: 404 for persona in PERSONAS}

ROWS.update(
    {
        "api_tokens:tokens": (program_kw, "get", expect(LEADERS)),
        "api_tokens:token_revoke": (api_token_kw, "post", expect(LEADERS, ok_status=302)),
        # Only ever one's own data: the URL names nobody.
        "privacy:export": (lambda w: {}, "get", {**EVERYONE, "anonymous": 302}),
        "privacy:export_json": (lambda w: {}, "get", {**EVERYONE, "anonymous": 302}),
        # The schema and its documentation describe the API; they hold no data.
        "api:openapi-json": (lambda w: {}, "get", EVERYONE),
        "api:openapi-view": (lambda w: {}, "get", EVERYONE),
        "api:api-root": (lambda w: {}, "get", API_ROOT),
        "api:people": (program_kw, "get", API_WITHOUT_TOKEN),
        "api:relationships": (program_kw, "get", API_WITHOUT_TOKEN),
        "api:meetings": (program_kw, "get", API_WITHOUT_TOKEN),
        "api:metrics": (program_kw, "get", API_WITHOUT_TOKEN),
        "api:roster_sync": (program_kw, "post", API_WITHOUT_TOKEN),
    }
)


def everyone(status, *, anon=None):
    """One status for every persona (anonymous: `anon` if given)."""
    return {p: (anon if anon is not None and p == "anonymous" else status) for p in PERSONAS}


def oidc_kw(w):
    return {"provider_id": w.sso_apps["oidc"].provider_id}


def saml_kw(w):
    return {"organization_slug": w.sso_apps["saml"].client_id}


# Single sign-on (allauth's socialaccount; the world has one OIDC and one SAML institution,
# whose identity providers do not answer: tests/browser/test_sso.py signs in through real
# ones). These pages are the way in, so nobody is turned away from them; what matters is
# that nobody gets in without the IdP's word (401 "sign-in failed").
ROWS.update(
    {
        # A page with a button that starts the sign-in.
        "openid_connect_login": (oidc_kw, "get", everyone(200)),
        # No sign-in under way: the "sign-in failed" page.
        "openid_connect_callback": (oidc_kw, "get", everyone(401)),
        "saml_login": (saml_kw, "get", everyone(200)),
        # Hands the IdP's POST to a same-site GET (allauth's way past SameSite cookies).
        "saml_acs": (saml_kw, "post", everyone(302)),
        "saml_finish_acs": (saml_kw, "get", everyone(401)),
        # Single logout with no logout message: refused.
        "saml_sls": (saml_kw, "get", everyone(400)),
        # What the institution's IdP needs to know about Dyad: public by design.
        "saml_metadata": (saml_kw, "get", everyone(200)),
        # One's own linked institutions.
        "socialaccount_connections": (lambda w: {}, "get", everyone(200, anon=302)),
        "socialaccount_login_cancelled": (lambda w: {}, "get", everyone(200)),
        "socialaccount_login_error": (lambda w: {}, "get", everyone(401)),
        # SSO never creates an account: always back to the login page.
        "socialaccount_signup": (lambda w: {}, "get", everyone(302)),
    }
)


# Sign-in, password reset and second factor (allauth). Nothing of a program: every signed-in
# person manages their own account alike, so the table is by sign-in state only.
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def signed_in(status, *, anon=302):
    return {"anonymous": anon, **{p: status for p in SIGNED_IN}}


ROWS.update(
    {
        "account_login": (lambda w: {}, "get", signed_in(302, anon=200)),
        "account_logout": (lambda w: {}, "post", {p: 302 for p in PERSONAS}),
        "account_inactive": (lambda w: {}, "get", {p: 200 for p in PERSONAS}),
        # No public sign-up, and the invited address cannot be changed: Dyad answers 404.
        "account_signup": (lambda w: {}, "get", {p: 404 for p in PERSONAS}),
        "account_email": (lambda w: {}, "get", {p: 404 for p in PERSONAS}),
        # Nor are addresses confirmed through allauth: the invitation did it.
        "account_email_verification_sent": (lambda w: {}, "get", {p: 404 for p in PERSONAS}),
        "account_confirm_email": (
            lambda w: {"key": "not-a-key"},
            "get",
            {p: 404 for p in PERSONAS},
        ),
        # No login in progress: sent back to the login page (signed in: onwards).
        "account_confirm_login_code": (lambda w: {}, "get", signed_in(302)),
        "account_reauthenticate": (lambda w: {}, "get", signed_in(200)),
        "account_change_password": (lambda w: {}, "get", signed_in(200)),
        # Everyone of the world has a password: sent to change it.
        "account_set_password": (lambda w: {}, "get", signed_in(302)),
        "account_reset_password": (lambda w: {}, "get", {p: 200 for p in PERSONAS}),
        "account_reset_password_done": (lambda w: {}, "get", {p: 200 for p in PERSONAS}),
        # A wrong token: the page says the link no longer works.
        "account_reset_password_from_key": (
            lambda w: {"uidb36": "1", "key": "not-a-token"},
            "get",
            {p: 200 for p in PERSONAS},
        ),
        "account_reset_password_from_key_done": (
            lambda w: {},
            "get",
            {p: 200 for p in PERSONAS},
        ),
        "mfa_index": (lambda w: {}, "get", signed_in(200)),
        # No login waiting for its second step: back to the login page (signed in: onwards).
        "mfa_authenticate": (lambda w: {}, "get", signed_in(302)),
        "mfa_login_webauthn": (lambda w: {}, "get", signed_in(302)),
        # Changing a second factor asks for the password again first (a test client's
        # session never typed it): sent to re-authenticate.
        "mfa_reauthenticate": (lambda w: {}, "get", signed_in(302)),
        "mfa_reauthenticate_webauthn": (lambda w: {}, "get", signed_in(302)),
        "mfa_activate_totp": (lambda w: {}, "get", signed_in(302)),
        "mfa_generate_recovery_codes": (lambda w: {}, "get", signed_in(302)),
        "mfa_add_webauthn": (lambda w: {}, "get", signed_in(302)),
        "mfa_list_webauthn": (lambda w: {}, "get", signed_in(200)),
        # Nobody of the world has an authenticator app, recovery codes or that key.
        "mfa_deactivate_totp": (lambda w: {}, "get", signed_in(404)),
        "mfa_view_recovery_codes": (lambda w: {}, "get", signed_in(404)),
        "mfa_download_recovery_codes": (lambda w: {}, "get", signed_in(404)),
        "mfa_edit_webauthn": (lambda w: {"pk": 2**31 - 1}, "get", signed_in(302)),
        "mfa_remove_webauthn": (lambda w: {"pk": 2**31 - 1}, "get", signed_in(302)),
    }
)

# --- Pairing-fit check-ins (SPEC M8, M11) ------------------------------------------------


def checkin_kw(w):
    return {"slug": w.program.slug, "checkin_uuid": w.checkins["low"].uuid}


# The world's learner rated the pairing low: the guide (the other party), the other
# members and the external coach may not know that it exists.
CHECKIN_HIDDEN = MEMBERS - LEADERS - {"learner"}
ROWS.update(
    {
        "checkins:new": (rel_kw, "get", expect(PARTIES, hidden=NOT_RELATED)),
        "checkins:alerts": (program_kw, "get", expect(LEADERS)),
        "checkins:settings": (program_kw, "get", expect(LEADERS)),
        "checkins:detail": (
            checkin_kw,
            "get",
            expect(LEADERS | {"learner"}, hidden=CHECKIN_HIDDEN),
        ),
        "checkins:follow_up": (
            checkin_kw,
            "post",
            expect(LEADERS, ok_status=302, hidden=CHECKIN_HIDDEN),
        ),
    }
)
SECRETS_OF_CHECKINS = {"CHECKIN-COMMENT-SECRET": {"learner", "coordinator", "director"}}

# Redirects of anonymous visitors that lead somewhere else than the login page, and why.
NOT_TO_LOGIN = {
    "accounts:logout",  # logging out leads to the login page, whoever asks
    "saml_acs",  # a SAML answer goes on to the step that finishes it
}

# The same views asked for objects of another program through ours: nobody sees them.
CROSS_PROGRAM = {
    "matching:round": lambda w: {"slug": w.program.slug, "round_uuid": w.other_match_round.uuid},
    "matching:rank": lambda w: {"slug": w.program.slug, "round_uuid": w.other_match_round.uuid},
    "relationships:detail": lambda w: {
        "slug": w.program.slug,
        "rel_uuid": w.other_relationship.uuid,
    },
    "relationships:agreement_edit": lambda w: {
        "slug": w.program.slug,
        "rel_uuid": w.other_relationship.uuid,
    },
    "goals:detail": lambda w: {
        "slug": w.program.slug,
        "goal_uuid": w.goals["other_program_goal"].uuid,
    },
    "goals:ilp_detail": lambda w: {
        "slug": w.program.slug,
        "ilp_uuid": w.goals["other_program_ilp"].uuid,
    },
}


def all_url_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns == "admin":
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_a_row():
    missing = all_url_names() - set(ROWS)
    assert not missing, f"URLs without a row in the permission table: {sorted(missing)}"
    stale = set(ROWS) - all_url_names()
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


def test_every_row_covers_every_persona():
    for name, (_, _, expected) in ROWS.items():
        assert set(expected) == set(PERSONAS), name


# Redirects of anonymous visitors that do not go to the login page.
NOT_TO_LOGIN = {"accounts:logout", "saml_acs"}

CASES = [(name, persona) for name in ROWS for persona in PERSONAS]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test runs in its own savepoint, so what one POST changes the next test does not see."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _client_for(client, world, persona):
    if persona != "anonymous":
        client.force_login(world.user(persona))
    return client


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_permission_table(db, client, world, name, persona):
    from django.urls import reverse

    kwargs, method, expected = ROWS[name]
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(_client_for(client, world, persona), method)(url)
    assert response.status_code == expected[persona], (
        f"{method.upper()} {url} as {persona}: {response.status_code}, expected {expected[persona]}"
    )
    if persona == "anonymous" and expected[persona] == 302 and name not in NOT_TO_LOGIN:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted(CROSS_PROGRAM))
@pytest.mark.parametrize("persona", ["director", "coordinator", "outsider"])
def test_objects_of_another_program_are_not_found_through_ours(db, client, world, name, persona):
    from django.urls import reverse

    url = reverse(name, kwargs=CROSS_PROGRAM[name](world))
    assert _client_for(client, world, persona).get(url).status_code == 404


# Text that the world wrote in confidential places, and who alone may ever read it. The
# world's learner shared nothing with leadership, so only the parties read the record.
SECRETS = {
    "PRIVATE-NOTE-OF-LEARNER": {"learner"},
    "PRIVATE-NOTE-OF-GUIDE": {"guide"},
    "PREPARATION-SECRET": PARTIES,
    "ATTACHMENT-SECRET": PARTIES,  # the file's name
    "ATTACHMENT-CONTENT-SECRET": PARTIES,
    "RESOURCE-FOR-LEARNERS": {"learner", "other_learner"} | LEADERS,
    "RESOURCE-FOR-GUIDES": GUIDES | LEADERS,
    "SUMMARY-SECRET": PARTIES,
    "ACTION-SECRET": PARTIES,
    "Find a research project in neonatology": PARTIES,  # the agreement's goals
    "We never find time.": {"learner", "coordinator", "director"},  # the rematch reason
    "Seemed exhausted and withdrawn": {"guide", "director"},  # the concern; director = contact
    "RELATIONSHIP-GOAL-SECRET": PARTIES,
    "PERSONAL-GOAL-SECRET": {"learner"},
    "ACHIEVEMENT-SECRET": PARTIES,
    "PORTFOLIO-SUCCESS-SECRET": PARTIES,  # in the guide's portfolio, never to leaders
    "ILP-SECRET": PARTIES,
    "ILP-GOAL-SECRET": PARTIES,
    "ILP-REVIEW-SECRET": PARTIES,
    # That the world's referred resident is in coaching, with whom: leaders and the coach.
    "Erin Outside-Coach": LEADERS | {"external_coach"},
    "VALUES-REFLECTION-SECRET": {"external_coach"},  # shared by the coachee with the coach
    "FEEDBACK-COMMENT-SECRET": PARTIES,  # a 360° comment: coachee and coach only
    "Chief year 360°": PARTIES,  # that a 360° exists, by its name: not even to leaders
}
SECRETS.update(SECRETS_OF_CHECKINS)
GET_CASES = [
    (name, persona)
    for name, (_, method, expected) in ROWS.items()
    if method == "get"
    for persona in PERSONAS
    if expected[persona] == 200
]


def _text_of(response) -> str:
    """A page's text; a PDF's text as extracted from it (the ILP export)."""
    if response.get("Content-Type") == "application/pdf":
        from io import BytesIO

        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        # A spreadsheet export (program insight): the text of every cell of every sheet.
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


@pytest.mark.parametrize(("name", "persona"), GET_CASES, ids=[f"{n}-{p}" for n, p in GET_CASES])
def test_no_page_shows_a_secret_to_someone_it_is_not_for(db, client, world, name, persona):
    from django.urls import reverse

    kwargs, _, _ = ROWS[name]
    response = _client_for(client, world, persona).get(reverse(name, kwargs=kwargs(world)))
    text = _text_of(response)
    for secret, readers in SECRETS.items():
        if persona not in readers:
            assert secret not in text, f"{name} shows {secret!r} to {persona}"


# Why a pairing ended stays with leadership and the party who asked for the rematch; the
# other party (here the guide) reads only that it ended, on every page and in every e-mail.
END_REASON = "No-fault rematch"
END_REASON_READERS = {"learner", "coordinator", "director"}
END_REASON_PAGES = ["relationships:detail", "relationships:mine", "home:home"]
END_CASES = [
    (name, persona)
    for name in END_REASON_PAGES
    for persona in PERSONAS
    if ROWS[name][2][persona] == 200
]


@pytest.fixture
def ended_as_rematch(db, world, mailoutbox, django_capture_on_commit_callbacks):
    """The world's relationship ended by the director from the learner's rematch request
    (undone after each test with its savepoint)."""
    from dyad.relationships import services

    with django_capture_on_commit_callbacks(execute=True):
        services.rematch_request_reassign(
            request=world.relationship.rematch_requests.get(),
            acting_user=world.user("director"),
        )
    return world


@pytest.mark.parametrize(("name", "persona"), END_CASES, ids=[f"{n}-{p}" for n, p in END_CASES])
def test_why_a_pairing_ended_is_shown_only_to_whom_it_is_for(
    db, client, ended_as_rematch, name, persona
):
    from django.urls import reverse

    world = ended_as_rematch
    kwargs, _, _ = ROWS[name]
    response = _client_for(client, world, persona).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    shown = END_REASON in response.content.decode()
    if persona not in END_REASON_READERS:
        assert not shown, f"{name} tells {persona} why the pairing ended"
    elif name == "relationships:detail":
        assert shown, f"{name} does not tell {persona} why the pairing ended"


def test_the_ending_e_mails_do_not_say_why(db, ended_as_rematch, mailoutbox):
    world = ended_as_rematch
    sent = {m.to[0]: m for m in mailoutbox}
    for persona in PARTIES:
        mail = sent[world.user(persona).email]
        assert "ended" in mail.subject
        assert END_REASON.lower() not in (mail.subject + mail.body).lower()
        assert "rematch" not in (mail.subject + mail.body).lower()


def _kept_url_names() -> dict[str, str]:
    """The URLs whose pages are kept for their viewer (dyad.changes.pages.keep), and
    where each looks its copy up: in its access check, or in the view."""
    kept = {}

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    walk(p.url_patterns, p.namespace or namespace)
            elif p.name and getattr(p.callback, "kept", None):
                kept[f"{namespace}:{p.name}" if namespace else p.name] = p.callback.kept

    walk(get_resolver().url_patterns, None)
    return kept


KEPT = _kept_url_names()
KEPT_CASES = [(name, persona) for name in sorted(KEPT) for persona in PERSONAS]
WRITES = ("INSERT", "UPDATE", "DELETE")


def test_pages_are_kept():
    assert {"home:home", "meetings:compliance", "matching:run_preview"} <= set(KEPT)
    # Reading these as a leader records what the consent shared: their copies record it
    # again each time they are served.
    assert {"relationships:detail", "meetings:detail", "goals:detail", "goals:learner"} <= set(KEPT)


def _writes(queries) -> list[str]:
    """What the queries write, as "INSERT audit_auditentry" (the session aside)."""
    written = []
    for query in queries.captured_queries:
        words = query["sql"].replace('"', "").split()
        if words[0].upper() in WRITES and "django_session" not in query["sql"]:
            written.append(f"{words[0]} {words[1] if words[0] == 'UPDATE' else words[2]}")
    return written


def _last_audit_entry() -> int:
    from dyad.audit.models import AuditEntry

    return AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def _audit_entries(after: int, upto: int | None = None) -> list[tuple]:
    """The entries written after entry `after` (up to entry `upto`), without their time."""
    from dyad.audit.models import AuditEntry

    entries = AuditEntry.objects.filter(pk__gt=after).order_by("pk")
    if upto is not None:
        entries = entries.filter(pk__lte=upto)
    return list(
        entries.values_list("program_id", "actor_id", "action", "target_type", "target_id", "data")
    )


@pytest.mark.parametrize(("name", "persona"), KEPT_CASES, ids=[f"{n}-{p}" for n, p in KEPT_CASES])
def test_a_kept_page_answers_the_same_again_from_its_copy_and_records_the_same(
    db, client, world, name, persona
):
    """The table holds for a page served from its copy, and the copy's request writes
    what the computed page's did (a reading recorded is recorded every time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    kwargs, _, expected = ROWS[name]
    url = reverse(name, kwargs=kwargs(world))
    client = _client_for(client, world, persona)
    before = _last_audit_entry()
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    between = _last_audit_entry()
    with CaptureQueriesContext(connection) as again_queries:
        again = client.get(url)
    assert first.status_code == again.status_code == expected[persona]
    if expected[persona] != 200:
        return
    # A copy renders no template.
    assert first.templates and not again.templates, f"GET {url} as {persona}: no copy served"
    # A kept page writes nothing but what it records in the audit log, and its copy
    # records the same entries again.
    assert set(_writes(first_queries)) <= {"INSERT audit_auditentry"}, f"GET {url} writes"
    assert _writes(again_queries) == _writes(first_queries)
    assert _audit_entries(between) == _audit_entries(before, upto=between)
    for secret, readers in SECRETS.items():
        if persona not in readers:
            assert secret not in again.content.decode(), f"{name} shows {secret!r}"
