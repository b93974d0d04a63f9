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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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
    and the user redirected to `then`. On GET, or an invalid form, None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return None
    text = _resolve(success, result)
    if text:
        messages.success(request, text)
    return redirect(_target(then, result))


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
