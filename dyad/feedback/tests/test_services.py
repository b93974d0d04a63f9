import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.feedback import services
from dyad.feedback.factories import answer, make_coaching, make_cycle, token_for
from dyad.feedback.models import (
    DEFAULT_ITEMS,
    Answer,
    CycleState,
    ItemKind,
    Rater,
    Response,
    hash_token,
)
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_active_relationship, make_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def coaching(program, director):
    return make_coaching(program, acting_user=director)


def _link_token(mail) -> str:
    return re.search(r"/feedback/answer/([^/\s]+)/", mail.body).group(1)


# --- preparing -------------------------------------------------------------------------------


def test_a_cycle_starts_with_the_default_questions(coaching):
    cycle = make_cycle(coaching)
    items = list(cycle.items.all())
    assert [i.text for i in items] == [text for _, _, text in DEFAULT_ITEMS]
    assert sum(i.kind == ItemKind.RATING for i in items) == 10
    assert sum(i.kind == ItemKind.TEXT for i in items) == 2
    assert cycle.state == CycleState.DRAFT


def test_the_coach_may_prepare_a_cycle_too(coaching):
    cycle = make_cycle(coaching, by=coaching.guide)
    assert cycle.created_by == coaching.guide


def test_no_360_in_a_mentoring_relationship(program, director):
    mentoring = make_active_relationship(program=program, acting_user=director)
    with pytest.raises(ValidationError, match="active coaching"):
        make_cycle(mentoring)


def test_no_360_before_the_coaching_is_active(program, director):
    proposed = make_relationship(program=program, kind=GuidanceKind.COACHING, acting_user=director)
    with pytest.raises(ValidationError, match="active coaching"):
        make_cycle(proposed)


def test_someone_else_cannot_prepare_one(coaching, director):
    with pytest.raises(ValidationError, match="coachee and the coach"):
        make_cycle(coaching, by=director)


def test_questions_can_change_until_it_opens(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3})
    item = services.item_add(
        cycle=cycle, acting_user=coaching.guide, kind="rating", area="teamwork", text="Shares."
    )
    assert item.position == len(DEFAULT_ITEMS) + 1
    services.item_remove(item=item, acting_user=coaching.learner)
    services.cycle_open(cycle=cycle, acting_user=coaching.learner)
    with pytest.raises(ValidationError, match="no longer change"):
        services.item_add(
            cycle=cycle, acting_user=coaching.learner, kind="text", area="", text="Anything?"
        )


def test_the_last_rated_statement_cannot_be_removed(coaching):
    cycle = make_cycle(coaching)
    rated = list(cycle.items.filter(kind=ItemKind.RATING))
    for item in rated[:-1]:
        services.item_remove(item=item, acting_user=coaching.learner)
    with pytest.raises(ValidationError, match="at least one rated"):
        services.item_remove(item=rated[-1], acting_user=coaching.learner)


def test_only_the_coachee_names_raters(coaching):
    cycle = make_cycle(coaching)
    with pytest.raises(ValidationError, match="coachee names"):
        services.rater_add(
            cycle=cycle, acting_user=coaching.guide, group="peer", name="P", email="p@example.org"
        )


def test_a_rater_is_named_once_per_cycle(coaching):
    cycle = make_cycle(coaching, raters={"peer": 1})
    with pytest.raises(ValidationError, match="already on the list"):
        services.rater_add(
            cycle=cycle,
            acting_user=coaching.learner,
            group="staff",
            name="Again",
            email="PEER1@example.org",
        )


# --- opening and inviting -----------------------------------------------------------------------


def test_opening_sends_every_rater_a_link_of_their_own(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 3, "staff": 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_open(cycle=cycle, acting_user=coaching.learner)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["peer1@example.org", "peer2@example.org", "peer3@example.org", "staff1@example.org"]
    )
    tokens = {_link_token(m) for m in mailoutbox}
    assert len(tokens) == 4
    assert all(coaching.learner.full_name in m.subject for m in mailoutbox)


def test_only_a_hash_of_the_token_is_stored(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_open(cycle=cycle, acting_user=coaching.learner)
    token = _link_token(mailoutbox[0])
    rater = Rater.objects.get()
    assert rater.token_hash == hash_token(token)
    stored = " ".join(str(v) for v in Rater.objects.values_list().get())
    assert token not in stored


def test_a_rater_added_to_an_open_cycle_is_invited_at_once(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.rater_add(
            cycle=cycle, acting_user=coaching.learner, group="junior", name="J", email="j@x.org"
        )
    assert [m.to for m in mailoutbox] == [["j@x.org"]]


def test_nobody_can_be_removed_once_links_went_out(coaching):
    cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)
    with pytest.raises(ValidationError, match="not shrink"):
        services.rater_remove(rater=cycle.raters.get(), acting_user=coaching.learner)


def test_a_cycle_without_raters_does_not_open(coaching):
    cycle = make_cycle(coaching)
    with pytest.raises(ValidationError, match="at least one rater"):
        services.cycle_open(cycle=cycle, acting_user=coaching.learner)


def test_a_cycle_ready_before_its_day_opens_by_itself_on_that_day(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 2})
    in_three_days = timezone.localdate() + timedelta(days=3)
    services.cycle_update(
        cycle=cycle,
        acting_user=coaching.learner,
        name=cycle.name,
        opens_on=in_three_days,
        closes_on=timezone.localdate() + timedelta(days=20),
    )
    cycle = services.cycle_open(cycle=cycle, acting_user=coaching.learner)
    assert cycle.state == CycleState.DRAFT and cycle.opens_by_itself
    assert services.cycles_open_due() == 0
    assert mailoutbox == []

    later = time_machine.travel(timezone.now() + timedelta(days=3), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        assert services.cycles_open_due() == 1
        assert services.cycles_open_due() == 0
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN and not cycle.opens_by_itself
    assert sorted(m.to[0] for m in mailoutbox) == ["peer1@example.org", "peer2@example.org"]


def test_a_cycle_no_longer_ready_on_its_day_waits_for_the_coachee(coaching):
    cycle = make_cycle(coaching, raters={"peer": 1})
    services.cycle_update(
        cycle=cycle,
        acting_user=coaching.learner,
        name=cycle.name,
        opens_on=timezone.localdate() + timedelta(days=3),
        closes_on=timezone.localdate() + timedelta(days=20),
    )
    services.cycle_open(cycle=cycle, acting_user=coaching.learner)
    services.rater_remove(rater=cycle.raters.get(), acting_user=coaching.learner)
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert services.cycles_open_due() == 0
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT and not cycle.opens_by_itself


def test_the_audit_log_says_opened_and_invited_never_who_answered(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    for rater in cycle.raters.all():
        answer(rater)
    actions = list(
        AuditEntry.objects.filter(target_id=str(cycle.uuid)).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        [
            "feedback_cycle.created",
            "feedback_cycle.opened",
            "feedback_cycle.raters_invited",
            "feedback_cycle.closed",
        ]
    )
    invited = AuditEntry.objects.get(action="feedback_cycle.raters_invited")
    assert invited.data["count"] == 3
    # Not on the program's audit page: leaders may not learn that a 360° exists.
    assert not AuditEntry.objects.filter(program=coaching.program, target_id=str(cycle.uuid))
    feedback_data = AuditEntry.objects.filter(action__startswith="feedback_cycle.")
    assert "@" not in str(list(feedback_data.values_list("data", flat=True)))


# --- answering ---------------------------------------------------------------------------------


def test_an_answer_is_kept_apart_from_its_rater(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    rater = cycle.raters.first()
    answer(rater, rating=5, texts=("Always prepared.", "Delegate more."))
    rater.refresh_from_db()
    assert rater.answered
    response = Response.objects.get()
    assert response.group == "peer"
    field_names = {f.name for f in Response._meta.get_fields()} | {
        f.name for f in Answer._meta.get_fields()
    }
    assert not {"rater", "created_at", "answered_at", "updated_at"} & field_names
    # Random keys: the order of the rows says nothing about the order of the answers.
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Answer._meta.pk.get_internal_type() == "UUIDField"
    assert Answer.objects.filter(rating=5).count() == 10
    assert set(Answer.objects.exclude(text="").values_list("text", flat=True)) == {
        "Always prepared.",
        "Delegate more.",
    }


def test_a_link_works_once(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    rater = cycle.raters.first()
    token = token_for(rater)
    services.response_submit(token=token, ratings={}, texts={})
    with pytest.raises(ValidationError, match="already been used"):
        services.response_submit(token=token, ratings={}, texts={})
    with pytest.raises(services.LinkRefused) as refused:
        services.rater_for_token(token)
    assert refused.value.reason == "used"
    assert Response.objects.count() == 1


def test_a_link_expires_when_the_cycle_closes(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True, days=10)
    token = token_for(cycle.raters.first())
    assert services.rater_for_token(token)
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        with pytest.raises(services.LinkRefused) as refused:
            services.rater_for_token(token)
        assert refused.value.reason == "closed"
        with pytest.raises(ValidationError, match="closed"):
            services.response_submit(token=token, ratings={}, texts={})


def test_a_link_stops_working_when_the_cycle_is_closed_early(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    token = token_for(cycle.raters.first())
    services.cycle_close(cycle=cycle, acting_user=coaching.guide)
    with pytest.raises(services.LinkRefused):
        services.rater_for_token(token)


def test_a_link_before_the_cycle_opens_does_not_work(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3})
    with pytest.raises(services.LinkRefused):
        services.rater_for_token(token_for(cycle.raters.first()))


@pytest.mark.parametrize("token", ["", "x", "a" * 500, "abc\x00def", "../../etc"])
def test_a_made_up_token_is_unknown(coaching, token):
    make_cycle(coaching, raters={"peer": 1}, open_it=True)
    with pytest.raises(services.LinkRefused) as refused:
        services.rater_for_token(token)
    assert refused.value.reason == "unknown"


def test_a_rating_off_the_scale_is_refused_and_nothing_kept(coaching):
    cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)
    rater = cycle.raters.get()
    item = cycle.items.filter(kind=ItemKind.RATING).first()
    with pytest.raises(ValidationError, match="1 to 5"):
        services.response_submit(token=token_for(rater), ratings={item.pk: 9}, texts={})
    assert not Response.objects.exists()
    rater.refresh_from_db()
    assert not rater.answered


def test_the_last_answer_closes_the_cycle_and_tells_both_parties(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    with django_capture_on_commit_callbacks(execute=True):
        for rater in cycle.raters.all():
            answer(rater)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    told = {m.to[0] for m in mailoutbox if "results" in m.subject}
    assert told == {coaching.learner.email, coaching.guide.email}
    with pytest.raises(ValidationError, match="closed"):
        services.rater_add(
            cycle=cycle, acting_user=coaching.learner, group="peer", name="Late", email="l@x.org"
        )


def test_cycles_past_their_date_are_closed_once(coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True, days=5)
    later = timezone.localdate() + timedelta(days=6)
    assert services.cycles_close_due(today=later) == 1
    assert services.cycles_close_due(today=later) == 0
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED


# --- reminders ---------------------------------------------------------------------------------


def test_a_reminder_goes_once_to_raters_who_have_not_answered(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    first = cycle.raters.first()
    answer(first)
    mailoutbox.clear()
    a_week_later = timezone.now() + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=a_week_later) == 2
        assert services.reminders_send(now=a_week_later) == 0
    assert len(mailoutbox) == 2
    assert first.email not in {m.to[0] for m in mailoutbox}


def test_no_reminder_in_the_first_week_unless_the_cycle_closes_soon(coaching):
    make_cycle(coaching, raters={"peer": 3}, open_it=True, days=21)
    assert services.reminders_send(now=timezone.now() + timedelta(days=2)) == 0
    assert services.reminders_send(now=timezone.now() + timedelta(days=19)) == 3


def test_the_reminder_link_replaces_the_invitation_link(
    coaching, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_cycle(coaching, raters={"peer": 1}, open_it=True)
    invited = _link_token(mailoutbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=timezone.now() + timedelta(days=8))
    reminded = _link_token(mailoutbox[1])
    assert reminded != invited
    assert services.rater_for_token(reminded)
    with pytest.raises(services.LinkRefused):
        services.rater_for_token(invited)


def test_a_claimed_reminder_is_not_claimed_again(coaching):
    cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)
    rater = cycle.raters.get()
    assert services.reminder_claim(rater.pk) is not None
    assert services.reminder_claim(rater.pk) is None


def test_a_refused_reminder_is_released_for_the_next_run(coaching, monkeypatch):
    cycle = make_cycle(coaching, raters={"peer": 1}, open_it=True)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    a_week_later = timezone.now() + timedelta(days=8)
    with pytest.raises(ConnectionRefusedError):
        services.reminders_send(now=a_week_later)
    assert cycle.raters.get().reminded_at is None
    monkeypatch.undo()
    assert services.reminders_send(now=a_week_later) == 1


def test_the_reminder_names_the_coachee(coaching, mailoutbox):
    make_cycle(coaching, raters={"peer": 1}, open_it=True)
    services.reminders_send(now=timezone.now() + timedelta(days=8))
    (mail,) = mailoutbox
    assert coaching.learner.full_name in mail.subject
    assert f"A reminder: {coaching.learner.full_name} would value" in mail.body
