"""A person as a long list shows them: plain values, so that a list of a thousand people
is not a thousand users to build, with the name search those lists share."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Person", "PERSON_FIELDS"]

# What to read of a user for a Person, in order: `values_list(*PERSON_FIELDS)`.
PERSON_FIELDS = ("pk", "first_name", "last_name", "email")


@dataclass(frozen=True)
class Person:
    pk: int
    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def matches(self, text: str) -> bool:
        """Whether the name or e-mail holds `text`, ignoring case (an empty text matches)."""
        text = text.casefold()
        return text in self.full_name.casefold() or text in self.email.casefold()
