"""The triggers that keep the log of dyad.changes.models.Change, for PostgreSQL and SQLite.

Each watched table names the source of its rows and how a row finds its program: a
column of its own, or a column of the row it belongs to. An insert or a delete logs the
row's program; an update logs the new program, and the old one too when it differs.
"""

from typing import NamedTuple

LOG = "changes_change"


class Watched(NamedTuple):
    table: str
    source: str
    program: str  # SQL giving the program of the row named ROW
    columns: tuple[str, ...] = ()  # an update logs only when it sets one of these, if given


def _up(column: str, *hops: tuple[str, str]) -> str:
    """SQL giving the program of ROW through its column `column`, then each hop (a
    table and the column of its row that leads on), the last hop's column being the
    program. A row whose parents are gone gives null, which every version counts."""
    expression = f"ROW.{column}"
    for table, leads_to in hops:
        expression = f"(SELECT {leads_to} FROM {table} WHERE id = {expression})"
    return expression


def _through(table: str, column: str) -> str:
    return _up(column, (table, "program_id"))


RELATIONSHIP = ("relationships_relationship", "program_id")
MEETING = ("meetings_meeting", "relationship_id")
ROUND = ("matching_matchround", "program_id")


def _of_relationship(column: str = "relationship_id") -> str:
    return _up(column, RELATIONSHIP)


def _of_meeting(column: str = "meeting_id") -> str:
    return _up(column, MEETING, RELATIONSHIP)


def _of_round(column: str = "round_id") -> str:
    return _up(column, ROUND)


# What migration 0002 made triggers for: it keeps making those, and 0003 the rest.
FIRST = (
    Watched("meetings_meeting", "meeting", _of_relationship()),
    Watched("relationships_agreement", "agreement", _of_relationship()),
    Watched("relationships_relationship", "relationship", "ROW.program_id"),
    Watched("programs_membership", "membership", "ROW.program_id"),
    Watched("goals_goal", "goal", "ROW.program_id"),
    Watched("goals_ilp", "ilp", "ROW.program_id"),
    Watched("checkins_checkin", "checkin", _of_relationship()),
    Watched("surveys_cycle", "cycle", "ROW.program_id"),
    Watched("surveys_response", "response", _through("surveys_cycle", "cycle_id")),
    Watched("profiles_guideoffer", "offer", "NULL"),
    Watched("profiles_guideprofile", "profile", "NULL"),
    Watched("profiles_guideprofile_content_areas", "guide_area", "NULL"),
    Watched("profiles_learnerprofile", "learner", "NULL"),
    Watched("profiles_learnerprofile_content_areas_sought", "sought", "NULL"),
    Watched("profiles_contentarea", "area", "ROW.program_id"),
    Watched("relationships_donotrepair", "do_not_repair", "ROW.program_id"),
    Watched("matching_matchround_guides", "round_guide", _of_round("matchround_id")),
    # People's names and addresses, as pages that cache lists of people show them (a
    # sign-in, which sets only last_login, is not a change).
    Watched("accounts_user", "person", "NULL", ("email", "first_name", "last_name")),
)

# Every other table of Dyad's own, so that a version of a program covers whatever its
# pages show (dyad.changes.pages). The source is the table's name.
_REST = (
    ("programs_program", "ROW.id"),
    ("programs_rosterimport", "ROW.program_id"),
    ("programs_invitation", "ROW.program_id"),
    ("programs_institutionadmin", "NULL"),
    ("accounts_submissionkey", "NULL"),
    ("relationships_evaluativerole", "ROW.program_id"),
    ("relationships_relationshipevent", _of_relationship()),
    ("relationships_guiderequest", "ROW.program_id"),
    ("relationships_rematchrequest", _of_relationship()),
    ("relationships_safetycontact", "ROW.program_id"),
    ("relationships_safetyconcern", "ROW.program_id"),
    ("meetings_preparation", _of_meeting()),
    ("meetings_attachment", _of_meeting()),
    ("meetings_summary", _of_meeting()),
    (
        "meetings_summary_topics",
        _up("summary_id", ("meetings_summary", "meeting_id"), MEETING, RELATIONSHIP),
    ),
    ("meetings_actionitem", _of_meeting()),
    ("meetings_privatenote", _of_meeting()),
    ("meetings_cadencepolicy", "ROW.program_id"),
    ("meetings_calendarfeed", "NULL"),
    ("reminders_reminderlog", "ROW.program_id"),
    ("reminders_reminderpreference", "NULL"),
    ("questions_question", "ROW.program_id"),
    ("questions_askedquestion", _of_relationship()),
    ("matching_matchround", "ROW.program_id"),
    ("matching_matchround_learners", _of_round("matchround_id")),
    ("matching_learnerrank", _of_round()),
    ("matching_guidemark", _of_round()),
    ("matching_pairrule", _of_round()),
    ("matching_matchrun", _of_round()),
    ("matching_runpair", _up("run_id", ("matching_matchrun", "round_id"), ROUND)),
    ("matching_rununmatched", _up("run_id", ("matching_matchrun", "round_id"), ROUND)),
    ("goals_goal_shared_with", _through("goals_goal", "goal_id")),
    ("goals_goal_meetings", _through("goals_goal", "goal_id")),
    ("goals_step", _through("goals_goal", "goal_id")),
    ("goals_checkin", _through("goals_goal", "goal_id")),
    ("goals_achievement", "ROW.program_id"),
    ("goals_ilp_shared_with", _through("goals_ilp", "ilp_id")),
    ("goals_ilpreview", _through("goals_ilp", "ilp_id")),
    ("home_nudge", _of_relationship()),
    ("rollover_rollover", "ROW.program_id"),
    ("resources_resource", "ROW.program_id"),
    ("training_trainingmodule", "ROW.program_id"),
    ("training_trainingcompletion", _through("training_trainingmodule", "module_id")),
    ("expectations_expectationsdocument", "ROW.program_id"),
    ("expectations_expectationsrequest", "ROW.program_id"),
    ("expectations_leadershipagreement", "ROW.program_id"),
    ("coaching_coachingsettings", "ROW.program_id"),
    ("coaching_engagement", "ROW.program_id"),
    ("coaching_referral", _through("coaching_engagement", "engagement_id")),
    ("coaching_valuesexercise", "ROW.program_id"),
    ("coaching_valuesshare", _through("coaching_valuesexercise", "exercise_id")),
    ("feedback_cycle", _of_relationship()),
    ("feedback_item", _up("cycle_id", ("feedback_cycle", "relationship_id"), RELATIONSHIP)),
    ("feedback_rater", _up("cycle_id", ("feedback_cycle", "relationship_id"), RELATIONSHIP)),
    ("feedback_response", _up("cycle_id", ("feedback_cycle", "relationship_id"), RELATIONSHIP)),
    (
        "feedback_answer",
        _up(
            "response_id",
            ("feedback_response", "cycle_id"),
            ("feedback_cycle", "relationship_id"),
            RELATIONSHIP,
        ),
    ),
    ("surveys_question", "ROW.program_id"),
    ("surveys_cyclequestion", _through("surveys_cycle", "cycle_id")),
    ("surveys_invitation", _through("surveys_cycle", "cycle_id")),
    (
        "surveys_answer",
        _up("response_id", ("surveys_response", "cycle_id"), ("surveys_cycle", "program_id")),
    ),
    ("checkins_checkinreminder", _of_relationship()),
)

# What migration 0003 made triggers for.
EVERY_TABLE = (
    *(watched for watched in FIRST if watched.table != "accounts_user"),
    # A person's name and address, and whether they may sign in or administer.
    Watched(
        "accounts_user",
        "person",
        "NULL",
        ("email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"),
    ),
    *(Watched(table, table, program) for table, program in _REST),
    # A token's last use is not a change of what pages show.
    Watched(
        "api_apitoken",
        "api_apitoken",
        "ROW.program_id",
        ("program_id", "name", "prefix", "digest", "scopes", "revoked_at", "revoked_by_id"),
    ),
)

# The audit log is written by reads too (what a consent shares, an export): kept pages
# other than the log's own leave its source out of their version (dyad.changes.pages).
# Migration 0004.
AUDIT = Watched("audit_auditentry", "audit", "ROW.program_id")

WATCHED = (*EVERY_TABLE, AUDIT)

# Dyad's tables that are not watched, and why.
UNWATCHED = {
    "changes_change": "the log itself",
    # Django's groups and permissions, which Dyad does not use (its policy is dyad.policy).
    "accounts_user_groups": "not used",
    "accounts_user_user_permissions": "not used",
}


def _program(watched: Watched, row: str) -> str:
    return watched.program.replace("ROW.", f"{row}.")


def _of(watched: Watched) -> str:
    return f" OF {', '.join(watched.columns)}" if watched.columns else ""


def _insert(watched: Watched, row: str) -> str:
    program = _program(watched, row)
    return f"INSERT INTO {LOG} (program_id, source) VALUES ({program}, '{watched.source}');"


def postgresql_create(watched: Watched) -> list[str]:
    old, new = _program(watched, "OLD"), _program(watched, "NEW")
    name = f"{LOG}_{watched.source}"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND {old} IS DISTINCT FROM {new}) THEN
        {_insert(watched, "OLD")}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {_insert(watched, "NEW")}
    END IF;
    RETURN NULL;
END
$$""",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE{_of(watched)} OR DELETE "
        f"ON {watched.table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def postgresql_drop(watched: Watched) -> list[str]:
    name = f"{LOG}_{watched.source}"
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {watched.table}",
        f"DROP FUNCTION IF EXISTS {name}()",
    ]


def sqlite_create(watched: Watched) -> list[str]:
    old, new = _program(watched, "OLD"), _program(watched, "NEW")
    name = f"{LOG}_{watched.source}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {watched.table} "
        f"BEGIN {_insert(watched, 'NEW')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE{_of(watched)} ON {watched.table} BEGIN "
        f"INSERT INTO {LOG} (program_id, source) SELECT {old}, '{watched.source}' "
        f"WHERE {old} IS NOT {new}; {_insert(watched, 'NEW')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {watched.table} "
        f"BEGIN {_insert(watched, 'OLD')} END",
    ]


def sqlite_drop(watched: Watched) -> list[str]:
    name = f"{LOG}_{watched.source}"
    return [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in ("insert", "update", "delete")]


def statements(vendor: str, *, create: bool, watched=WATCHED) -> list[str]:
    """Every statement that creates (or drops) the triggers on this database vendor."""
    if vendor == "postgresql":
        make = postgresql_create if create else postgresql_drop
    elif vendor == "sqlite":
        make = sqlite_create if create else sqlite_drop
    else:
        raise NotImplementedError(
            f"Dyad keeps its change log on PostgreSQL or SQLite, not {vendor}."
        )
    return [sql for one in watched for sql in make(one)]
