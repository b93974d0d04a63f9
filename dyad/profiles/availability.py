"""What a guide offers new learners, kind by kind, as one viewer sees it (SPEC M2, M3).

An offer is *open* when the guide accepts new learners and has a place left in its kind
(`is_open` of selectors.offers_with_places, which the directory's filter uses too). A
learner also sees, before writing anything, the kinds a guide may not take them in because
the guide evaluates them; only that learner sees it, about themself.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.text import get_text_list

from dyad.relationships.services import Conflict, LearnerConflicts, learner_conflicts

NO_CONFLICTS = LearnerConflicts({})


class OfferState(StrEnum):
    OPEN = "open"  # the viewer may ask for it
    FULL = "full"  # accepting, but no place left in this kind
    CLOSED = "closed"  # the guide is not accepting new learners
    CONFLICT = "conflict"  # the guide evaluates the viewing learner: not in this kind


@dataclass(frozen=True)
class OfferStatus:
    offer: object  # a GuideOffer from offers_with_places
    state: OfferState

    @property
    def kind(self) -> str:
        return self.offer.kind

    @property
    def label(self) -> str:
        return self.offer.get_kind_display()

    @property
    def is_requestable(self) -> bool:
        return self.state == OfferState.OPEN

    @property
    def text(self) -> str:
        """What follows the kind on a badge; nothing when the guide is not accepting (the
        guide's own "Not accepting new learners" says it once)."""
        if self.state == OfferState.OPEN:
            capacity = self.offer.capacity
            places = "place" if capacity == 1 else "places"
            return f"{self.offer.remaining} of {capacity} {places} left"
        if self.state == OfferState.FULL:
            return "full"
        if self.state == OfferState.CONFLICT:
            return "not offered to you"
        return ""


def _as_role(label: str) -> str:
    """ "Rotation supervisor" → "a rotation supervisor"; names keep their capitals."""
    words = label.split()
    if len(words) > 1 and not words[1][0].isupper():
        label = label[0].lower() + label[1:]
    article = "an" if label[0].lower() in "aeiou" else "a"
    return f"{article} {label}"


@dataclass(frozen=True)
class Availability:
    accepting_new: bool
    offers: list[OfferStatus]
    conflicts: list[Conflict]  # the roles over the viewing learner, when any kind is barred

    @property
    def requestable(self) -> list[OfferStatus]:
        return [s for s in self.offers if s.is_requestable]

    @property
    def is_open(self) -> bool:
        """Open to new learners in some kind the viewer may ask for."""
        return bool(self.requestable)

    @property
    def summary(self) -> str:
        """One sentence for the whole guide, which the badges of its kinds never contradict
        and the directory's "Accepting new learners" filter agrees with."""
        requestable = self.requestable
        if requestable and len(requestable) == len(self.offers):
            return "Accepting new learners"
        if requestable:
            kinds = get_text_list([s.label.lower() for s in requestable], "and")
            return f"Accepting new learners for {kinds}"
        if any(s.offer.is_open for s in self.offers):
            return "Nothing open to you"  # the conflict note says why
        if not self.accepting_new:
            return "Not accepting new learners"
        return "No place left"

    def roles_text(self, *, periods: bool = False) -> str:
        """ "a Clinical Competency Committee member and a rotation supervisor", each with
        its period when asked."""
        parts: list[str] = []
        for conflict in self.conflicts:
            label = conflict.role.get_kind_display()
            part = str(conflict).replace(label, _as_role(label), 1) if periods else _as_role(label)
            if part not in parts:
                parts.append(part)
        return get_text_list(parts, "and")

    @property
    def roles(self) -> str:
        return self.roles_text()

    @property
    def roles_with_periods(self) -> str:
        return self.roles_text(periods=True)

    @property
    def consequence(self) -> str:
        """ "not offered to you for mentoring or coaching; advising is still possible." """
        barred = [s.label.lower() for s in self.offers if s.state == OfferState.CONFLICT]
        text = f"not offered to you for {get_text_list(barred, 'or')}"
        still = [s.label.lower() for s in self.requestable]
        if still:
            verb = "is" if len(still) == 1 else "are"
            text += f"; {get_text_list(still, 'and')} {verb} still possible"
        return text + "."


def availability(guide, offers, conflicts: LearnerConflicts = NO_CONFLICTS) -> Availability:
    """The guide's offers (from offers_with_places) as the viewer whose `conflicts` are
    given sees them."""
    statuses = []
    barring: list[Conflict] = []
    for offer in offers:
        barred = conflicts.of(guide.user_id, offer.kind)
        if barred:
            state = OfferState.CONFLICT
            barring.extend(c for c in barred if c not in barring)
        elif offer.is_open:
            state = OfferState.OPEN
        elif not guide.accepting_new:
            state = OfferState.CLOSED
        else:
            state = OfferState.FULL
        statuses.append(OfferStatus(offer, state))
    return Availability(guide.accepting_new, statuses, barring)


def conflicts_for(viewer, guides=None) -> LearnerConflicts:
    """Who evaluates the viewer, when the viewer is a learner of the program (among
    `guides`, users, or anyone). Nobody else is told who evaluates whom. One query."""
    if not viewer.is_learner:
        return NO_CONFLICTS
    return learner_conflicts(
        program=viewer.program, learner=viewer.user, start=timezone.localdate(), guides=guides
    )


def attach_availability(guides, conflicts: LearnerConflicts = NO_CONFLICTS) -> None:
    """Set `availability` on each guide, from its prefetched `published_offers`."""
    for guide in guides:
        guide.availability = availability(guide, guide.published_offers, conflicts)
