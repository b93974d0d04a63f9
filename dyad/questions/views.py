from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from dyad import policy
from dyad.access import get_program, get_relationship
from dyad.meetings.models import Meeting
from dyad.questions import selectors, services
from dyad.questions.forms import AskedForm, BankFilterForm, QuestionForm


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def bank(request, slug):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    form = BankFilterForm(request.GET)
    filters = form.filters()
    customized = selectors.bank_is_customized(viewer.program)
    questions = list(selectors.bank_questions(viewer.program, customized=customized, **filters))
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
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(
                program=viewer.program, acting_user=request.user, **form.question_fields()
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, f"Added: “{question.text}”")
            return redirect("questions:bank", slug)
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
    if request.method == "POST" and form.is_valid():
        fields = form.question_fields()
        if fields["position"] is None:
            del fields["position"]
        try:
            services.question_update(
                program=viewer.program, question=question, acting_user=request.user, **fields
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "The question is saved.")
            return redirect("questions:bank", slug)
    ctx = {"viewer": viewer, "nav": "questions", "form": form, "question": question}
    return TemplateResponse(request, "questions/question_form.html", ctx)


def _set_active(request, slug, question_uuid, *, active):
    viewer = get_program(request, slug, allow=policy.can_edit_question_bank)
    question = selectors.bank_question(viewer.program, question_uuid)
    question = services.question_set_active(
        program=viewer.program, question=question, active=active, acting_user=request.user
    )
    if active:
        messages.success(request, f"“{question.text}” will be suggested again.")
    else:
        messages.success(request, f"“{question.text}” will no longer be suggested.")
    return redirect("questions:bank", slug)


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
    copied = services.question_bank_customize(program=viewer.program, acting_user=request.user)
    if copied:
        messages.success(
            request,
            f"{viewer.program.name} now has its own bank: {copied} questions copied from the "
            "default bank. Changes here no longer follow the default bank.",
        )
    else:
        messages.info(request, "This program already has its own bank.")
    return redirect("questions:bank", slug)


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
    if form.is_valid():
        services.questions_mark_asked(
            relationship=relationship,
            meeting=meeting,
            questions=form.cleaned_data["question"],
            acting_user=request.user,
        )
        messages.success(request, "Noted: these questions will not be suggested to you again.")
    else:
        messages.error(request, " ".join(form.errors["question"]))
    return redirect("meetings:detail", slug, meeting_uuid)
