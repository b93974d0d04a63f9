"""Versions read from the change log: each changes whenever a watched row of what it
covers is written, and is one small query (an index-only count).

A version is the number of log rows and the newest of them. A write that commits after a
later one has a lower id, but it adds a row, so the count tells it; compaction
(`compact`) replaces the old rows with newer ones, so a version never comes back.
"""

from django.db import connection, transaction
from django.db.models import Max, QuerySet

from dyad.changes.models import Change, Source

# What belongs to no one program but what the figures of every program read: a guide's
# offers and FTE, and the places their pairings in any program take.
SHARED = (Source.RELATIONSHIP, Source.OFFER, Source.PROFILE)


def _in(column: str, values, params: list) -> str:
    """`column IN (...)` of plain values, or of a query as a subquery."""
    if isinstance(values, QuerySet):
        sql, query_params = values.query.sql_with_params()
        params.extend(query_params)
        return f"{column} IN ({sql})"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _count(tag: str) -> str:
    return f"SELECT '{tag}', COUNT(id), MAX(id) FROM {Change._meta.db_table}"


def version(program_ids, *, sources=None, shared=(), unowned=False, excluding=()) -> tuple:
    """The version of what is watched in these programs (of `sources` only, if given),
    of every change from the `shared` sources in any program, and, if `unowned`, of what
    belongs to no program, in one query; changes of the sources `excluding` left out.

    Written as SQL: it runs on every kept page, where building it with the ORM took
    longer than running it."""
    # A query of the programs' ids is a subquery of this one, not a query of its own.
    ids = program_ids if isinstance(program_ids, QuerySet) else sorted(set(program_ids))
    left_out = sorted(excluding)
    parts, params = [], []

    def part(tag: str, *conditions: str) -> None:
        where = " AND ".join(conditions)
        if left_out:
            where += " AND NOT " + _in("source", left_out, params)
        parts.append(f"{_count(tag)} WHERE {where}")

    if (isinstance(ids, QuerySet) or ids) and sources != ():
        mine = [_in("program_id", ids, params)]
        if sources is not None:
            mine.append(_in("source", sorted(sources), params))
        part("programs", *mine)
    if shared:
        parts.append(f"{_count('shared')} WHERE {_in('source', sorted(shared), params)}")
    if unowned:
        part("unowned", "program_id IS NULL")
    if not parts:
        raise ValueError("A version of nothing: give programs or shared sources.")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return tuple(sorted(cursor.fetchall()))


def program_version(program_ids) -> tuple:
    """The version of everything watched in these programs."""
    return version(program_ids)


def shared_version(program_ids) -> tuple:
    """program_version, and every change of the shared sources (SHARED) in any program."""
    return version(program_ids, shared=SHARED)


@transaction.atomic
def compact() -> tuple[int, int]:
    """Replace the log with one new row for each program and source it holds; returns
    how many rows were removed and how many written. Safe to run at any time and to
    rerun: the log is locked against writes while it is rewritten (SQLite locks the whole
    database for any write), so no write in flight is lost.

    On PostgreSQL the log is emptied with TRUNCATE, which leaves no dead rows behind: a
    log left at its day's size by deletes would make the planner read it as large (and
    start parallel workers for a count of a few hundred rows). The new rows take their
    ids from the same sequence, so each is newer than any before and no version comes
    back."""
    table = Change._meta.db_table
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    newest = Change.objects.aggregate(last=Max("pk"))["last"]
    if newest is None:
        return 0, 0
    pairs = list(
        Change.objects.filter(pk__lte=newest)
        .order_by()
        .values_list("program_id", "source")
        .distinct()
    )
    if postgresql:
        removed = Change.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
        Change.objects.bulk_create(Change(program_id=p, source=s) for p, s in pairs)
    else:
        Change.objects.bulk_create(Change(program_id=p, source=s) for p, s in pairs)
        removed, _ = Change.objects.filter(pk__lte=newest).delete()
    return removed, len(pairs)
