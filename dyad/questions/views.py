from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dyad import flow, policy
from dyad.access import get_program, get_relationship
from dyad.changes.pages import keep
from dyad.meetings.models import Meeting
from dyad.questions import selectors, services
from dyad.questions.forms import AskedForm, BankFilterForm, QuestionForm


def _bank_url(slug) -> str:
    return reverse("questions:bank", args=[slug])


def _attach_row_urls(slug, questions) -> None:
    """Each row's edit and (de)activate addresses, from one reverse per action rather than
    three per row (a bank has a hundred questions)."""
    marker = "00000000-0000-0000-0000-000000000000"
    patterns = {
        name: reverse(f"questions:{name}", args=[slug, marker])
        for name in ("edit", "deactivate", "reactivate")
    }
    for question in questions:
        uuid = str(question.uuid)
        question.edit_url = patterns["edit"].replace(marker, uuid)
        toggle = "deactivate" if question.is_active else "reactivate"
        question.toggle_url = patterns[toggle].replace(marker, uuid)


@login_required
@keep
def bank(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    form = BankFilterForm(request.GET)
    filters = form.filters()
    customized = selectors.bank_is_customized(viewer.program)
    questions = list(selectors.bank_questions(viewer.program, customized=customized, **filters))
    _attach_row_urls(slug, questions)
    ctx = {
        "viewer": viewer,
        "nav": "questions",
        "form": form,
        "questions": questions,
        "customized": customized,
        "is_filtered": any(filters.values()),
    }
    return TemplateResponse(request, "questions/bank.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    form = QuestionForm(request.POST or None)
    if response := flow.submit(
        request,
        form,
        lambda data: services.question_create(
            program=viewer.program, acting_user=request.user, **form.question_fields()
        ),
        success=lambda question: f"Added: “{question.text}”",
        then=_bank_url(slug),
    ):
        return response
    ctx = {
        "viewer": viewer,
        "nav": "questions",
        "form": form,
        "question": None,
        "customized": selectors.bank_is_customized(viewer.program),
    }
    return TemplateResponse(request, "questions/question_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, slug, question_uuid):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    question = selectors.bank_question(viewer.program, question_uuid)
    form = QuestionForm.for_question(question, request.POST or None)

    def update(data):
        fields = form.question_fields()
        if fields["position"] is None:
            del fields["position"]
        return services.question_update(
            program=viewer.program, question=question, acting_user=request.user, **fields
        )

    if response := flow.submit(
        request, form, update, success="The question is saved.", then=_bank_url(slug)
    ):
        return response
    ctx = {"viewer": viewer, "nav": "questions", "form": form, "question": question}
    return TemplateResponse(request, "questions/question_form.html", ctx)


def _set_active(request, slug, question_uuid, *, active):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    question = selectors.bank_question(viewer.program, question_uuid)
    outcome = "will be suggested again" if active else "will no longer be suggested"
    return flow.act(
        request,
        lambda: services.question_set_active(
            program=viewer.program, question=question, active=active, acting_user=request.user
        ),
        success=lambda changed: f"“{changed.text}” {outcome}.",
        then=_bank_url(slug),
    )


@login_required
@require_POST
def question_deactivate(request, slug, question_uuid):
    return _set_active(request, slug, question_uuid, active=False)


@login_required
@require_POST
def question_reactivate(request, slug, question_uuid):
    return _set_active(request, slug, question_uuid, active=True)


@login_required
@require_POST
def bank_customize(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)

    def done(copied):
        if not copied:
            return "This program already has its own bank."
        return (
            f"{viewer.program.name} now has its own bank: {copied} questions copied from the "
            "default bank. Changes here no longer follow the default bank."
        )

    return flow.act(
        request,
        lambda: services.question_bank_customize(program=viewer.program, acting_user=request.user),
        success=done,
        then=_bank_url(slug),
    )


@login_required
@require_POST
def mark_asked(request, slug, meeting_uuid):
    viewer = get_program(request, slug, allow=policy.can_view_program)
    meeting = get_object_or_404(
        Meeting.objects.filter(relationship__program=viewer.program).select_related("relationship"),
        uuid=meeting_uuid,
    )
    relationship = get_relationship(
        viewer,
        meeting.relationship.uuid,
        allow=policy.can_record_discussed_questions,
    )
    form = AskedForm(request.POST, questions=selectors.askable(viewer.program))
    return flow.act(
        request,
        lambda: services.questions_mark_asked(
            relationship=relationship,
            meeting=meeting,
            questions=form.cleaned_data["question"],
            acting_user=request.user,
        ),
        success="Noted: these questions will not be suggested to you again.",
        then=meeting,
        form=form,
    )
