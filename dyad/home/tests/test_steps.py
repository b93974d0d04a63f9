from dyad.home import steps
from dyad.home.steps import next_step

EVERYTHING = {
    "to_acknowledge": "agreement",
    "to_read_expectations": "expectations",
    "to_log": "past meeting",
    "to_prepare": "next meeting",
    "to_schedule": "pairing behind",
    "needs_mentor": True,
    "action_item": "item",
}


def test_acknowledging_the_agreement_comes_first_because_nothing_starts_without_it():
    assert next_step(**EVERYTHING) == steps.Step(steps.ACKNOWLEDGE, "agreement")


def test_each_step_gives_way_only_to_those_before_it():
    remaining = dict(EVERYTHING)
    expected = [
        (steps.ACKNOWLEDGE, "to_acknowledge", "agreement"),
        (steps.EXPECTATIONS, "to_read_expectations", "expectations"),
        (steps.LOG, "to_log", "past meeting"),
        (steps.PREPARE, "to_prepare", "next meeting"),
        (steps.SCHEDULE, "to_schedule", "pairing behind"),
        (steps.FIND_MENTOR, "needs_mentor", None),
        (steps.ACTION_ITEM, "action_item", "item"),
    ]
    for kind, key, subject in expected:
        assert next_step(**remaining) == steps.Step(kind, subject)
        remaining[key] = False if key == "needs_mentor" else None


def test_up_to_date_when_nothing_applies():
    assert next_step() == steps.Step(steps.UP_TO_DATE)


def test_a_learner_without_a_mentor_is_told_to_find_one_before_follow_ups():
    assert next_step(needs_mentor=True, action_item="item").kind == steps.FIND_MENTOR
