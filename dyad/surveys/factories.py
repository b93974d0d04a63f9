"""Builders for survey tests: made through the services, as people make them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dyad.surveys import services
from dyad.surveys.models import Answer, Cycle, Respondent, Response, asks


def make_cycle(program, *, by, audience="both", open_it=False, name="Mid-year survey", days=21):
    today = timezone.localdate()
    cycle = services.cycle_create(
        program=program,
        acting_user=by,
        name=name,
        audience=audience,
        opens_on=today,
        closes_on=today + timedelta(days=days),
    )
    if open_it:
        cycle = services.cycle_open(cycle=cycle, acting_user=by)
    return cycle


def answers_for(cycle: Cycle, respondent: str, *, scale=4, choice=0, text="") -> dict:
    """Answers to every question the cycle puts to `respondent`."""
    values = {}
    for q in cycle.questions.all():
        if not asks(q.audience, respondent):
            continue
        if q.is_scale:
            values[q.pk] = scale
        elif q.is_choice:
            values[q.pk] = q.options[choice % len(q.options)]
        else:
            values[q.pk] = text
    return values


def answer(cycle: Cycle, user, **kwargs) -> Cycle:
    """`user` answers through the service, as the survey page does."""
    respondent = cycle.invitations.get(user=user).respondent
    return services.response_submit(
        cycle=cycle, acting_user=user, answers=answers_for(cycle, respondent, **kwargs)
    )


def past_responses(
    cycle: Cycle,
    count: int,
    *,
    respondent=Respondent.LEARNER,
    pgy_band="",
    guidance=(),
    scale=4,
    text="",
) -> None:
    """Responses of people who answered and have since left the program (so that no
    invitation is left of them): for results with more people than a test's roster."""
    for n in range(count):
        response = Response.objects.create(
            cycle=cycle, respondent=respondent, pgy_band=pgy_band, guidance=list(guidance)
        )
        for q in cycle.questions.all():
            if not asks(q.audience, respondent):
                continue
            if q.is_scale:
                Answer.objects.create(response=response, question=q, scale=scale)
            elif q.is_choice:
                Answer.objects.create(response=response, question=q, choice=q.options[0])
            elif text:
                Answer.objects.create(response=response, question=q, text=f"{text} {n + 1}")
