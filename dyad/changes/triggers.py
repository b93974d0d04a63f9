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


def _through(table: str, column: str) -> str:
    return f"(SELECT program_id FROM {table} WHERE id = ROW.{column})"


WATCHED = (
    Watched(
        "meetings_meeting", "meeting", _through("relationships_relationship", "relationship_id")
    ),
    Watched(
        "relationships_agreement",
        "agreement",
        _through("relationships_relationship", "relationship_id"),
    ),
    Watched("relationships_relationship", "relationship", "ROW.program_id"),
    Watched("programs_membership", "membership", "ROW.program_id"),
    Watched("goals_goal", "goal", "ROW.program_id"),
    Watched("goals_ilp", "ilp", "ROW.program_id"),
    Watched(
        "checkins_checkin", "checkin", _through("relationships_relationship", "relationship_id")
    ),
    Watched("surveys_cycle", "cycle", "ROW.program_id"),
    Watched("surveys_response", "response", _through("surveys_cycle", "cycle_id")),
    Watched("profiles_guideoffer", "offer", "NULL"),
    Watched("profiles_guideprofile", "profile", "NULL"),
    Watched("profiles_guideprofile_content_areas", "guide_area", "NULL"),
    Watched("profiles_learnerprofile", "learner", "NULL"),
    Watched("profiles_learnerprofile_content_areas_sought", "sought", "NULL"),
    Watched("profiles_contentarea", "area", "ROW.program_id"),
    Watched("relationships_donotrepair", "do_not_repair", "ROW.program_id"),
    Watched(
        "matching_matchround_guides",
        "round_guide",
        _through("matching_matchround", "matchround_id"),
    ),
    # People's names and addresses, as pages that cache lists of people show them (a
    # sign-in, which sets only last_login, is not a change).
    Watched("accounts_user", "person", "NULL", ("email", "first_name", "last_name")),
)


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


def statements(vendor: str, *, create: bool) -> list[str]:
    """Every statement that creates (or drops) the triggers on this database vendor."""
    if vendor == "postgresql":
        make = postgresql_create if create else postgresql_drop
    elif vendor == "sqlite":
        make = sqlite_create if create else sqlite_drop
    else:
        raise NotImplementedError(
            f"Dyad keeps its change log on PostgreSQL or SQLite, not {vendor}."
        )
    return [sql for watched in WATCHED for sql in make(watched)]
