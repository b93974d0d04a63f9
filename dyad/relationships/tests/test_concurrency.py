"""Capacity under a race (SPEC M3: "enforced in the database, race-safe").

Many learners go for the last places of one guide at the same instant, each from its own
thread and database connection. Exactly `capacity` of them may win, whatever the timing:
the partial unique constraint on (guide, kind, seat) decides, not the check before the
insert. Run with -s to see the figures.
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from dyad.programs.models import GuidanceKind
from dyad.relationships import services
from dyad.relationships.factories import (
    make_guide,
    make_guide_request,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import GuideRequest, Origin, Relationship, State
from dyad.relationships.services import RelationshipError

ROUNDS = 20
RACERS = 12
MENTORING = GuidanceKind.MENTORING

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent transactions on one database: PostgreSQL only "
    "(SQLite serialises writers; set DATABASE_URL=postgres://… to run this test)",
)


@pytest.fixture
def collisions(monkeypatch):
    """Counts the inserts that lost a place to a racing transaction at the database (the
    check before the insert had seen the place free)."""
    lost = []
    create = Relationship.objects.create

    def counting_create(**fields):
        try:
            return create(**fields)
        except IntegrityError:
            lost.append(fields.get("seat"))
            raise

    monkeypatch.setattr(Relationship.objects, "create", counting_create)
    return lost


def race(attempts):
    """Run every attempt in its own thread and connection, all released at once by a
    barrier; returns each attempt's result or exception, in order."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            connection.ensure_connection()  # connect first, so that the start is even
            barrier.wait(timeout=30)
            outcomes[index] = attempt()
        except Exception as error:  # recorded, and judged by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def assert_exactly_capacity_won(outcomes, guide, capacity):
    winners = [o for o in outcomes if isinstance(o, Relationship)]
    losers = [o for o in outcomes if not isinstance(o, Relationship)]
    assert len(winners) == capacity
    for loser in losers:
        assert isinstance(loser, RelationshipError), repr(loser)
        assert "no place left" in loser.message
    held = Relationship.objects.filter(guide=guide, kind=MENTORING).holding_seats()
    assert held.count() == capacity
    assert sorted(held.values_list("seat", flat=True)) == list(range(1, capacity + 1))
    assert set(held.values_list("pk", flat=True)) == {w.pk for w in winners}
    return len(winners)


@pytest.mark.parametrize("capacity", [1, 3])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@on_postgresql
def test_racing_assignments_fill_exactly_the_capacity(program, director, collisions, capacity):
    attempts = winners = 0
    for _ in range(ROUNDS):
        guide = make_guide(program, offers={MENTORING: capacity})
        learners = [make_learner(program, f"L{i}") for i in range(RACERS)]

        def assign(learner, guide=guide):
            return services.relationship_create(
                program=program,
                learner=learner,
                guide=guide,
                kind=MENTORING,
                origin=Origin.ASSIGNED,
                acting_user=director,
            )

        outcomes = race([lambda learner=learner: assign(learner) for learner in learners])

        attempts += len(outcomes)
        winners += assert_exactly_capacity_won(outcomes, guide, capacity)
    print(
        f"\nrelationship_create, capacity {capacity}: {ROUNDS} rounds, {attempts} attempts, "
        f"{winners} winners, {len(collisions)} inserts refused by the seat constraint"
    )
    assert winners == ROUNDS * capacity


@pytest.mark.parametrize("capacity", [1, 3])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@on_postgresql
def test_racing_acceptances_fill_exactly_the_capacity(program, collisions, capacity):
    attempts = winners = 0
    for _ in range(ROUNDS):
        guide = make_guide(program, offers={MENTORING: capacity})
        requests = [
            make_guide_request(program=program, learner=make_learner(program), guide=guide)
            for _ in range(RACERS)
        ]

        outcomes = race(
            [
                lambda request=request, guide=guide: services.guide_request_accept(
                    request=request, acting_user=guide
                )
                for request in requests
            ]
        )

        attempts += len(outcomes)
        winners += assert_exactly_capacity_won(outcomes, guide, capacity)
        states = GuideRequest.objects.filter(guide=guide).values_list("state", flat=True)
        assert sorted(states) == sorted(
            [GuideRequest.State.ACCEPTED] * capacity
            + [GuideRequest.State.PENDING] * (RACERS - capacity)
        )
    print(
        f"\nguide_request_accept, capacity {capacity}: {ROUNDS} rounds, {attempts} attempts, "
        f"{winners} winners, {len(collisions)} inserts refused by the seat constraint"
    )
    assert winners == ROUNDS * capacity


# --- The constraint itself (any database) -----------------------------------------------


def _raw_open_relationship(rel, learner, seat):
    """A second open relationship written straight to the table, past every check."""
    return Relationship.objects.create(
        program=rel.program,
        learner=learner,
        guide=rel.guide,
        kind=rel.kind,
        origin=Origin.ASSIGNED,
        state=State.ACTIVE,
        seat=seat,
        start_date=rel.start_date,
    )


@pytest.mark.django_db
def test_the_database_refuses_two_open_relationships_in_one_seat(program, director):
    rel = make_relationship(program=program, acting_user=director)

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_open_relationship(rel, make_learner(program, "Second"), seat=rel.seat)

    assert _raw_open_relationship(rel, make_learner(program, "Third"), seat=rel.seat + 1).pk


@pytest.mark.django_db
def test_an_ended_relationship_gives_its_seat_back_to_the_database(program, director):
    rel = make_relationship(program=program, acting_user=director)
    seat = rel.seat
    services.relationship_end(relationship=rel, acting_user=director, reason="completed")

    assert _raw_open_relationship(rel, make_learner(program, "Next"), seat=seat).pk


@pytest.mark.django_db
def test_the_database_refuses_an_open_relationship_without_a_seat(program, director):
    rel = make_relationship(program=program, acting_user=director)

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_open_relationship(rel, make_learner(program, "Seatless"), seat=None)


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(5))
def test_leaders_handling_one_rematch_request_at_once_do_it_once(program, director, round_):
    """Two leaders on the rematch requests page and one on the relationship page, at the
    same instant: the pairing ends once, the request is resolved once, and the others are
    told it was already dealt with (no deadlock, no error page)."""
    from dyad.programs.factories import MembershipFactory
    from dyad.programs.models import Role
    from dyad.relationships.models import EndReason, RematchRequest

    coordinator = MembershipFactory(program=program, role=Role.COORDINATOR).user
    rel = make_relationship(program=program, acting_user=director)
    request = services.rematch_request_create(
        relationship=rel, acting_user=rel.learner, reason="We never meet."
    )
    outcomes = race(
        [
            lambda: services.rematch_request_reassign(request=request, acting_user=director),
            lambda: services.rematch_request_close(
                request=request, acting_user=coordinator, note="Talked it through."
            ),
            lambda: services.relationship_end(
                relationship=rel, acting_user=director, reason=EndReason.OTHER
            ),
        ]
    )

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(e, RelationshipError) for e in errors), outcomes
    handled = [o for o in outcomes[:2] if not isinstance(o, Exception)]
    assert len(handled) <= 1, outcomes  # reassigned or closed, never both
    request = RematchRequest.objects.get(pk=request.pk)
    assert request.resolved_at is not None
    assert rel.events.filter(to_state=State.ENDED).count() == 1
