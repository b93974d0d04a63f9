"""Call a service from a view: show its message or the form's errors, redirect after success.

Every view that changes something goes through `submit` (a form) or `act` (a button with no
form), so that a form is always validated before its data reaches a service, a service's
`ValidationError` always reaches the user in words, and success always redirects.

    form = AssignForm(request.POST or None, program=viewer.program)
    if response := flow.submit(
        request,
        form,
        lambda data: services.relationship_create(**data, acting_user=request.user),
        success="Proposed. Both have been told.",
        then=lambda relationship: relationship,
    ):
        return response
    return TemplateResponse(request, "…", {"form": form})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from dyad.accounts.models import SubmissionKey
from dyad.fields import SUBMISSION_KEY

T = TypeVar("T")

Message = str | Callable[[Any], str] | None
Target = Any  # a model with get_absolute_url, a URL, or a callable of the result giving one


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence or several, without field names."""
    return " ".join(error.messages)


def _resolve(value: Any, result: Any) -> Any:
    return value(result) if callable(value) else value


def _target(then: Target, result: Any) -> Any:
    return then(result) if callable(then) else then


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: Message,
    then: Target,
) -> HttpResponse | None:
    """On a valid POST, run `action(form.cleaned_data)`. A `ValidationError` from the action
    becomes the form's errors (per field where the service named one) and None is returned,
    so the view renders the form again with nothing written. Otherwise `success` is shown
    and the user redirected to `then`. On GET, or an invalid form, None.

    A form with a one-time key (`dyad.fields.OnceForm`) has its key claimed in the same
    transaction as the action: a second POST with the same key runs nothing and is sent to
    where the first one went, with a message saying it was already saved."""
    if request.method != "POST":
        return None
    if earlier := _earlier_submission(request, form):
        # Before validating: what the first POST created may make this one invalid.
        return _already_saved(request, form, earlier.key)
    if not form.is_valid():
        return None
    key = form.cleaned_data.pop(SUBMISSION_KEY, None)
    if not request.user.is_authenticated:
        key = None  # a key is claimed by someone; nobody signed in, nothing to claim
    try:
        with transaction.atomic():
            if key is not None and not _claim(request, key):
                return _already_saved(request, form, key)
            result = action(form.cleaned_data)
            text = _resolve(success, result)
            if text:
                messages.success(request, text)
            url = resolve_url(_target(then, result))  # after `success`: it may add messages
            if key is not None:
                SubmissionKey.objects.filter(key=key).update(result_url=url)
    except ValidationError as error:
        _add_errors(form, error)
        return None
    return redirect(url)


def _earlier_submission(request: HttpRequest, form: forms.BaseForm) -> SubmissionKey | None:
    """The user's earlier submission of this very form (same one-time key), if any."""
    if SUBMISSION_KEY not in form.fields or not request.user.is_authenticated:
        return None
    try:
        key = form.fields[SUBMISSION_KEY].clean(form[SUBMISSION_KEY].data)
    except ValidationError:
        return None
    return key and SubmissionKey.objects.filter(key=key, user=request.user).first()


def _claim(request: HttpRequest, key) -> bool:
    """Claim the form's one-time key; False if it was claimed before. On PostgreSQL a
    concurrent claim of the same key waits here until the first transaction ends."""
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key, user=request.user)
    except IntegrityError:
        return False
    return True


def _already_saved(request: HttpRequest, form: forms.BaseForm, key) -> HttpResponse | None:
    """The answer to a second POST of the same form: to the first one's result, or, if the
    key is someone else's, the form again with a message (a key is never shared)."""
    earlier = SubmissionKey.objects.filter(key=key, user=request.user).first()
    if earlier is None:
        form.add_error(None, "This form is out of date: reload the page and fill it in again.")
        return None
    messages.info(request, "This was already saved; nothing was added a second time.")
    return redirect(earlier.result_url or request.path)


def act(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: Message,
    then: Target,
    form: forms.BaseForm | None = None,
    invalid: str = "",
    failed: Target = None,
) -> HttpResponse:
    """A POST with no page of its own (a button): run `action()`, show `success` or the
    service's refusal as a message, and redirect to `then` (or to `failed` on refusal).
    When `form` is given it is validated first; if invalid, `invalid` (or its errors) is
    shown and nothing runs. A callable `then` is given the result, or None on refusal
    unless `failed` says where to go."""
    back = then if failed is None else failed
    if form is not None and not form.is_valid():
        messages.error(request, invalid or _form_error_text(form))
        return redirect(_target(back, None))
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_target(back, None))
    text = _resolve(success, result)
    if text:
        messages.success(request, text)
    return redirect(_target(then, result))


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(error))


def _form_error_text(form: forms.BaseForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)
