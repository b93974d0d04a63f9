"""The one next step a learner's home suggests, chosen by a fixed priority.

Plain values in, one `Step` out, so that the order can be read and tested apart from the
database. The order follows what unblocks the most: a pairing does not start until its
agreement is acknowledged; the year's expectations say how the program works and what is
reported to leadership, so they come before the rest; a meeting that happened but is not
logged leaves the pair "overdue" for everyone; preparation is the learner's duty before a
meeting (SPEC §0); a pair behind on meeting needs one scheduled; a learner without a mentor
needs one; and action items come last because they have their own list on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACKNOWLEDGE = "acknowledge"
EXPECTATIONS = "expectations"
LOG = "log"
PREPARE = "prepare"
SCHEDULE = "schedule"
FIND_MENTOR = "find_mentor"
ACTION_ITEM = "action_item"
UP_TO_DATE = "up_to_date"

ORDER = (ACKNOWLEDGE, EXPECTATIONS, LOG, PREPARE, SCHEDULE, FIND_MENTOR, ACTION_ITEM)


@dataclass(frozen=True)
class Step:
    kind: str
    subject: Any = None


def next_step(
    *,
    to_acknowledge: Any = None,
    to_read_expectations: Any = None,
    to_log: Any = None,
    to_prepare: Any = None,
    to_schedule: Any = None,
    needs_mentor: bool = False,
    action_item: Any = None,
) -> Step:
    """The first that applies of: the relationship whose agreement waits for the learner,
    the year's expectations not yet acknowledged, the past meeting to log, the next meeting
    not prepared, the relationship behind on meeting with nothing planned, no mentor, the
    action item due first."""
    candidates = {
        ACKNOWLEDGE: to_acknowledge,
        EXPECTATIONS: to_read_expectations,
        LOG: to_log,
        PREPARE: to_prepare,
        SCHEDULE: to_schedule,
        FIND_MENTOR: True if needs_mentor else None,
        ACTION_ITEM: action_item,
    }
    for kind in ORDER:
        if candidates[kind] is not None:
            subject = candidates[kind]
            return Step(kind, None if subject is True else subject)
    return Step(UP_TO_DATE)
