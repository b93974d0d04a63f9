from dyad.insight import selectors


def figures_of(program, year=2025):
    return selectors.program_figures([program], year)[program.pk]


def test_a_year_of_figures_from_pairings_meetings_goals_and_plans(busy_program, today):
    f = figures_of(busy_program)
    assert (f.start.isoformat(), f.end.isoformat(), f.cut) == ("2025-07-01", "2026-06-30", today)
    shares = {s.kind: (s.with_guide, s.learners) for s in f.guide_share}
    # Kim's pairing ended: only Lee has a mentor today, and Ash a coach.
    assert shares["mentoring"] == (1, 3)
    assert shares["coaching"] == (1, 3)
    assert (f.meetings.held, f.meetings.in_person, f.meetings.in_person_percent) == (2, 1, 50)
    assert (f.rematch.relationships, f.rematch.rematch_ends, f.rematch.percent) == (3, 1, 33)
    # Lee met after 10 days; Ash has not met (active); Kim's ended pairing never met.
    assert f.first_meeting.median == 10
    assert f.first_meeting.waiting == 1
    assert (f.goals.set, f.goals.achieved) == (3, 2)
    assert (f.ilp.learners, f.ilp.started, f.ilp.completed) == (3, 2, 1)
    assert (f.load.guides, f.load.capacity, f.load.taken) == (2, 4, 2)
    assert f.load.learners_per_fte == 10.0  # Rae: one coachee at 10 % FTE
    # March 2026: the year's months from July, each judged by the cadence engine.
    assert [row[0].month for row in f.compliance] == [7, 8, 9, 10, 11, 12, 1, 2, 3]
    assert f.compliance[0][1] == 0  # nobody paired in July


def test_another_year_sees_nothing_of_this_one(busy_program, today):
    f = figures_of(busy_program, 2023)
    assert f.meetings.held == 0 and f.rematch.relationships == 0 and f.goals.set == 0
    assert f.ilp.completed == 0


def test_figures_of_many_programs_are_kept_apart(busy_program, other_program, today):
    both = selectors.program_figures([busy_program, other_program], 2025)
    assert both[busy_program.pk].meetings.held == 2
    assert both[other_program.pk].meetings.held == 0
    totals = selectors.totals(list(both.values()))
    assert totals["meetings"] == 2 and totals["programs"] == 2


def test_people_rows_name_the_kinds_of_guide_not_the_content(busy_program, today):
    rows = {r["email"]: r for r in selectors.people_rows(busy_program)}
    lee = next(r for r in rows.values() if r["name"] == "Lee Learner")
    assert lee["guides"] == "Mentoring"
    assert lee["roles"] == ["Resident"] and lee["pgy"] == 1
