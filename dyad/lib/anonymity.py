"""Which groups of a survey's respondents may be shown without exposing fewer than five.

No Django here: plain values in, plain values out.

The rule
--------
Every figure the results page shows (a count, a mean, a distribution, a list of comments)
is an aggregate over one *group* of respondents: everyone, or the respondents with one
attribute (learners, PGY-1, has a coach…). Sums and counts add up, so whoever sees
several groups can add and subtract them: the question is never "has this group five or
more?" but "can any combination of the shown groups isolate fewer than five?".

Cut the respondents into *classes*: people who belong to exactly the same shown groups.
Every shown group is a union of whole classes, and so is anything added or subtracted
from shown groups. If every non-empty class has at least `THRESHOLD` people, no
combination can single out fewer than `THRESHOLD`.

`shown_groups` builds the set once for a cycle, from all of its respondents, in a fixed
order: everyone first (withheld, and with it everything, below `THRESHOLD`), then each
candidate group, kept only if every class still has `THRESHOLD` people or more. The same
respondents always give the same groups, whatever page asks and whatever filter it uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

THRESHOLD = 5
EVERYONE = "everyone"


def classes(population: Sequence[frozenset[str]], groups: Iterable[str]) -> Counter[frozenset[str]]:
    """How many respondents share each combination of the given groups."""
    chosen = frozenset(groups)
    return Counter(attributes & chosen for attributes in population)


def shown_groups(
    population: Sequence[Iterable[str]],
    candidates: Sequence[str],
    threshold: int = THRESHOLD,
) -> list[str]:
    """The groups that may be shown, `EVERYONE` first; empty when fewer than `threshold`
    answered. `population` gives each respondent's attributes (the groups they are in);
    `candidates` the groups worth showing, in the order they are tried."""
    people = [frozenset(attributes) for attributes in population]
    if len(people) < threshold:
        return []
    shown: list[str] = []
    for candidate in candidates:
        if candidate in shown or candidate == EVERYONE:
            continue
        members = sum(1 for attributes in people if candidate in attributes)
        if members == 0 or members == len(people):
            # Nobody, or the same people as everyone: nothing to show apart.
            continue
        trial = [*shown, candidate]
        if all(n >= threshold for n in classes(people, trial).values()):
            shown = trial
    return [EVERYONE, *shown]


def members_of(group: str, attributes: Iterable[str]) -> bool:
    """Whether a respondent with these attributes is in the group."""
    return group == EVERYONE or group in set(attributes)
