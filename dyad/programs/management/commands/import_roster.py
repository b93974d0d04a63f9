"""Import a roster from the command line, with the same checks as the web page.

manage.py import_roster peds roster.csv                 # preview; exit 1 if any error
manage.py import_roster peds roster.csv --apply         # apply; refused if any error
manage.py import_roster peds roster.csv --apply --skip-errors
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dyad.programs import roster, services
from dyad.programs.models import Program


class Command(BaseCommand):
    help = "Preview (default) or apply a roster CSV file for a program."

    def add_arguments(self, parser):
        parser.add_argument("program", help="The program's slug, e.g. peds.")
        parser.add_argument("file", help="The roster CSV file.")
        parser.add_argument("--apply", action="store_true", help="Apply the roster.")
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="With --apply: import the valid rows and skip those in error.",
        )

    def handle(self, *args, program, file, apply, skip_errors, **options):
        if skip_errors and not apply:
            raise CommandError("--skip-errors only makes sense with --apply.")
        try:
            program = Program.objects.get(slug=program)
        except Program.DoesNotExist:
            raise CommandError(f"No program with the slug “{program}”.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                decoded = services.roster_read(upload)
            except services.RosterFileError as exc:
                raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from None
            parsed = roster.parse_roster_text(
                decoded.text, max_pgy=program.max_pgy, encoding=decoded.encoding
            )
            plan = services.roster_plan(program=program, parsed=parsed)
            self._print_plan(program, path.name, plan)
            if plan.file_errors:
                raise CommandError("The file cannot be imported.")
            errors = len(plan.error_rows)
            if errors and not (apply and skip_errors):
                raise CommandError(
                    f"{errors} row(s) in error. Correct the file"
                    + (", or add --skip-errors to import the other rows." if apply else ".")
                )
            if apply:
                self._apply(program, upload, skip_errors=skip_errors)

    def _apply(self, program, upload, *, skip_errors):
        # Stored and applied together: a refused apply leaves no import behind.
        try:
            with transaction.atomic():
                roster_import = services.roster_import_create(
                    program=program, uploaded_file=upload, acting_user=None
                )
                roster_import = services.roster_import_apply(
                    roster_import=roster_import, skip_errors=skip_errors, acting_user=None
                )
        except (services.RosterFileError, services.RosterApplyError) as exc:
            raise CommandError(" ".join(exc.messages)) from None
        s = roster_import.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {s['created']} new, {s['roles_added']} role(s) added, "
                f"{s['updated']} updated, {s['unchanged']} unchanged, {s['skipped']} skipped. "
                f"Import {roster_import.uuid}. Invitations are queued: "
                "manage.py send_invitations sends them."
            )
        )

    def _print_plan(self, program, filename, plan):
        write = self.stdout.write
        write(f"Roster {filename} for {program.name} ({program.slug})")
        if plan.parsed.encoding == "cp1252":
            write(
                self.style.WARNING(
                    "Not UTF-8: read as Windows-1252. Check accented names, or save as CSV UTF-8."
                )
            )
        for error in plan.file_errors:
            write(self.style.ERROR(error))
        for rp in plan.rows:
            role = rp.role_label + (f" PGY-{rp.row.pgy}" if rp.row.pgy else "")
            write(f"row {rp.row.line:>4}  {rp.action:<9}  {rp.row.email_text or '—'}  {role}")
            for change in rp.changes:
                write(f"            {change.label}: {change.old_text} → {change.new_text}")
            for error in rp.errors:
                write(self.style.ERROR(f"            {error}"))
        if not plan.file_errors:
            c = plan.counts
            write(
                f"{c['create']} new, {c['add_role']} role(s) added, {c['update']} to update, "
                f"{c['unchanged']} unchanged, {c['error']} in error."
            )
