"""The mentoring portfolio: whom a guide guided, in which kind, when, and the meetings
held, year by year; their own across programs with successes, a program's leaders that
program's part without them; a PDF, audited."""

from datetime import timedelta
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dyad.audit.models import AuditEntry
from dyad.faculty.factories import guide, held, pairing
from dyad.faculty.selectors import portfolio
from dyad.goals.factories import make_achievement, make_goal
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_learner
from dyad.relationships.services import relationship_end

MENTORING, COACHING = GuidanceKind.MENTORING, GuidanceKind.COACHING


def pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    # Words only: a table cell may wrap a name onto two lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def two_programs(program, other_program, director):
    """A guide of both programs: an ended mentoring pairing of two years ago and an active
    coaching one here, an active mentoring one in the other program."""
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2, COACHING: 2})
    from dyad.programs.factories import MembershipFactory

    MembershipFactory(program=other_program, user=ada, role="faculty")
    today = timezone.localdate()
    old = pairing(
        program=program,
        guide=ada,
        learner=make_learner(program, "Olly", "Oldtimer"),
        days_ago=800,
    )
    held(old, today - timedelta(days=790))
    held(old, today - timedelta(days=420))
    relationship_end(relationship=old, acting_user=director, reason="graduated")
    coached = pairing(
        program=program,
        guide=ada,
        learner=make_learner(program, "Cora", "Coachee"),
        kind=COACHING,
        days_ago=40,
    )
    held(coached, today - timedelta(days=10))
    surgical = pairing(
        program=other_program,
        guide=ada,
        learner=make_learner(other_program, "Sid", "Surgical"),
        days_ago=60,
    )
    held(surgical, today - timedelta(days=20))
    return ada, old, coached, surgical


def test_own_portfolio_covers_every_program_and_year(program, other_program, director):
    ada, old, coached, surgical = two_programs(program, other_program, director)
    mine = portfolio(ada, with_successes=True)
    assert {line.learner.last_name for line in mine.learners} == {"Oldtimer", "Coachee", "Surgical"}
    line = next(line for line in mine.learners if line.learner.last_name == "Oldtimer")
    assert line.end is not None and len(line.years) >= 2
    assert mine.meeting_count == 4
    assert mine.kinds == [(MENTORING, "Mentoring"), (COACHING, "Coaching")]
    assert {p.name for p in mine.programs} == {program.name, other_program.name}


def test_a_programs_part_leaves_other_programs_out(program, other_program, director):
    ada, *_ = two_programs(program, other_program, director)
    part = portfolio(ada, program=program, with_successes=False)
    assert {line.learner.last_name for line in part.learners} == {"Oldtimer", "Coachee"}
    assert part.meeting_count == 3
    assert part.successes is None


def test_a_proposal_ended_before_it_started_is_no_part_of_it(program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2})
    proposed = pairing(program=program, guide=ada, active=False)
    relationship_end(relationship=proposed, acting_user=director, reason="other")
    assert portfolio(ada, with_successes=True).learners == []


def test_successes_are_those_linked_to_a_goal_of_the_guides_pairing(program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2})
    bo = guide(program, "Bo", "Brown", offers={MENTORING: 2})
    learner = make_learner(program, "Lee", "Learner")
    with_ada = pairing(program=program, guide=ada, learner=learner)
    with_bo = pairing(program=program, guide=bo, learner=learner)
    achievement = lambda title, goal=None: make_achievement(  # noqa: E731
        program=program, learner=learner, title=title, goal=goal, date=timezone.localdate()
    )
    achievement("Linked to Ada", make_goal(relationship=with_ada))
    achievement("Linked to Bo", make_goal(relationship=with_bo))
    achievement("Personal goal", make_goal(program=program, learner=learner))
    achievement("No goal")
    assert [a.title for a in portfolio(ada, with_successes=True).successes] == ["Linked to Ada"]


def test_the_guide_reads_successes_leaders_do_not(client, program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2})
    rel = pairing(program=program, guide=ada)
    make_achievement(
        program=program,
        learner=rel.learner,
        title="SUCCESS-TITLE",
        goal=make_goal(relationship=rel),
        date=timezone.localdate(),
    )
    client.force_login(ada)
    assert "SUCCESS-TITLE" in client.get(reverse("faculty:my_portfolio")).content.decode()
    client.force_login(director)
    page = client.get(reverse("faculty:guide_portfolio", args=[program.slug, ada.uuid]))
    assert page.status_code == 200
    assert "SUCCESS-TITLE" not in page.content.decode()
    assert rel.learner.full_name in page.content.decode()


def test_no_meeting_content_reaches_the_portfolio(client, program):
    from dyad.meetings.services import private_note_save, summary_save

    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 2})
    rel = pairing(program=program, guide=ada)
    meeting = held(rel, timezone.localdate() - timedelta(days=3))
    summary_save(meeting=meeting, acting_user=ada, text="SUMMARY-TEXT", topics=[])
    private_note_save(meeting=meeting, author=ada, text="NOTE-TEXT")
    client.force_login(ada)
    body = client.get(reverse("faculty:my_portfolio")).content.decode()
    text = pdf_text(client.get(reverse("faculty:my_portfolio_pdf")))
    for shown in (body, text):
        assert "SUMMARY-TEXT" not in shown and "NOTE-TEXT" not in shown


def test_leaders_open_only_guides_of_their_program(client, program, other_program, director):
    stranger_guide = guide(other_program, "Sam", "Surgeon", offers={MENTORING: 2})
    client.force_login(director)
    url = reverse("faculty:guide_portfolio", args=[program.slug, stranger_guide.uuid])
    assert client.get(url).status_code == 404
    pairing(program=program, guide=stranger_guide)  # now guides one of ours
    assert client.get(url).status_code == 200


def test_the_pdf_holds_the_same_and_is_audited(client, program, other_program, director):
    ada, *_ = two_programs(program, other_program, director)
    client.force_login(ada)
    response = client.get(reverse("faculty:my_portfolio_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert "mentoring-portfolio-ada-lovelace" in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Olly Oldtimer" in text and "Sid Surgical" in text
    entry = AuditEntry.objects.get(action="training.portfolio_printed", actor=ada)
    assert entry.program is None and entry.target_id == str(ada.uuid)

    client.force_login(director)
    part = client.get(reverse("faculty:guide_portfolio_pdf", args=[program.slug, ada.uuid]))
    text = pdf_text(part)
    assert "Olly Oldtimer" in text and "Sid Surgical" not in text
    assert AuditEntry.objects.filter(
        action="training.portfolio_printed", actor=director, program=program
    ).exists()


def test_learners_without_a_guiding_role_have_no_portfolio(client, resident, coordinator):
    for user in (resident, coordinator):
        client.force_login(user)
        assert client.get(reverse("faculty:my_portfolio")).status_code == 403


def test_queries_do_not_grow_with_the_pairings(client, program, director):
    ada = guide(program, "Ada", "Lovelace", offers={MENTORING: 10, COACHING: 10})
    rel = pairing(program=program, guide=ada)
    held(rel, timezone.localdate() - timedelta(days=2))
    client.force_login(ada)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("faculty:my_portfolio"))
    for kind in (MENTORING, COACHING):
        for _ in range(4):
            more = pairing(program=program, guide=ada, kind=kind)
            held(more, timezone.localdate() - timedelta(days=3))
            make_achievement(
                program=program,
                learner=more.learner,
                goal=make_goal(relationship=more),
                date=timezone.localdate(),
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("faculty:my_portfolio"))
    assert len(response.context["portfolio"].learners) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
