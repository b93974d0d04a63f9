"""Builders for 360° feedback tests: made through the services, as people make them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dyad.feedback import services
from dyad.feedback.models import Cycle, ItemKind, Rater, new_token
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import acknowledge_both, make_guide, make_relationship


def make_coaching(program, *, learner=None, guide=None, **kwargs):
    """An active coaching relationship of the program."""
    guide = guide or make_guide(program, "Cora", "Coach", offers={GuidanceKind.COACHING: 2})
    relationship = make_relationship(
        program=program,
        learner=learner,
        guide=guide,
        kind=GuidanceKind.COACHING,
        start_date=timezone.localdate() - timedelta(days=60),
        **kwargs,
    )
    acknowledge_both(relationship)
    return relationship


def make_cycle(relationship, *, raters=None, open_it=False, by=None, days=21) -> Cycle:
    """A cycle prepared by the coachee with `raters` ({group: count}) named."""
    coachee = relationship.learner
    today = timezone.localdate()
    cycle = services.cycle_create(
        relationship=relationship,
        acting_user=by or coachee,
        name="Chief year 360°",
        opens_on=today,
        closes_on=today + timedelta(days=days),
    )
    for group, count in (raters or {}).items():
        for n in range(count):
            services.rater_add(
                cycle=cycle,
                acting_user=coachee,
                group=group,
                name=f"{group.title()} {n + 1}",
                email=f"{group}{n + 1}@example.org",
            )
    if open_it:
        cycle = services.cycle_open(cycle=cycle, acting_user=coachee)
    return cycle


def token_for(rater: Rater) -> str:
    """A fresh link for a rater (as the invitation would carry; the old one stops working)."""
    token, token_hash = new_token()
    Rater.objects.filter(pk=rater.pk).update(token_hash=token_hash)
    return token


def answer(rater: Rater, rating=4, texts=("Keeps calm.", "")):
    """The rater answers every rated item with `rating` (a callable of the item, or a value)."""
    items = list(rater.cycle.items.all())
    ratings = {
        i.pk: rating(i) if callable(rating) else rating for i in items if i.kind == ItemKind.RATING
    }
    text_items = [i for i in items if i.kind == ItemKind.TEXT]
    return services.response_submit(
        token=token_for(rater),
        ratings=ratings,
        texts={i.pk: t for i, t in zip(text_items, texts, strict=False)},
    )
