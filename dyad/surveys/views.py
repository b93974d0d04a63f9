from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dyad import flow, policy
from dyad.access import get_program
from dyad.changes.pages import keep
from dyad.surveys import selectors, services
from dyad.surveys.access import get_cycle, get_question
from dyad.surveys.forms import (
    AnswerForm,
    CycleForm,
    MoveForm,
    PickForm,
    QuestionEditForm,
    QuestionForm,
)
from dyad.surveys.models import Invitation, Question, Respondent, asks

NAV = "surveys"


def _ctx(viewer, **extra):
    return {"viewer": viewer, "nav": NAV, "threshold": selectors.THRESHOLD, **extra}


@login_required
@keep
def index(request, slug):
    """Leaders: every cycle with its response rate, and the satisfaction trend. Members:
    the surveys they were asked to answer."""
    viewer = get_program(request, slug, allow=policy.can_view_surveys)
    ctx = _ctx(viewer, cycles=selectors.cycles_for(viewer), is_leader=viewer.is_leader)
    if viewer.is_leader:
        trend = selectors.satisfaction_trend([viewer.program])[viewer.program.pk]
        ctx["trend"] = trend
        ctx["trend_charts"] = [
            (label, selectors.trend_chart(trend, key)) for key, label in Respondent.choices
        ]
    return TemplateResponse(request, "surveys/index.html", ctx)


@login_required
def questions(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    services.questions_ensure(viewer.program)
    form = QuestionForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.question_create(
            program=viewer.program, acting_user=request.user, **data
        ),
        success="Added. New surveys will ask it.",
        then=reverse("surveys:questions", args=[slug]),
    ):
        return response
    listed = list(Question.objects.filter(program=viewer.program))
    ctx = _ctx(
        viewer,
        form=form,
        active=[q for q in listed if not q.retired],
        retired=[q for q in listed if q.retired],
    )
    return TemplateResponse(request, "surveys/questions.html", ctx)


@login_required
def question_edit(request, slug, question_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    question = get_question(viewer, question_uuid)
    initial = {
        "audience": question.audience,
        "text": question.text,
        "low_label": question.low_label,
        "high_label": question.high_label,
        "options": "\n".join(question.options),
        "satisfaction": question.satisfaction,
    }
    form = QuestionEditForm(request.POST or None, initial=initial)
    if response := flow.submit(
        request,
        form,
        lambda data: services.question_update(question=question, acting_user=request.user, **data),
        success="Saved. Surveys already open keep the wording they were sent with.",
        then=reverse("surveys:questions", args=[slug]),
    ):
        return response
    ctx = _ctx(viewer, form=form, question=question)
    return TemplateResponse(request, "surveys/question_form.html", ctx)


@login_required
@require_POST
def question_move(request, slug, question_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    question = get_question(viewer, question_uuid)
    form = MoveForm(request.POST)
    return flow.act(
        request,
        lambda: services.question_move(
            question=question, acting_user=request.user, up=form.cleaned_data["direction"] == "up"
        ),
        form=form,
        success=None,
        then=reverse("surveys:questions", args=[slug]),
    )


@login_required
@require_POST
def question_retire(request, slug, question_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    question = get_question(viewer, question_uuid)
    return flow.act(
        request,
        lambda: services.question_retire(question=question, acting_user=request.user),
        success="Retired: new surveys no longer ask it; past answers stay.",
        then=reverse("surveys:questions", args=[slug]),
    )


@login_required
def cycle_new(request, slug):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    form = CycleForm(request.POST or None, program=viewer.program)
    if response := flow.submit(
        request,
        form,
        lambda data: services.cycle_create(
            program=viewer.program, acting_user=request.user, **data
        ),
        success="Scheduled. It opens on its date, or now if you open it.",
        then=lambda cycle: cycle,
    ):
        return response
    return TemplateResponse(request, "surveys/cycle_form.html", _ctx(viewer, form=form))


@login_required
def cycle(request, slug, cycle_uuid):
    """Dates, audience, response rate (counts, never who), the viewer's own invitation."""
    viewer = get_program(request, slug, allow=policy.can_view_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_survey_cycle)
    answered, invited = selectors.response_rate(cycle)
    ctx = _ctx(
        viewer,
        cycle=cycle,
        answered=answered,
        invited=invited,
        mine=cycle.invitations.filter(user=request.user).first(),
        can_run=policy.can_run_surveys(viewer),
        can_results=policy.can_view_survey_results(viewer, cycle),
        questions=list(cycle.questions.all()),
    )
    return TemplateResponse(request, "surveys/cycle.html", ctx)


@login_required
@require_POST
def cycle_open(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_survey_cycle)
    return flow.act(
        request,
        lambda: services.cycle_open(cycle=cycle, acting_user=request.user),
        success=lambda c: f"Open: {c.invitations.count()} people have been sent a link.",
        then=cycle,
    )


@login_required
@require_POST
def cycle_close(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_survey_cycle)
    return flow.act(
        request,
        lambda: services.cycle_close(cycle=cycle, acting_user=request.user),
        success="Closed: the results can be read.",
        then=reverse("surveys:results", args=[slug, cycle.uuid]),
        failed=cycle,
    )


@login_required
@never_cache
def answer(request, slug, cycle_uuid):
    """The survey form of someone it was sent to. A second answer is refused with 409."""
    viewer = get_program(request, slug, allow=policy.can_view_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.is_survey_invitee)
    invitation = Invitation.objects.get(cycle=cycle, user=request.user)
    questions = [q for q in cycle.questions.all() if asks(q.audience, invitation.respondent)]
    form = AnswerForm(request.POST or None, questions=questions)
    # A second POST of the same form goes where the first one went (flow.submit); a new
    # answer after the first is refused by the service, and the page below says why.
    if response := flow.submit(
        request,
        form,
        lambda data: services.response_submit(
            cycle=cycle, acting_user=request.user, answers=form.answers(data)
        ),
        success="Thank you: your answers were recorded, apart from your name.",
        then=reverse("surveys:index", args=[slug]),
    ):
        return response
    invitation.refresh_from_db()
    if invitation.answered or not cycle.takes_answers_on(timezone.localdate()):
        ctx = _ctx(viewer, cycle=cycle, answered=invitation.answered)
        status = 409 if invitation.answered else 410
        return TemplateResponse(request, "surveys/answered.html", ctx, status=status)
    ctx = _ctx(viewer, cycle=cycle, form=form)
    return TemplateResponse(request, "surveys/answer.html", ctx)


@login_required
@keep
def results(request, slug, cycle_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_survey_results)
    ctx = _ctx(viewer, cycle=cycle, can_pick=policy.can_run_surveys(viewer))
    if cycle.is_closed:
        ctx["results"] = selectors.cycle_results(cycle, request.GET.get("group", ""))
    else:
        ctx["answered"], ctx["invited"] = selectors.response_rate(cycle)
    return TemplateResponse(request, "surveys/results.html", ctx)


@login_required
@require_POST
def pick(request, slug, cycle_uuid, answer_uuid):
    viewer = get_program(request, slug, allow=policy.can_run_surveys)
    cycle = get_cycle(viewer, cycle_uuid, allow=policy.can_view_survey_results)
    if not cycle.is_closed or (comment := selectors.visible_comment(cycle, answer_uuid)) is None:
        raise Http404("No such comment")
    form = PickForm(request.POST)
    return flow.act(
        request,
        lambda: services.answer_pick(
            answer=comment, acting_user=request.user, picked=form.cleaned_data["picked"]
        ),
        form=form,
        success=lambda a: "Picked for the report." if a.picked else "Taken out of the report.",
        then=reverse("surveys:results", args=[slug, cycle.uuid]),
    )
