import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from dyad.accounts.models import User
from dyad.demo import generator as demo
from dyad.demo.insight import GME_OFFICE_EMAIL, GME_OFFICE_SHOWS
from dyad.demo.personas import LOGINS
from dyad.programs.models import Program

SHOWS = {persona.email: persona.shows for persona in LOGINS}

# An institution-scale dataset for performance work: (programs, residents, faculty).
SIZES = {"large": (40, 2000, 3000)}


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo pediatrics residency, or with a large "
        "synthetic institution (two years of history, a large match round) when --size "
        "large or --programs is given. Leaves a database that already has programs alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["demo", *SIZES],
            default="demo",
            help="large: 40 programs, 2,000 residents, 3,000 faculty, two academic years of "
            "relationships and meetings, and an open 600 x 380 match round.",
        )
        parser.add_argument(
            "--programs",
            type=int,
            help="Build a synthetic institution with this many programs instead of the demo.",
        )
        parser.add_argument(
            "--residents", type=int, help="Residents of the institution (default 50 a program)."
        )
        parser.add_argument(
            "--faculty", type=int, help="Faculty of the institution (default 75 a program)."
        )
        parser.add_argument(
            "--every-app",
            action="store_true",
            help="Give the match-round program of the institution what the demo program has "
            "beyond pairings and meetings (ILPs, coaching, training, surveys, check-ins...).",
        )
        parser.add_argument("--seed", type=int, default=demo.DEMO_SEED)

    def handle(self, *args, size, programs, residents, faculty, seed, every_app, **options):
        if Program.objects.exists():
            self.stdout.write(
                "The database is not empty (it has programs); seed_demo leaves it alone."
            )
            self.print_logins()
            return
        if size in SIZES:
            default_programs, default_residents, default_faculty = SIZES[size]
            programs = default_programs if programs is None else programs
            residents = default_residents if residents is None else residents
            faculty = default_faculty if faculty is None else faculty
        if programs is None and (residents is not None or faculty is not None):
            raise CommandError("--residents and --faculty need --programs.")
        if programs is None:
            # The demo people are fictional: the notices their pairings trigger go nowhere.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                program = demo.build_demo_program(seed=seed)
            self.stdout.write(self.style.SUCCESS(f"Created the demo program {program.name}."))
            self.print_logins()
            return
        residents = 50 * programs if residents is None else residents
        faculty = 75 * programs if faculty is None else faculty
        if programs < 1 or residents < 0 or faculty < 0:
            raise CommandError("Give at least one program and no negative counts.")
        started = time.perf_counter()
        # The match round's notices go to fictional people too.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            counts = demo.build_institution(
                programs=programs,
                residents=residents,
                faculty=faculty,
                seed=seed,
                every_app=every_app,
            )
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary} in {elapsed:.1f} s."))
        self.stdout.write(f"Every generated user has the password {demo.DEMO_PASSWORD}.")

    def print_logins(self):
        logins = demo.demo_logins()
        if not logins:
            return
        self.stdout.write(f"\nDemo logins (password: {demo.DEMO_PASSWORD}):")
        width = max(len(email) for _, email, _ in logins)
        for label, email, name in logins:
            self.stdout.write(f"  {label:<20} {email:<{width}}  {name}")
            self.stdout.write(f"  {'':<20} {'':<{width}}  shows {SHOWS[email]}")
        if User.objects.filter(email=GME_OFFICE_EMAIL).exists():
            self.stdout.write(f"  {'GME office':<20} {GME_OFFICE_EMAIL:<{width}}  at /insight/")
            self.stdout.write(f"  {'':<20} {'':<{width}}  shows {GME_OFFICE_SHOWS}")
