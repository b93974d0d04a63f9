"""One page of bench/web.py, looked at closely: its SQL queries and its time in this
process, against the login page's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dyad_bench \\
        .venv/bin/python bench/page.py "rank page" [--persona learner] [--sql] [-n 20]

Uses the database bench/web.py built (nothing is built here) and the production settings
bench/web.py serves with, but Django's test client instead of a server: the figures leave
out HTTP and the server, so they are for finding where a page's time goes, not for the
"× login" ratio of the issue (bench/web.py gives that). `--sql` prints every query with its
time; `--profile` prints the functions that took the most time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import web  # noqa: E402  (bench/web.py: its pages, context and settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the pages of bench/web.py whose name contains this")
    parser.add_argument("--persona", help="only this persona's page")
    parser.add_argument("-n", type=int, default=20, help="fetches of the page (default 20)")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL") or web.DEFAULT_DATABASE
    os.environ.update(web.production_env(database))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ctx, users = web.context()
    pages = [
        p
        for p in web.PAGES
        if args.name in p.name and (not args.persona or p.persona == args.persona)
    ]
    if not pages:
        raise SystemExit(f"no page of bench/web.py is named like {args.name!r}")

    def client_for(persona: str) -> Client:
        client = Client()
        if users[persona] is not None:
            client.force_login(users[persona], backend="django.contrib.auth.backends.ModelBackend")
        return client

    def timed(client: Client, url: str) -> tuple[float, int, int]:
        started = time.perf_counter()
        response = client.get(url)
        return time.perf_counter() - started, response.status_code, len(response.content)

    login_url = web.url_of(web.TRIVIAL, ctx)
    anonymous = client_for("anonymous")
    for page in pages:
        url = web.url_of(page, ctx)
        client = client_for(page.persona)
        client.get(url)
        anonymous.get(login_url)
        with CaptureQueriesContext(connection) as queries:
            _, status, size = timed(client, url)
        # Each request clears the connection's log: keep what this one ran.
        captured = list(queries.captured_queries)
        times, login_times = [], []
        for _ in range(args.n):
            times.append(timed(client, url)[0])
            login_times.append(timed(anonymous, login_url)[0])
        p50, login_p50 = statistics.median(times) * 1000, statistics.median(login_times) * 1000
        sql_ms = sum(float(q["time"]) for q in captured) * 1000
        print(
            f"{page.name} ({page.persona}) {url}: status {status}, {size:,} bytes, "
            f"{len(captured)} queries ({sql_ms:.1f} ms of SQL), "
            f"p50 {p50:.1f} ms; login p50 {login_p50:.1f} ms ({p50 / login_p50:.1f}x)"
        )
        if args.sql:
            for q in captured:
                print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:400]}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
