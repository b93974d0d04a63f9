import pytest
from django.core.exceptions import ValidationError

from dyad.audit.models import AuditEntry
from dyad.expectations import services
from dyad.expectations.factories import acknowledge, send_year
from dyad.expectations.models import ExpectationsDocument, ExpectationsRequest, MailState
from dyad.expectations.selectors import latest_document
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role

pytestmark = pytest.mark.django_db


def requests(program, **filters):
    return ExpectationsRequest.objects.filter(program=program, **filters)


def test_sending_asks_every_learner_and_guide_by_role(program, director, resident, faculty, year):
    coordinator = MembershipFactory(program=program, role=Role.COORDINATOR).user
    assert send_year(program, year, director) == 3  # the resident; the faculty and director
    assert set(requests(program, audience="learners").values_list("person", flat=True)) == {
        resident.pk
    }
    assert set(requests(program, audience="guides").values_list("person", flat=True)) == {
        faculty.pk,
        director.pk,
    }
    assert not requests(program, person=coordinator).exists()
    assert set(requests(program).values_list("mail_state", flat=True)) == {MailState.QUEUED}


def test_sending_twice_sends_nothing_new(program, director, resident, faculty, year):
    send_year(program, year, director)
    assert send_year(program, year, director) == 0
    assert requests(program).count() == 3
    assert AuditEntry.objects.filter(action="expectations.sent").count() == 1


def test_a_newcomer_is_asked_on_the_next_send(program, director, resident, year):
    send_year(program, year, director)
    intern = MembershipFactory(program=program, role=Role.RESIDENT, pgy=1).user
    assert send_year(program, year, director) == 1
    assert requests(program, person=intern, audience="learners").exists()


def test_a_year_without_documents_starts_from_last_years(program, director, resident, year):
    services.document_save(
        program=program,
        year=year - 1,
        audience="learners",
        expectations="LAST-YEAR text",
        confidentiality="Between us.",
        acting_user=director,
    )
    send_year(program, year, director)
    doc = latest_document(program, year, "learners")
    assert doc.expectations == "LAST-YEAR text"
    assert doc.sent_at is not None
    # No guides' document last year: the program's first-year text.
    assert latest_document(program, year, "guides").expectations.startswith("Listen first")


def test_editing_a_draft_changes_it_in_place(program, director, year):
    for text in ("First", "Second"):
        services.document_save(
            program=program,
            year=year,
            audience="guides",
            expectations=text,
            confidentiality="C",
            acting_user=director,
        )
    assert ExpectationsDocument.objects.get(program=program, year=year).expectations == "Second"


def test_editing_after_sending_makes_a_version_and_asks_again(program, director, resident, year):
    other = MembershipFactory(program=program, role=Role.RESIDENT).user
    send_year(program, year, director)
    acknowledge(program, year, "learners", resident)
    requests(program).update(mail_state=MailState.SENT, reminders_sent=2)
    doc = services.document_save(
        program=program,
        year=year,
        audience="learners",
        expectations="Now with a research day.",
        confidentiality="C",
        acting_user=director,
    )
    assert doc.version == 2 and doc.sent_at is not None
    asked_again = requests(program, person=resident).get()
    assert asked_again.mail_state == MailState.QUEUED
    assert asked_again.reminders_sent == 0
    assert asked_again.acknowledged_version == 1  # kept: they did acknowledge version 1
    # Someone who had not acknowledged is not mailed again: their link shows version 2.
    assert requests(program, person=other).get().mail_state == MailState.SENT


def test_acknowledging_records_version_and_time_once(program, director, resident, year):
    send_year(program, year, director)
    first = acknowledge(program, year, "learners", resident)
    again = acknowledge(program, year, "learners", resident)
    assert first.acknowledged_version == again.acknowledged_version == 1
    assert again.acknowledged_at == first.acknowledged_at
    assert AuditEntry.objects.filter(action="expectations.acknowledged").count() == 1


def test_an_older_version_cannot_be_acknowledged(program, director, resident, year):
    send_year(program, year, director)
    services.document_save(
        program=program,
        year=year,
        audience="learners",
        expectations="v2",
        confidentiality="C",
        acting_user=director,
    )
    with pytest.raises(ValidationError, match="new version"):
        services.expectations_acknowledge(
            program=program, year=year, audience="learners", version=1, acting_user=resident
        )


def test_a_draft_cannot_be_acknowledged(program, director, resident, year):
    services.document_save(
        program=program,
        year=year,
        audience="learners",
        expectations="draft",
        confidentiality="C",
        acting_user=director,
    )
    with pytest.raises(ValidationError, match="not been sent"):
        acknowledge(program, year, "learners", resident)


def test_only_the_audience_acknowledges(program, director, faculty, year):
    send_year(program, year, director)
    with pytest.raises(ValidationError, match="not addressed to you"):
        acknowledge(program, year, "learners", faculty)


def test_someone_added_after_the_send_may_acknowledge_before_the_next_run(
    program, director, resident, year
):
    send_year(program, year, director)
    intern = MembershipFactory(program=program, role=Role.RESIDENT).user
    request = acknowledge(program, year, "learners", intern)
    assert request.mail_state == MailState.SENT  # nothing left to e-mail them
    assert send_year(program, year, director) == 0


def test_a_leader_agrees_once_a_year(program, director, year):
    first = services.leadership_agree(program=program, year=year, acting_user=director)
    again = services.leadership_agree(program=program, year=year, acting_user=director)
    assert first.pk == again.pk
    assert "audit log" in first.terms
    assert AuditEntry.objects.filter(action="expectations.leader_agreed").count() == 1
    other = services.leadership_agree(program=program, year=year + 1, acting_user=director)
    assert other.pk != first.pk
