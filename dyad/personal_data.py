"""What Dyad holds about one person, gathered for their own export (SPEC M12).

Each app says what it holds in its own `dyad/<app>/personal_data.py`, with `@section`:

    @section("goals", "Goals", order=70)
    def goals(user) -> list[dict]:
        return [{"Title": goal.title, …} for goal in …]

A section returns records: dicts of a label to a plain value (text, number, date, a list
of them, or a nested record). Apps added later plug in the same way; nothing here names
them. Every section follows the privacy table of SPEC M11 as it applies to the person
themselves: their own content, never another person's private notes, nothing the policy
hides from them (a concern raised about them, the other party's rematch request).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    collect: Callable[[Any], list[Record]]


_SECTIONS: dict[str, Section] = {}


def section(key: str, title: str, *, order: int = 100):
    def register(collect: Callable[[Any], list[Record]]):
        _SECTIONS[key] = Section(key=key, title=title, order=order, collect=collect)
        return collect

    return register


def sections() -> list[Section]:
    """Every app's sections, in their order (each app's module is imported once)."""
    autodiscover_modules("personal_data")
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def collect(user) -> list[tuple[Section, list[Record]]]:
    return [(s, s.collect(user)) for s in sections()]
