"""The web pages at institution scale, served as in production (issue 9).

    .venv/bin/python bench/web.py             # build dyad_bench, then measure (about 10 min)
    .venv/bin/python bench/web.py --reuse     # measure the database built last time
    .venv/bin/python bench/web.py --quick     # a small institution, fewer requests

Builds the institution of `seed_demo --size large` in the PostgreSQL database `dyad_bench`
(`dyad_bench_quick` with --quick; DATABASE_URL overrides it), starts gunicorn on a free
local port with production settings (DEBUG off, persistent database connections, static
files collected and served by WhiteNoise), logs in through the login form as each persona
of the match-round program, and for every page of PAGES fetches it N times, each time
followed by the login page (the trivial page the issue compared with), and prints p50 and
p95 and the ratio of the page's p50 to the login page's p50 over the same requests.
Queries are counted in this process (Django's test client on the same database), since the
server is another process. Then a mixed load: concurrent clients, each with its own
session, over a weighted mix of pages for a fixed time. Exits non-zero if any request
failed. Not a test: nothing is timed in the test suite; figures go to bench/README.md.

A new page is one line in PAGES: its name, URL name, persona, the context values its URL
takes, and its weight in the mixed load.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/dyad_bench"
# (programs, residents, faculty) of the institution; the full size is `--size large`.
FULL = (40, 2000, 3000)
QUICK = (6, 300, 450)
PASSWORD = "dyad-demo-2026"
PERSONAS = ("learner", "guide", "coordinator", "director")
# Logged in for their pages but left out of the mixed load's rotation: the institution's
# GME office (programs.InstitutionAdmin), no member of the program.
OTHER_PERSONAS = ("gme",)
GME_EMAIL = "gme.office.bench@dyad.example"


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    persona: str
    args: tuple[str, ...] = ()  # names of context values (see `context`), in URL order
    mix: float = 0  # weight in the mixed load; 0 leaves the page out of it


# Every main GET page of the URLconf, as the persona who uses it. Pages added later: one line.
PAGES = [
    Page("login (trivial)", "accounts:login", "anonymous", mix=2),
    Page("reminder settings", "reminders:preferences", "learner", mix=1),
    Page("home", "home:home", "learner", ("slug",), mix=10),
    Page("home", "home:home", "guide", ("slug",), mix=10),
    Page("home", "home:home", "coordinator", ("slug",), mix=4),
    Page("home", "home:home", "director", ("slug",), mix=4),
    Page("directory", "profiles:directory", "learner", ("slug",), mix=3),
    Page("guide profile", "profiles:guide_detail", "learner", ("slug", "guide_profile"), mix=2),
    Page("my learner profile", "profiles:edit_learner", "learner", mix=1),
    Page("my guide profile", "profiles:edit_guide", "guide", mix=1),
    Page("my guides", "relationships:mine", "learner", ("slug",), mix=4),
    Page("my guides", "relationships:mine", "guide", ("slug",), mix=4),
    Page("relationship", "relationships:detail", "learner", ("slug", "learner_rel"), mix=6),
    Page("relationship", "relationships:detail", "guide", ("slug", "guide_rel"), mix=6),
    Page("relationship", "relationships:detail", "director", ("slug", "learner_rel"), mix=1),
    Page("relationships list", "relationships:overview", "coordinator", ("slug",), mix=3),
    Page("relationships list", "relationships:overview", "director", ("slug",), mix=2),
    Page("agreement", "relationships:agreement_edit", "learner", ("slug", "learner_rel")),
    Page("assign a guide", "relationships:assign", "coordinator", ("slug",), mix=1),
    Page("requests", "relationships:requests", "learner", ("slug",), mix=1),
    Page("rematch requests", "relationships:rematch_requests", "coordinator", ("slug",)),
    Page("evaluative roles", "relationships:evaluative_roles", "coordinator", ("slug",)),
    Page("peer pairing", "relationships:peer_pairing", "coordinator", ("slug",)),
    Page("concerns", "relationships:concerns", "director", ("slug",)),
    Page("safety contacts", "relationships:safety_contacts", "director", ("slug",)),
    Page("audit log", "relationships:audit", "director", ("slug",), mix=1),
    Page("meeting", "meetings:detail", "learner", ("slug", "learner_meeting"), mix=6),
    Page("meeting", "meetings:detail", "guide", ("slug", "guide_meeting"), mix=6),
    Page("schedule a meeting", "meetings:schedule", "learner", ("slug", "learner_rel"), mix=2),
    Page("log a meeting", "meetings:log", "guide", ("slug", "guide_rel"), mix=1),
    Page("compliance", "meetings:compliance", "coordinator", ("slug",), mix=3),
    Page("compliance", "meetings:compliance", "director", ("slug",), mix=2),
    Page("cadence rules", "meetings:cadence", "coordinator", ("slug",)),
    Page("calendar settings", "calendar:settings", "learner", mix=1),
    Page("calendar feed", "calendar:feed", "anonymous", ("feed_token",), mix=3),
    Page("roster (people)", "programs:people", "coordinator", ("slug",), mix=3),
    Page("roster import", "programs:roster_upload", "coordinator", ("slug",)),
    Page("content areas", "profiles:content_areas", "coordinator", ("slug",)),
    Page("questions", "questions:bank", "coordinator", ("slug",), mix=1),
    Page("match rounds", "matching:rounds", "coordinator", ("slug",), mix=2),
    Page("match round", "matching:round", "coordinator", ("slug", "round"), mix=2),
    Page("match round", "matching:round", "director", ("slug", "round"), mix=1),
    Page("run preview", "matching:run_preview", "director", ("slug", "round", "run"), mix=1),
    Page("publish (confirm)", "matching:run_publish", "director", ("slug", "round", "run")),
    Page("my rankings", "matching:my_rounds", "learner", ("slug",), mix=2),
    Page("rank page", "matching:rank", "learner", ("slug", "round"), mix=3),
    Page("marks page", "matching:marks", "guide", ("slug", "round"), mix=3),
    Page("goals", "goals:index", "learner", ("slug",), mix=4),
    Page("goals", "goals:index", "guide", ("slug",), mix=3),
    Page("goal", "goals:detail", "learner", ("slug", "goal"), mix=3),
    Page("edit goal", "goals:edit", "learner", ("slug", "goal")),
    Page("new goal", "goals:new", "learner", ("slug",), mix=1),
    Page("portfolio", "goals:portfolio", "learner", ("slug", "learner_uuid"), mix=1),
    Page("learner's goals", "goals:learner", "coordinator", ("slug", "learner_uuid"), mix=1),
    # Pages added since the figures above were first taken.
    Page("insight", "insight:program", "coordinator", ("slug",), mix=1),
    Page("insight", "insight:program", "director", ("slug",), mix=1),
    Page("insight (GME office)", "insight:institution", "gme"),
    Page("surveys", "surveys:index", "learner", ("slug",), mix=1),
    Page("surveys", "surveys:index", "coordinator", ("slug",), mix=1),
    Page("survey results", "surveys:results", "coordinator", ("slug", "closed_survey")),
    Page("check-in alerts", "checkins:alerts", "coordinator", ("slug",), mix=1),
    Page("expectations", "expectations:index", "coordinator", ("slug",)),
    Page(
        "expectations document",
        "expectations:document",
        "learner",
        ("slug", "expectations_year", "learners_audience"),
    ),
    Page("faculty load", "faculty:load", "coordinator", ("slug",), mix=1),
    Page("mentoring portfolio", "faculty:my_portfolio", "guide"),
    Page("rollover preview", "rollover:index", "director", ("slug",)),
    Page("training", "training:index", "guide", ("slug",), mix=1),
    Page("training", "training:index", "coordinator", ("slug",)),
    Page("resources", "resources:index", "learner", ("slug",), mix=1),
    Page("coaching", "coaching:overview", "coordinator", ("slug",)),
    Page("my coaching", "coaching:mine", "learner", ("slug",)),
    Page("ILPs", "goals:ilp_index", "learner", ("slug",), mix=1),
    Page("ILP completion", "goals:ilp_completion", "coordinator", ("slug",)),
    Page("feedback", "feedback:index", "learner", ("slug",)),
]
TRIVIAL = PAGES[0]
MINIMAL_AUTHENTICATED = PAGES[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the database if built")
    parser.add_argument("--quick", action="store_true", help="a small institution, fewer runs")
    parser.add_argument("--requests", type=int, help="fetches of each page (default 20; 5)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 per CPU)")
    parser.add_argument("--clients", type=int, default=8, help="mixed load: concurrent clients")
    parser.add_argument("--duration", type=float, help="mixed load: seconds (default 30; 10)")
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    n = args.requests or (5 if args.quick else 20)
    duration = args.duration or (10.0 if args.quick else 30.0)
    workers = args.workers or 2 * (os.cpu_count() or 1)
    database = os.environ.get("DATABASE_URL") or (
        DEFAULT_DATABASE + ("_quick" if args.quick else "")
    )
    env = production_env(database)
    os.environ.update(env)

    built = prepare_database(database, reuse=args.reuse, size=QUICK if args.quick else FULL)
    import django

    django.setup()
    print_environment(database, workers, built)
    collect_static()
    ctx, users = context()
    port = free_port()
    server = start_gunicorn(env, port, workers)
    try:
        base = f"127.0.0.1:{port}"
        wait_until_up(base)
        sessions = {"anonymous": Session(base)}
        for persona in PERSONAS + OTHER_PERSONAS:
            sessions[persona] = Session(base)
            sessions[persona].login(users[persona].email)
        pages = [p for p in PAGES if not args.only or args.only in p.name]
        opened = sessions_opened()
        errors, requests = measure_pages(pages, ctx, users, sessions, n)
        errors_mixed, requests_mixed = mixed_load(base, ctx, users, args.clients, duration)
        errors += errors_mixed
        print(
            f"\nPostgreSQL sessions opened while the server answered "
            f"{requests + requests_mixed:,} requests: {sessions_opened() - opened:,} "
            f"({workers} workers)"
        )
        print_unmeasured()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if errors:
        print(f"\n{errors} request(s) failed", file=sys.stderr)
        return 1
    return 0


# --- Setting up ----------------------------------------------------------------------


def production_env(database: str) -> dict[str, str]:
    """The settings gunicorn and this process run with: production, over plain HTTP."""
    return {
        "DJANGO_SETTINGS_MODULE": "dyad.settings",
        "DATABASE_URL": database,
        "DYAD_DEBUG": "0",
        "DYAD_SECRET_KEY": "bench-only-secret-key-not-for-any-real-site-0123456789abcdef",
        "DYAD_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DYAD_SITE_URL": "http://127.0.0.1",
        "DYAD_HTTPS": "0",  # no proxy terminates TLS here
        "DYAD_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DYAD_LOGIN_FAILURE_LIMIT": "1000",
        **shared_cache(),
    }


def shared_cache() -> dict[str, str]:
    """Redis as the cache every worker shares (and the sessions' cache), as the README
    advises for production, when a server answers on the usual port; else each worker's
    memory, said in the printed environment."""
    url = os.environ.get("DYAD_CACHE_URL", "redis://127.0.0.1:6379/5")
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        return {}
    return {"DYAD_CACHE_URL": url}


def prepare_database(database: str, *, reuse: bool, size: tuple[int, int, int]) -> str:
    """Create, migrate and fill the database unless --reuse finds it filled; returns what
    was done, with the time taken."""
    import psycopg

    parts = urlsplit(database)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        reusing = bool(exists and reuse and has_programs(database))
        if exists and not reusing:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not reusing:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    # A reused database gets the migrations added since it was built.
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT)
    migrated = time.perf_counter() - started
    if reusing:
        analyze(database)
        return f"reused the database {name} (migrated in {migrated:.1f} s)"
    programs, residents, faculty = size
    seed = [
        *manage,
        "seed_demo",
        *("--programs", str(programs), "--residents", str(residents)),
        *("--faculty", str(faculty)),
        "--every-app",
    ]
    started = time.perf_counter()
    out = subprocess.run(seed, check=True, cwd=ROOT, capture_output=True, text=True).stdout
    seeded = time.perf_counter() - started
    created = out.strip().splitlines()[0]
    # The change log as the nightly compact_changes leaves it (README), not with a row for
    # every row the seeding wrote.
    compact = [*manage, "compact_changes"]
    compacted = subprocess.run(compact, check=True, cwd=ROOT, capture_output=True, text=True)
    analyze(database)
    return (
        f"built {name}: migrated in {migrated:.1f} s, then {created} (command {seeded:.1f} s); "
        f"{compacted.stdout.strip()}"
    )


def analyze(database: str) -> None:
    """Gather the planner's statistics, as autovacuum keeps them on a database in use: a
    database filled a minute ago has none, and its plans would be a new database's."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def has_programs(database: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(database) as conn:
            return bool(conn.execute("SELECT count(*) FROM programs_program").fetchone()[0])
    except psycopg.Error:
        return False


def print_environment(database: str, workers: int, built: str) -> None:
    import django
    import gunicorn
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    conn_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(f"{built}")
    print(
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average {load}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {pg_version}, gunicorn {gunicorn.__version__} with {workers} sync "
        f"workers; DEBUG {settings.DEBUG}, CONN_MAX_AGE {conn_age}; "
        f"database {urlsplit(database).path.lstrip('/')}; cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, sessions "
        f"{settings.SESSION_ENGINE.rsplit('.', 1)[-1]}"
    )


def sessions_opened() -> int:
    """Sessions PostgreSQL has opened on the database since its statistics were reset:
    with persistent connections, one per worker rather than one per request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def context() -> tuple[dict[str, object], dict[str, object]]:
    """The values the pages' URLs take, and the persona users, from the match-round
    program: its coordinator and director, the learner of the round with an open goal and
    the most open relationships, and the guide of the round's pool with the most learners."""
    from django.db.models import Count

    from dyad.accounts.models import User
    from dyad.expectations.models import Audience, ExpectationsDocument
    from dyad.goals.models import Goal, GoalStatus
    from dyad.matching.models import MatchRound, RoundState
    from dyad.meetings.models import CalendarFeed, Meeting, MeetingStatus
    from dyad.programs.models import Membership, Role
    from dyad.relationships.models import Relationship, State
    from dyad.surveys.models import Cycle

    match_round = MatchRound.objects.filter(state=RoundState.OPEN).select_related("program").first()
    if match_round is None:
        raise SystemExit("The database has no open match round: build it again (no --reuse).")
    program = match_round.program
    run = match_round.runs.order_by("-number").first()

    def leader(role):
        return Membership.objects.filter(program=program, role=role).select_related("user")[0]

    open_rels = Relationship.objects.filter(program=program, state=State.ACTIVE)
    met = open_rels.filter(meetings__status=MeetingStatus.HELD)

    def most(rels, party):
        """The party (learner or guide) with the most such relationships; ties by id."""
        counts = rels.values(party).annotate(n=Count("pk", distinct=True))
        return User.objects.get(pk=counts.order_by("-n", party)[0][party])

    cohort = met.filter(learner__in=match_round.learners.all())
    # A learner with an open goal: a goal achieved or dropped can no longer be edited.
    with_goals = cohort.filter(learner__goals__status=GoalStatus.OPEN)
    learner = most(with_goals if with_goals.exists() else cohort, "learner")
    guide = most(met.filter(guide__in=match_round.guides.all()), "guide")

    def busiest(rels):
        return rels.annotate(meetings_n=Count("meetings")).order_by("-meetings_n", "pk").first()

    learner_rel = busiest(open_rels.filter(learner=learner))
    guide_rel = busiest(open_rels.filter(guide=guide))

    def last_held(rel):
        held = Meeting.objects.filter(relationship=rel, status=MeetingStatus.HELD)
        return (
            held.order_by("-starts_at").first()
            or Meeting.objects.filter(relationship=rel).order_by("-starts_at").first()
        )

    goals = Goal.objects.filter(learner=learner).order_by("pk")
    goal = goals.open().first() or goals.first()
    feed, _ = CalendarFeed.objects.get_or_create(user=learner)
    closed_survey = Cycle.objects.filter(program=program).closed().order_by("-closes_on").first()
    expectations = (
        ExpectationsDocument.objects.filter(
            program=program, audience=Audience.LEARNERS, sent_at__isnull=False
        )
        .order_by("-year")
        .first()
    )
    users = {
        "learner": learner,
        "guide": guide,
        "coordinator": leader(Role.COORDINATOR).user,
        "director": leader(Role.DIRECTOR).user,
        "gme": gme_office(program.institution),
        "anonymous": None,
    }
    ctx = {
        "slug": program.slug,
        "round": match_round.uuid,
        "run": run.number if run else None,
        "learner_rel": learner_rel.uuid,
        "guide_rel": guide_rel.uuid,
        "learner_meeting": last_held(learner_rel).uuid,
        "guide_meeting": last_held(guide_rel).uuid,
        "goal": goal.uuid if goal else None,
        "learner_uuid": learner.uuid,
        "guide_profile": guide.guide_profile.uuid,
        "feed_token": feed.token,
        # None where the institution has no such data: the page is then listed, not measured.
        "closed_survey": closed_survey.uuid if closed_survey else None,
        "expectations_year": expectations.year if expectations else None,
        "learners_audience": Audience.LEARNERS.value,
    }
    print(
        f"program {program.name} ({program.slug}): round of {match_round.learners.count()} "
        f"learners x {match_round.guides.count()} guides, {match_round.runs.count()} runs; "
        f"{Relationship.objects.count():,} relationships and "
        f"{Meeting.objects.count():,} meetings in the institution"
    )
    for persona in PERSONAS + OTHER_PERSONAS:
        print(f"  {persona:<12} {users[persona].email}")
    return ctx, users


def gme_office(institution: str):
    """Someone of the institution's GME office: the first one, or one made for the bench
    (the same on every run)."""
    from django.contrib.auth.hashers import make_password

    from dyad.accounts.models import User
    from dyad.programs.models import InstitutionAdmin

    office = InstitutionAdmin.objects.filter(institution=institution).select_related("user")
    if admin := office.order_by("pk").first():
        return admin.user
    user, _ = User.objects.get_or_create(
        email=GME_EMAIL,
        defaults={
            "first_name": "Grace",
            "last_name": "Office",
            "password": make_password(PASSWORD),
        },
    )
    InstitutionAdmin.objects.get_or_create(user=user, institution=institution)
    return user


def url_of(page: Page, ctx: dict) -> str:
    from django.urls import reverse

    return reverse(page.url_name, args=[ctx[name] for name in page.args])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "dyad.wsgi",
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--timeout", "300", "--log-level", "warning"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = Session(base).get("/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


# --- An HTTP client with a session -----------------------------------------------------


class Session:
    """One browser: its cookies (session, CSRF), a new connection per request as gunicorn's
    sync workers close them."""

    def __init__(self, base: str):
        self.host, port = base.split(":")
        self.port = int(port)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
        finally:
            conn.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, data, elapsed

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, email: str) -> None:
        status, page, _ = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"login page: {status}")
        # django-allauth's login form: the e-mail address goes in `login`.
        form = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        status, _, _ = self.request("POST", "/accounts/login/", urlencode(form))
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not log in as {email} (status {status})")


# --- Measuring -----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def count_queries(url: str, user) -> tuple[int, int]:
    """(queries, status) of one fetch in this process, as `user`."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(url)  # the same warm-up the server had
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries.captured_queries), response.status_code


def measure_pages(pages, ctx, users, sessions, n) -> tuple[int, int]:
    """Fetch each page n times, each followed by the login page; print the table. Returns
    (failed requests, requests)."""
    trivial_url = url_of(TRIVIAL, ctx)
    anonymous = sessions["anonymous"]
    rows, errors, requests = [], 0, 0
    header = (
        f"{'page':<22} {'persona':<12} {'queries':>7} {'bytes':>10} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'login p50':>9} {'x login':>8}"
    )
    print(f"\n{n} fetches of each page, each followed by the login page\n")
    print(header)
    print("-" * len(header))
    for page in pages:
        if any(ctx.get(name) is None for name in page.args):
            print(f"{page.name:<22} {page.persona:<12} (no data for {page.args})")
            continue
        url = url_of(page, ctx)
        session = sessions[page.persona]
        status, body, _ = session.get(url)  # warm the worker's caches
        requests += 1 + 2 * n
        times, trivial_times = [], []
        for _ in range(n):
            status, body, elapsed = session.get(url)
            times.append(elapsed)
            errors += status != 200
            trivial_status, _, trivial_elapsed = anonymous.get(trivial_url)
            trivial_times.append(trivial_elapsed)
            errors += trivial_status != 200
        queries, local_status = count_queries(url, users[page.persona])
        errors += local_status != 200
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        trivial_p50 = statistics.median(trivial_times)
        flag = "" if status == local_status == 200 else f"  status {status}/{local_status}"
        rows.append((page, p50))
        print(
            f"{page.name:<22} {page.persona:<12} {queries:>7} {len(body):>10,} "
            f"{p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {trivial_p50 * 1000:>9.1f} "
            f"{p50 / trivial_p50:>7.1f}x{flag}"
        )
    minimal = next((p50 for page, p50 in rows if page == MINIMAL_AUTHENTICATED), None)
    if minimal:
        print(
            f"\nAgainst the smallest authenticated page ({MINIMAL_AUTHENTICATED.name}, "
            f"p50 {minimal * 1000:.1f} ms):"
        )
        for page, p50 in rows:
            if page not in (TRIVIAL, MINIMAL_AUTHENTICATED):
                print(f"  {page.name:<22} {page.persona:<12} {p50 / minimal:>6.1f}x")
    return errors, requests


def mixed_load(base, ctx, users, clients: int, duration: float) -> tuple[int, int]:
    """`clients` threads, each logged in with its own session as one of the personas in
    turn (the calendar feed and login page anonymously), fetching pages drawn by their mix
    weights for `duration` seconds."""
    mix = [p for p in PAGES if p.mix and all(ctx.get(name) is not None for name in p.args)]
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    sessions = []
    for number in range(clients):  # logged in before the clock starts
        persona = PERSONAS[number % len(PERSONAS)]
        sessions.append((persona, Session(base)))
        sessions[-1][1].login(users[persona].email)
    start = threading.Barrier(clients + 1)
    stop = [0.0]

    def client(number: int) -> None:
        persona, session = sessions[number]
        anonymous = Session(base)
        mine = [p for p in mix if p.persona in (persona, "anonymous")]
        rng = random.Random(number)
        local = []
        start.wait()
        while time.monotonic() < stop[0]:
            page = rng.choices(mine, [p.mix for p in mine])[0]
            try:
                who = anonymous if page.persona == "anonymous" else session
                status, _, elapsed = who.get(url_of(page, ctx))
            except OSError:
                status, elapsed = 0, 0.0
            local.append((elapsed, status))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop[0] = time.monotonic() + duration
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times = [t for t, status in results if status == 200]
    errors = sum(1 for _, status in results if status != 200)
    print(
        f"\nMixed load: {clients} clients with their own sessions ({', '.join(PERSONAS)} "
        f"in turn) for {duration:.0f} s over {len(mix)} pages by weight"
    )
    if times:
        print(
            f"  {len(results):,} requests in {elapsed:.1f} s: {len(results) / elapsed:.1f} req/s, "
            f"p50 {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.0f} ms, errors {errors}"
        )
    else:
        print(f"  no request succeeded; errors {errors}")
    return errors, len(results)


def print_unmeasured() -> None:
    """URL names the table does not cover: the actions (POST), and any page added since."""
    from django.urls import URLResolver, get_resolver

    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    left = sorted(names - {p.url_name for p in PAGES})
    print(f"\nURL names not measured (actions, or pages to add to PAGES): {', '.join(left)}")


if __name__ == "__main__":
    sys.exit(main())
