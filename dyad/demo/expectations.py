"""The demo program's expectations: last year's documents, acknowledged; this year's sent at
the start of the year, acknowledged by most, with reminders for some who have not (the
intern persona among them, so that their home asks for it). The director and the
coordinator have agreed to the consent terms; any associate director has not yet."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from dyad.demo import personas
from dyad.expectations import services
from dyad.expectations.models import ExpectationsDocument, ExpectationsRequest, MailState
from dyad.expectations.selectors import current_year
from dyad.lib.cadence import academic_year_start
from dyad.programs.models import Membership, Role

THIS_YEAR_ADDITION = (
    "\n\nNew this year: log each meeting within a week, so that the program's cadence "
    "reports stay true for everyone."
)


def _at(day, hour=9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_expectations(program, today) -> None:
    director = Membership.objects.filter(program=program, role=Role.DIRECTOR).first().user
    year = current_year(program, today)
    start = academic_year_start(today, program.academic_year_start_month)
    last_start = academic_year_start(start - timedelta(days=1), program.academic_year_start_month)
    _year(program, year - 1, director, sent_on=last_start + timedelta(days=2), today=today)
    for audience in ("learners", "guides"):
        last = ExpectationsDocument.objects.get(program=program, year=year - 1, audience=audience)
        services.document_save(
            program=program,
            year=year,
            audience=audience,
            expectations=last.expectations + THIS_YEAR_ADDITION,
            confidentiality=last.confidentiality,
            acting_user=director,
        )
    sent_on = min(start + timedelta(days=2), today)
    _year(program, year, director, sent_on=sent_on, today=today, skip_every=7)
    for leader in Membership.objects.filter(
        program=program, role__in=[Role.DIRECTOR, Role.COORDINATOR]
    ).select_related("user"):
        agreement = services.leadership_agree(program=program, year=year, acting_user=leader.user)
        agreement.agreed_at = _at(sent_on, 8)
        agreement.save(update_fields=["agreed_at"])


def _year(program, year, director, *, sent_on, today, skip_every=0) -> None:
    """Send the year, as if on `sent_on`; everyone acknowledges within the following days,
    except every `skip_every`-th person and the intern persona, who were reminded."""
    services.expectations_send_year(program=program, year=year, acting_user=director)
    ExpectationsDocument.objects.filter(program=program, year=year).update(sent_at=_at(sent_on))
    requests = ExpectationsRequest.objects.filter(program=program, year=year).select_related(
        "person"
    )
    for n, request in enumerate(requests.order_by("person__last_name", "person__pk", "audience")):
        request.mail_state, request.queued_at = MailState.SENT, _at(sent_on)
        request.sent_at = _at(sent_on, 10)
        waiting = skip_every and (
            n % skip_every == 3 or request.person.email == personas.INTERN.email
        )
        if waiting:
            reminders = min(3, max(0, (today - sent_on).days // 7))
            request.reminders_sent = reminders
            request.last_reminded_at = (
                _at(sent_on + timedelta(days=7 * reminders), 8) if reminders else None
            )
        else:
            doc = ExpectationsDocument.objects.filter(
                program=program, year=year, audience=request.audience
            ).order_by("-version")[0]
            request.acknowledged_version = doc.version
            day = min(sent_on + timedelta(days=n % 12), today)
            request.acknowledged_at = _at(day, 12 + n % 8)
        request.save()
