"""Size, queries and time of a match round's leader pages at program scale (SPEC M6).

    .venv/bin/python bench/match_pages.py                 # 600 learners x 380 guides
    .venv/bin/python bench/match_pages.py --learners 60 --guides 38

Builds one mentoring round in a throwaway SQLite database (deterministic: every learner
ranks five guides, one in ten already has a mentor and the round includes them), runs it
twice (stable alone, then with the fill step), and fetches the round page, both previews
and the publish page of the second run as the program director. Prints bytes, queries and
milliseconds per page. Not a test: nothing is asserted, figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 7
RANKS = 5
GUIDED_EVERY = 10  # one learner in ten already has a mentor


def setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dyad.settings")
    os.environ["DYAD_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n_learners: int, n_guides: int):
    """The program, its director, and an open round with lists; returns (round, director)."""
    from datetime import timedelta

    from django.utils import timezone

    from dyad.accounts.models import User
    from dyad.matching import services
    from dyad.matching.models import LearnerRank
    from dyad.profiles.models import GuideOffer, GuideProfile
    from dyad.programs.models import GuidanceKind, Membership, Program, Role
    from dyad.relationships.models import Origin
    from dyad.relationships.services import relationship_create

    rng = random.Random(SEED)
    program = Program.objects.create(name="Internal Medicine Residency", slug="im")

    def people(prefix, count, role, pgy=None):
        users = User.objects.bulk_create(
            User(
                email=f"{prefix}{i}@example.org",
                first_name=f"{prefix.title()}{i}",
                last_name="Bench",
            )
            for i in range(count)
        )
        Membership.objects.bulk_create(
            Membership(program=program, user=u, role=role, pgy=pgy) for u in users
        )
        return users

    director = people("director", 1, Role.DIRECTOR)[0]
    learners = people("learner", n_learners, Role.RESIDENT, pgy=1)
    guides = people("guide", n_guides, Role.FACULTY)
    mentors = people("mentor", max(1, n_learners // GUIDED_EVERY // 3 + 1), Role.FACULTY)
    GuideOffer.objects.bulk_create(
        GuideOffer(profile=p, kind=GuidanceKind.MENTORING, capacity=rng.choice((1, 2, 3)))
        for p in GuideProfile.objects.bulk_create(GuideProfile(user=u) for u in guides)
    )
    GuideOffer.objects.bulk_create(
        GuideOffer(profile=p, kind=GuidanceKind.MENTORING, capacity=3)
        for p in GuideProfile.objects.bulk_create(GuideProfile(user=u) for u in mentors)
    )
    for i, learner in enumerate(learners[::GUIDED_EVERY]):
        relationship_create(
            program=program,
            learner=learner,
            guide=mentors[i // 3],
            kind=GuidanceKind.MENTORING,
            origin=Origin.ASSIGNED,
            acting_user=director,
        )
    match_round = services.round_open(
        program=program,
        acting_user=director,
        name="Mentors for the interns",
        kind=GuidanceKind.MENTORING,
        learner_roles=[Role.RESIDENT],
        guides=guides,
        deadline=timezone.now() + timedelta(days=7),
        include_guided=True,
    )
    LearnerRank.objects.bulk_create(
        LearnerRank(round=match_round, learner=learner, guide=guide, rank=rank)
        for learner in learners
        for rank, guide in enumerate(rng.sample(guides, RANKS), start=1)
    )
    return match_round, director


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the template cache
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return len(response.content), len(ctx.captured_queries), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=600)
    parser.add_argument("--guides", type=int, default=380)
    args = parser.parse_args()
    memory = Path("/dev/shm")  # the database is thrown away: no need to wait for the disk
    with tempfile.TemporaryDirectory(dir=memory if memory.is_dir() else None) as folder:
        setup(Path(folder) / "pages.sqlite3")
        from django.test import Client
        from django.urls import reverse

        from dyad.matching import services

        match_round, director = build(args.learners, args.guides)
        start = time.perf_counter()
        plain = services.round_run(match_round=match_round, acting_user=director)
        run = services.round_run(match_round=match_round, acting_user=director, fill=True)
        run_seconds = (time.perf_counter() - start) / 2
        client = Client()
        client.force_login(director)

        def preview(number):
            return reverse(
                "matching:run_preview", args=[match_round.program.slug, match_round.uuid, number]
            )

        pages = {
            "round": match_round.get_absolute_url(),
            f"preview, stable alone ({plain.stats['unmatched']} unmatched)": preview(plain.number),
            "preview, stable + fill": preview(run.number),
            "publish": reverse(
                "matching:run_publish",
                args=[match_round.program.slug, match_round.uuid, run.number],
            ),
        }
        print(
            f"{args.learners} learners x {args.guides} guides: {run.stats['matched']} matched, "
            f"{run.stats['filled']} by the fill step, {run.parameters['guided']} already "
            f"guided; one run {run_seconds:.2f} s (service, SQLite)"
        )
        print(f"{'page':40} {'bytes':>10} {'queries':>8} {'ms':>8}")
        for name, url in pages.items():
            size, queries, elapsed = measure(client, url)
            print(f"{name:40} {size:>10,} {queries:>8} {elapsed * 1000:>8.0f}")


if __name__ == "__main__":
    main()
